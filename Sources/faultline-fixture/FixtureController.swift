// FixtureController: a mini controller that starts N fixture nodes via Supervisor, for ownership tests.
import Foundation
import Supervisor

/// Starts `--nodes N` nodes under `--dir D`, writes their pids to D/pids (one a line) once all are
/// healthy, then waits: forever, or `--exit-after S` seconds and exits normally (after shutdown).
func runController(_ o: [String: [String]]) {
    guard let dir = o["dir"]?.first else { fail("controller needs --dir DIR [--nodes N] [--exit-after S]") }
    let n = o["nodes"]?.first.flatMap(Int.init) ?? 3
    SignalTrap.install(grace: 2)
    let sup = Supervisor()
    let me = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    let sem = DispatchSemaphore(value: 0)
    Task {
        do {
            var pids: [Int32] = []
            for i in 1...n {
                let port = try PortAllocator.shared.allocate()
                let name = "n\(i)"
                let spec = NodeSpec(name: name, executable: me, arguments: ["node", "--name", name, "--port", "\(port)"],
                                    workingDirectory: "\(dir)/nodes/\(name)", ports: [port],
                                    healthURL: "http://127.0.0.1:\(port)/health")
                pids.append(try sup.start(spec))
            }
            for i in 1...n { try await sup.waitHealthy("n\(i)", timeout: 20) }
            try pids.map(String.init).joined(separator: "\n").appending("\n").write(toFile: "\(dir)/pids.tmp", atomically: true, encoding: .utf8)
            rename("\(dir)/pids.tmp", "\(dir)/pids")
        } catch {
            fail("controller: \(error)")
        }
        sem.signal()
    }
    sem.wait()
    if let s = o["exit-after"]?.first.flatMap(Double.init) {
        Thread.sleep(forTimeInterval: s)
        sup.shutdown(grace: 2)
        exit(0)
    }
    while true { sleep(1000) }
}
