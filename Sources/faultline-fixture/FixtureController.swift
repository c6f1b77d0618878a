// FixtureController: a mini controller that starts N fixture nodes via Supervisor, for ownership tests.
import Foundation
import Supervisor

/// Starts `--nodes N` nodes under `--dir D`, writes their pids to D/pids (one a line) once all are
/// healthy, then waits: forever, or `--exit-after S` seconds and exits normally (after shutdown).
/// `--cgroup yes`: each node is owned by a cgroup and first leaves behind an escapee, a `sleep` that
/// setsid()s and is re-parented away from the node (as Patroni's postmaster is); the escapees' pids
/// follow the nodes' in D/pids, and the nodes' cgroup folders go to D/cgroups.
func runController(_ o: [String: [String]]) {
    guard let dir = o["dir"]?.first else { fail("controller needs --dir DIR [--nodes N] [--exit-after S]") }
    let n = o["nodes"]?.first.flatMap(Int.init) ?? 3
    let owned = o["cgroup"]?.first == "yes"
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
                let nodeArgs = ["node", "--name", name, "--port", "\(port)"]
                var spec = NodeSpec(name: name, executable: me, arguments: nodeArgs,
                                    workingDirectory: "\(dir)/nodes/\(name)", ports: [port],
                                    healthURL: "http://127.0.0.1:\(port)/health")
                if owned {
                    // The subshell exits at once: its setsid'd sleep is re-parented, outside the node's tree.
                    spec.executable = "/bin/sh"
                    spec.arguments = ["-c", "(setsid sleep 300 & echo $! > escapee.pid); exec \"$0\" \"$@\"", me] + nodeArgs
                    spec.ownedByCgroup = true
                }
                pids.append(try sup.start(spec))
            }
            for i in 1...n { try await sup.waitHealthy("n\(i)", timeout: 20) }
            if owned {
                for i in 1...n {
                    let file = "\(dir)/nodes/n\(i)/escapee.pid"
                    guard let text = try? String(contentsOfFile: file, encoding: .utf8),
                          let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { fail("controller: no \(file)") }
                    pids.append(pid)
                }
                let cgroups = (1...n).compactMap { sup.cgroupPath(of: "n\($0)") }.joined(separator: "\n") + "\n"
                try cgroups.write(toFile: "\(dir)/cgroups", atomically: true, encoding: .utf8)
            }
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
