import Foundation
import FaultlineTesting
import NIOCore
import Supervisor
import Testing
@testable import RedisProtocol

/// Against real redis-server processes started (and owned) by the test on 127.0.0.1.
@Suite(.serialized) struct RealRedisTests {
    static let redisServer = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Starts one redis-server (a replica of `primary` when given) and waits until it answers PING.
    private func startRedis(_ supervisor: Supervisor, name: String, dir: String, primary: Int? = nil) async throws -> Int {
        let port = try PortAllocator.shared.allocate()
        var args = ["--bind", "127.0.0.1", "--port", "\(port)", "--save", "", "--appendonly", "no",
                    "--dir", dir, "--repl-diskless-sync-delay", "0", "--protected-mode", "no"]
        if let primary { args += ["--replicaof", "127.0.0.1", "\(primary)"] }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        _ = try supervisor.start(NodeSpec(name: name, executable: try #require(Self.redisServer), arguments: args,
                                          workingDirectory: dir, ports: [port]))
        // Generous: a fresh-clone CI run saw a server that was up not answer for 30 s while the whole
        // suite started at once.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if let c = try? await RedisConnection.connect(port: port) {
                let pong = try? await c.send(["PING"])
                await c.close()
                if pong == .simpleString("PONG") { return port }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw RedisError.notSent("redis-server \(name) did not answer PING within 120 s: \(supervisor.logTail(name))")
    }

    @Test(.enabled(if: redisServer != nil, "redis-server is not installed (scripts/test installs it)"))
    func commandsAndReplies() async throws {
        let supervisor = Supervisor()
        defer { supervisor.shutdown(grace: 2) }
        let dir = TestSupport.tempDir("redis-cmds")
        let port = try await startRedis(supervisor, name: "redis-1", dir: dir)
        let c = try await RedisConnection.connect(port: port)
        #expect(try await c.send(["SET", "k", "1"]) == .simpleString("OK"))
        #expect(try await c.send(["GET", "k"]).string == "1")
        #expect(try await c.send(["GET", "missing"]) == .bulkString(nil))
        #expect(try await c.send(["SADD", "s", "a", "b", "a"]) == .integer(2))
        let members = try await c.send(["SMEMBERS", "s"])
        guard case .array(let elements?) = members else { Issue.record("SMEMBERS gave \(members)"); return }
        #expect(Set(elements.compactMap(\.string)) == ["a", "b"])
        #expect(try await c.send(["INCR", "s"]).errorCode == "WRONGTYPE")
        // Binary values survive byte for byte.
        #expect(try await c.send(bytes: [Array("SET".utf8), [0xff], [0x00, 0xfe]]) == .simpleString("OK"))
        #expect(try await c.send(bytes: [Array("GET".utf8), [0xff]]) == .bulkString([0x00, 0xfe]))
        await c.close()
        #expect(!c.isOpen)
        await #expect(throws: RedisError.self) { try await c.send(["PING"]) }
    }

    @Test(.enabled(if: redisServer != nil, "redis-server is not installed (scripts/test installs it)"))
    func refusedConnectionIsNotSent() async throws {
        let port = try PortAllocator.shared.allocate()  // free: nobody listens
        do {
            _ = try await RedisConnection.connect(port: port, timeout: .seconds(2))
            Issue.record("connected to a port nobody listens on")
        } catch let error as RedisError {
            guard case .notSent = error else { Issue.record("expected notSent, got \(error)"); return }
        }
    }

    /// A paused server: the command was written, no reply came, so its outcome is unknown (never "fail"),
    /// and it did take effect once the server resumed.
    @Test(.enabled(if: redisServer != nil, "redis-server is not installed (scripts/test installs it)"))
    func pausedServerGivesUnknownOutcome() async throws {
        let supervisor = Supervisor()
        defer { supervisor.shutdown(grace: 2) }
        let port = try await startRedis(supervisor, name: "redis-p", dir: TestSupport.tempDir("redis-pause"))
        let c = try await RedisConnection.connect(port: port)
        _ = try supervisor.pause("redis-p")
        do {
            _ = try await c.send(["SET", "late", "yes"], timeout: .milliseconds(300))
            Issue.record("a paused server answered")
        } catch let error as RedisError {
            guard case .outcomeUnknown = error else { Issue.record("expected outcomeUnknown, got \(error)"); return }
        }
        // The connection gave up on its commands, so a new command on it is certainly not sent.
        do {
            _ = try await c.send(["GET", "late"])
            Issue.record("a timed-out connection took another command")
        } catch let error as RedisError {
            guard case .notSent = error else { Issue.record("expected notSent, got \(error)"); return }
        }
        _ = try supervisor.resume("redis-p")
        let again = try await RedisConnection.connect(port: port)
        let deadline = Date().addingTimeInterval(20)
        var seen: RESPValue = .bulkString(nil)
        while Date() < deadline, seen.isNull {
            seen = try await again.send(["GET", "late"])
            if seen.isNull { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(seen.string == "yes", "the write whose outcome was unknown took effect after the resume")
        await again.close()
    }

    /// WAIT counts this connection's writes that reached replicas; a replica refuses writes with READONLY.
    @Test(.enabled(if: redisServer != nil, "redis-server is not installed (scripts/test installs it)"))
    func waitAndReadOnlyReplica() async throws {
        let supervisor = Supervisor()
        defer { supervisor.shutdown(grace: 2) }
        let base = TestSupport.tempDir("redis-repl")
        let primary = try await startRedis(supervisor, name: "primary", dir: base + "/p")
        let replica = try await startRedis(supervisor, name: "replica", dir: base + "/r", primary: primary)
        let c = try await RedisConnection.connect(port: primary)
        // Wait (up to a generous deadline) until the replica is attached, then WAIT must see it.
        let deadline = Date().addingTimeInterval(30)
        var acked: RESPValue = .integer(0)
        while Date() < deadline, acked != .integer(1) {
            _ = try await c.send(["SET", "w", "1"])
            acked = try await c.send(["WAIT", "1", "500"], timeout: .seconds(5))
        }
        #expect(acked == .integer(1))
        let r = try await RedisConnection.connect(port: replica)
        #expect(try await r.send(["SET", "x", "1"]).errorCode == "READONLY")
        #expect(try await r.send(["GET", "w"]).string == "1")
        _ = try supervisor.pause("replica")
        #expect(try await c.send(["SET", "w", "2"]) == .simpleString("OK"))
        #expect(try await c.send(["WAIT", "1", "200"], timeout: .seconds(5)) == .integer(0),
                "the write happened on the primary but no replica acknowledged it")
        _ = try supervisor.resume("replica")
        await c.close()
        await r.close()
    }
}
