// Runs a 3-replica cluster of one role as real faultline-node processes, each peer link through a
// TestProxy, with kill -9 / restart by PID and leader isolation; always cleaned up by shutdown().
import Foundation
#if canImport(Glibc)
import Glibc
#endif

final class TestCluster: @unchecked Sendable {
    let role: String
    let names: [String]
    let ports: [String: Int]
    let dir: String
    var processes: [String: Process] = [:]
    /// proxies[a]![b] carries a's traffic to b.
    var proxies: [String: [String: TestProxy]] = [:]
    let settings: [String: Any]
    let bugs: [String]

    static var binary: String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let beside = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("faultline-node").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return root.appendingPathComponent(".build/debug/faultline-node").path
    }

    init(role: String, settings: [String: Any], bugs: [String] = []) throws {
        self.role = role
        self.settings = settings
        self.bugs = bugs
        names = (1...3).map { "\(role)-\($0)" }
        var ports: [String: Int] = [:]
        for n in names { ports[n] = TestProxy.freePort() }
        self.ports = ports
        dir = NSTemporaryDirectory() + "faultline-nodetest-\(role)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for a in names {
            for b in names where a != b { proxies[a, default: [:]][b] = TestProxy(target: ports[b]!) }
        }
        for n in names { try writeConfig(n) }
    }

    func configPath(_ n: String) -> String { "\(dir)/\(n).json" }

    private func writeConfig(_ n: String) throws {
        var peers: [String: String] = [:]
        for (b, p) in proxies[n]! { peers[b] = "127.0.0.1:\(p.port)" }
        let cfg: [String: Any] = ["name": n, "role": role, "port": ports[n]!, "data_dir": "\(dir)/\(n)-data",
                                  "peers": peers, "settings": settings, "bugs": bugs]
        try JSONSerialization.data(withJSONObject: cfg).write(to: URL(fileURLWithPath: configPath(n)))
    }

    func start(_ n: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = [role, "--config", configPath(n)]
        let log = FileHandle(forWritingAtPath: "\(dir)/\(n).log") ?? {
            _ = FileManager.default.createFile(atPath: "\(dir)/\(n).log", contents: nil)
            return FileHandle(forWritingAtPath: "\(dir)/\(n).log")!
        }()
        log.seekToEndOfFile()
        p.standardOutput = log
        p.standardError = log
        try p.run()
        processes[n] = p
    }

    func startAll() throws { for n in names { try start(n) } }

    func kill9(_ n: String) {
        guard let p = processes[n], p.isRunning else { return }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        processes[n] = nil
    }

    func shutdown() {
        for n in names { kill9(n) }
        for (_, m) in proxies { for (_, p) in m { p.stop() } }
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// Cuts every link to and from `n`.
    func isolate(_ n: String) {
        for (a, m) in proxies { for (b, p) in m where a == n || b == n { p.cut() } }
    }

    func healAll() { for (_, m) in proxies { for (_, p) in m { p.heal() } } }

    func status(_ n: String) -> [String: Any]? {
        let r = TestHTTP.request(ports[n]!, "GET", "/status", timeout: 1)
        return r.status == 200 ? r.body : nil
    }

    func waitHealthy(timeout: Double = 10) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if names.allSatisfy({ TestHTTP.request(ports[$0]!, "GET", "/health", timeout: 1).status == 200 }) { return true }
            usleep(50_000)
        }
        return false
    }

    /// Waits until one of `among` says it is the leader; returns its name.
    func waitLeader(among: [String]? = nil, excluding: String? = nil, timeout: Double = 10) -> String? {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            for n in among ?? names where n != excluding {
                if let s = status(n), s["leader"] as? String == n {
                    // Give the others that answer a moment to learn it (first heartbeat), so requests
                    // sent to a follower can be forwarded.
                    let agreeBy = Date().addingTimeInterval(2)
                    while Date() < agreeBy {
                        let views = (among ?? names).filter { $0 != excluding }.compactMap { status($0) }
                        if views.allSatisfy({ $0["leader"] as? String == n }) { break }
                        usleep(50_000)
                    }
                    return n
                }
            }
            usleep(50_000)
        }
        return nil
    }
}
