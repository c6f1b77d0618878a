// Real servers the pipeline services' backend tests talk to, started (and owned) by the test on
// 127.0.0.1: redis-server, SeaweedFS (`weed server` with its S3 gateway) and Tansu (a Kafka-protocol
// broker); PostgreSQL is FaultlineTesting's RealPostgres. Each waits on its own readiness with a generous deadline.
import Foundation
import FaultlineTesting
import KafkaProtocol
import RedisProtocol
import S3Client
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

    static let weed: String? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [ProcessInfo.processInfo.environment["FAULTLINE_WEED"], root.path + "/.tools/bin/weed", "/usr/local/bin/weed"]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Starts an all-in-one `weed server` (master, volume, filer, S3 gateway) and waits until an object
    /// PUT through the gateway works (a fresh server refuses PUTs until the master hands out a volume,
    /// for a minute on a loaded machine); returns the S3 port.
    static func startSeaweed(_ supervisor: Supervisor, name: String) async throws -> Int {
        let ports = try PortAllocator.shared.allocate(8)
        let dir = TestSupport.tempDir("node-weed")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let args = ["server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-dir=\(dir)",
                    "-master.port=\(ports[0])", "-master.port.grpc=\(ports[1])",
                    "-volume.port=\(ports[2])", "-volume.port.grpc=\(ports[3])",
                    "-filer", "-filer.port=\(ports[4])", "-filer.port.grpc=\(ports[5])",
                    "-s3", "-s3.port=\(ports[6])", "-s3.port.grpc=\(ports[7])",
                    // Their fixed default ports would collide with another weed server on the machine.
                    "-s3.port.iceberg=0", "-s3.port.lance=0",
                    "-master.telemetry=false", "-volume.max=8"]
        _ = try supervisor.start(NodeSpec(name: name, executable: try #require(weed), arguments: args,
                                          workingDirectory: dir, ports: ports, stopSignal: SIGKILL))
        let client = S3Client(port: ports[6])
        defer { Task { await client.shutdown() } }
        let deadline = Date().addingTimeInterval(180)
        var last = "nothing tried"
        while Date() < deadline {
            do {
                do { try await client.createBucket("ready-check") } catch S3Error.refused(409, _, _) {}
                try await client.put(bucket: "ready-check", key: "k", body: [1])
                return ports[6]
            } catch {
                last = "\(error)"
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        throw S3Error.notSent("SeaweedFS did not accept a PUT within 180 s: \(last); \(supervisor.logTail(name))")
    }

    static let tansu: String? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [ProcessInfo.processInfo.environment["FAULTLINE_TANSU"], root.path + "/.tools/bin/tansu"]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Starts a Tansu broker (memory storage) and waits until it answers ApiVersions; returns its port.
    static func startTansu(_ supervisor: Supervisor, name: String) async throws -> Int {
        let port = try PortAllocator.shared.allocate()
        let dir = TestSupport.tempDir("node-tansu")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let url = "tcp://127.0.0.1:\(port)"
        _ = try supervisor.start(NodeSpec(name: name, executable: try #require(tansu),
                                          arguments: ["broker", "--listener-url", url, "--advertised-listener-url", url, "--storage-engine", "memory://tansu/"],
                                          workingDirectory: dir, ports: [port]))
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if let c = try? await KafkaClient.connect(port: port, requestTimeout: .seconds(5)) {
                let ok = (try? await c.apiVersions()) != nil
                await c.close()
                if ok { return port }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw KafkaClientError.notSent("tansu did not answer within 120 s: \(supervisor.logTail(name))")
    }
}
