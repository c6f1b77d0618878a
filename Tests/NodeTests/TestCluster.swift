// Runs a 3-replica cluster of one role as real faultline-node processes, each directed peer link
// through a Net link proxy, with kill -9 / restart by PID and leader isolation; withCluster always
// cleans up (processes, proxies, data).
import Foundation
import Net
#if canImport(Glibc)
import Glibc
#endif

/// Runs `body` on a fresh cluster and always tears it down, whatever happens in `body`.
func withCluster(role: String, settings: [String: Any], bugs: [String] = [],
                 _ body: (TestCluster) async throws -> Void) async throws {
    let c = try await TestCluster.make(role: role, settings: settings, bugs: bugs)
    do { try await body(c) } catch { await c.shutdown(); throw error }
    await c.shutdown()
}

final class TestCluster: @unchecked Sendable {
    let role: String
    let names: [String]
    let ports: [String: Int]
    let dir: String
    var processes: [String: Process] = [:]
    /// One proxy per directed link: a's traffic to b goes through net.link(a, b).
    let net = ProxyNetwork(threads: 1)
    let settings: [String: Any]
    let bugs: [String]

    static var binary: String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let beside = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("faultline-node").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return root.appendingPathComponent(".build/debug/faultline-node").path
    }

    private init(role: String, settings: [String: Any], bugs: [String]) throws {
        self.role = role
        self.settings = settings
        self.bugs = bugs
        names = (1...3).map { "\(role)-\($0)" }
        var ports: [String: Int] = [:]
        for n in names { ports[n] = freePort() }
        self.ports = ports
        dir = NSTemporaryDirectory() + "faultline-nodetest-\(role)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    static func make(role: String, settings: [String: Any], bugs: [String] = []) async throws -> TestCluster {
        let c = try TestCluster(role: role, settings: settings, bugs: bugs)
        do {
            for a in c.names {
                for b in c.names where a != b { try await c.net.addLink(from: a, to: b, targetPort: c.ports[b]!) }
            }
            for n in c.names { try c.writeConfig(n) }
        } catch {
            await c.shutdown()
            throw error
        }
        return c
    }

    func configPath(_ n: String) -> String { "\(dir)/\(n).json" }

    private func writeConfig(_ n: String) throws {
        let peers = net.peerAddresses(of: n)
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

    /// SIGTERM (a graceful stop); SIGKILL if the node has not exited within 5 s.
    func terminate(_ n: String) {
        guard let p = processes[n], p.isRunning else { return }
        kill(p.processIdentifier, SIGTERM)
        let end = Date().addingTimeInterval(5)
        while p.isRunning && Date() < end { usleep(20_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        processes[n] = nil
    }

    func shutdown() async {
        for n in names { kill9(n) }
        await net.shutdown()
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// Cuts (blackholes) every link to and from `n`.
    func isolate(_ n: String) async {
        let ids = names.filter { $0 != n }.flatMap { [LinkID(n, $0), LinkID($0, n)] }
        await net.set(.cut, on: ids)
    }

    func healAll() async { await net.healAll() }

    func status(_ n: String) -> [String: Any]? {
        let r = TestHTTP.request(ports[n]!, "GET", "/status", timeout: 1)
        return r.status == 200 ? r.body : nil
    }

    func waitHealthy(timeout: Double = 30) -> Bool {
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

/// A free port on 127.0.0.1 (bound to port 0, then released).
func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    _ = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
    }
    return Int(UInt16(bigEndian: addr.sin_port))
}
