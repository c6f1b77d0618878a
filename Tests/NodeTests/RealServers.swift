// Real servers the pipeline services' backend tests talk to, started (and owned) by the test on
// 127.0.0.1: redis-server for now. Each waits on its own readiness with a generous deadline.
import Foundation
import FaultlineTesting
import RedisProtocol
import Supervisor
import Testing

enum RealServers {
    static let redisServer = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Starts one redis-server (no persistence) and waits until it answers PING; returns its port.
    static func startRedis(_ supervisor: Supervisor, name: String) async throws -> Int {
        let port = try PortAllocator.shared.allocate()
        let dir = TestSupport.tempDir("node-redis")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        _ = try supervisor.start(NodeSpec(name: name, executable: try #require(redisServer),
                                          arguments: ["--bind", "127.0.0.1", "--port", "\(port)", "--save", "", "--appendonly", "no",
                                                      "--dir", dir, "--protected-mode", "no"],
                                          workingDirectory: dir, ports: [port]))
        // Generous: a loaded 2-core machine has seen an up server not answer for 30 s.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if let c = try? await RedisConnection.connect(port: port) {
                let pong = try? await c.send(["PING"])
                await c.close()
                if pong == .simpleString("PONG") { return port }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw RedisError.notSent("redis-server did not answer PING within 120 s: \(supervisor.logTail(name))")
    }
}
