// Redis as the pipeline's cache (`ttl_ms`): the Redis client adapter against real redis-server
// processes, its history judged by the staleness checker. A failover is done by hand with the commands
// Sentinel sends (REPLICAOF NO ONE on the replica, REPLICAOF on the old primary), so the test knows
// exactly which acknowledged writes the failover dropped.
import Checker
import Foundation
import FaultlineTesting
import History
import Supervisor
import Systems
import Testing

@testable import RedisProtocol

/// Records one history the way the controller's client pool does: invocation, outcome, time since start.
final class HistoryTape: @unchecked Sendable {
    private let lock = NSLock()
    private var ops: [Op] = []
    private let start = ContinuousClock.now

    private func append(_ op: Op) {
        lock.lock(); defer { lock.unlock() }
        var o = op
        o.index = ops.count
        o.time = Int64((ContinuousClock.now - start) / .nanoseconds(1))
        ops.append(o)
    }

    /// Performs `f` through `client` as logical client `process` and records both ends.
    @discardableResult
    func perform(_ client: any SystemClient, _ process: Int, node: String, _ f: String, key: String, _ value: JSONValue = .null) async -> Op {
        append(Op(process: .client(process), type: .invoke, f: f, key: key, value: value, node: node))
        let outcome = await client.perform(ClientOperation(f: f, key: key, value: value, process: process))
        let done: Op
        switch outcome {
        case .ok(let v): done = Op(process: .client(process), type: .ok, f: f, key: key, value: v, node: node)
        case .okNoted(let v, let note): done = Op(process: .client(process), type: .ok, f: f, key: key, value: v, node: node, error: note)
        case .fail(let e): done = Op(process: .client(process), type: .fail, f: f, key: key, value: value, node: node, error: e)
        case .info(let e): done = Op(process: .client(process), type: .info, f: f, key: key, value: value, node: node, error: e)
        }
        append(done)
        return done
    }

    var history: History {
        lock.lock(); defer { lock.unlock() }
        return History(ops: ops)
    }
}

@Suite(.serialized) struct RedisCacheTests {
    /// Polls `check` until it holds; generous deadline, never a fixed sleep.
    private func waitUntil(_ what: String, seconds: Double = 60, _ check: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? await check()) == true { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw RedisError.notSent("gave up waiting \(seconds) s for: \(what)")
    }

    private func adapter(ttlMs: Int) -> any SystemAdapter {
        RedisSystem().adapter(AdapterContext(settings: ["ttl_ms": .int(ttlMs)], workload: "register", opTimeout: 5, concurrency: 4))
    }

    /// A key written with a short ttl is read until it is gone: the last read is a miss, and the checker
    /// calls it neither stale nor a lost write.
    /// After a failover that dropped acknowledged cache writes, a read of the older value is a stale read
    /// (versions behind counted) and a read of a key whose only write was dropped is a lost write.
    @Test(.enabled(if: RealRedisTests.redisServer != nil, "redis-server is not installed (scripts/test installs it)"))
    func expiryIsAMissAndAFailoverGivesStaleReadsAndLostWrites() async throws {
        let supervisor = Supervisor()
        defer { supervisor.shutdown(grace: 2) }
        let base = TestSupport.tempDir("redis-cache")
        let p = try await RealRedisTests.startRedis(supervisor, name: "cache-1", dir: base + "/1")
        let r = try await RealRedisTests.startRedis(supervisor, name: "cache-2", dir: base + "/2", primary: p)
        let n1 = SystemNode(name: "cache-1", port: p), n2 = SystemNode(name: "cache-2", port: r)
        let long = adapter(ttlMs: 60_000), short = adapter(ttlMs: 1_500)
        _ = long.leaderDiscovery([n1, n2])
        _ = short.leaderDiscovery([n1, n2])
        let onPrimary = try await long.open(n1, process: 0)
        let onReplica = try await long.open(n2, process: 1)
        let expiring = try await short.open(n2, process: 2)
        let rawP = try await RedisConnection.connect(port: p)
        let rawR = try await RedisConnection.connect(port: r)
        let tape = HistoryTape()

        // Expiry: a write through the replica's client goes to the primary; reads until the key is gone.
        let w = await tape.perform(expiring, 2, node: "cache-2", "write", key: "short", .int(1))
        #expect(w.type == .ok && w.error == "ttl_ms: 1500", "\(w)")
        try await waitUntil("the ttl-1500 key to expire") {
            await tape.perform(expiring, 2, node: "cache-2", "read", key: "short").value == .null
        }

        // A cas sets with the same expiry (the Lua script's SET ... PX).
        #expect(await tape.perform(expiring, 2, node: "cache-2", "write", key: "c", .int(1)).type == .ok)
        let cas = await tape.perform(expiring, 2, node: "cache-2", "cas", key: "c", [.int(1), .int(2)])
        #expect(cas.type == .ok && cas.error == "ttl_ms: 1500", "\(cas)")
        if case .integer(let pttl) = try await rawP.send(["PTTL", "c"]) {
            #expect(pttl <= 1500 && (pttl > 0 || pttl == -2), "PTTL \(pttl): the cas set an expiry")
        } else { Issue.record("PTTL gave no integer") }

        // Failover: v1 reaches the replica, the replica is promoted, the old primary (still a primary
        // to the client bound to it) acknowledges v2 and a new key, then is made a replica of the new one.
        #expect(await tape.perform(onPrimary, 0, node: "cache-1", "write", key: "k", .int(1)).type == .ok)
        try await waitUntil("the replica to hold k = 1") { try await rawR.send(["GET", "k"]).string == "1" }
        #expect(try await rawR.send(["REPLICAOF", "NO", "ONE"]) == .simpleString("OK"))
        let v2 = await tape.perform(onPrimary, 0, node: "cache-1", "write", key: "k", .int(2))
        let only = await tape.perform(onPrimary, 0, node: "cache-1", "write", key: "gone", .int(1))
        #expect(v2.type == .ok && only.type == .ok, "the old primary acknowledged: \(v2) \(only)")
        #expect(try await rawP.send(["REPLICAOF", "127.0.0.1", "\(r)"]) == .simpleString("OK"))
        // The demoted primary has resynced from the new one once its k is back to 1 and "gone" is gone.
        let check = try await RedisConnection.connect(port: p)
        try await waitUntil("the old primary to resync from the new one") {
            let k = try await check.send(["GET", "k"]).string
            let exists = try await check.send(["EXISTS", "gone"])
            return k == "1" && exists == .integer(0)
        }
        await check.close()
        // Reads through both clients, until each has an ok answer (a connection may drop in the demotion).
        for (client, process, node) in [(onPrimary, 0, "cache-1"), (onReplica, 1, "cache-2")] {
            try await waitUntil("an ok read of k through \(node)") {
                await tape.perform(client, process, node: node, "read", key: "k").type == .ok
            }
        }
        try await waitUntil("an ok read of gone") {
            await tape.perform(onReplica, 1, node: "cache-2", "read", key: "gone").type == .ok
        }
        for c in [onPrimary, onReplica, expiring] { await c.close() }
        await rawP.close()
        await rawR.close()

        let h = tape.history
        let v = StalenessChecker().check(h)
        let keyOf = { (e: JSONValue, field: String) in e[field]?["key"]?.stringValue }
        print("redis cache (ttl_ms) after a hand-made failover: \(v.json)")
        #expect(v.valid == .invalid, "a lost write makes the verdict invalid")
        // The short key's reads: hits until it expired, then a miss; never stale, never lost.
        let misses = try #require(v.details["misses"]?.intValue)
        #expect(misses >= 1)
        #expect(h.ops.last { $0.key == "short" && $0.f == "read" }?.value == .null)
        // Both reads of k after the failover gave v1 although v2 was acknowledged: stale by one version.
        let stale = v.examples["stale-read"] ?? []
        #expect(stale.count == 2 && stale.allSatisfy { keyOf($0, "read") == "k" && $0["versions_behind"] == 1 }, "\(stale)")
        #expect(v.count("stale-read") == 2)
        // The dropped key: a miss while its acknowledged 60 s write was certainly alive.
        let lost = v.examples["lost-write"] ?? []
        #expect(lost.count == 1 && keyOf(lost.first ?? .null, "read") == "gone" && keyOf(lost.first ?? .null, "write") == "gone", "\(lost)")
        #expect(v.count("expired-read") == 0 && v.count("unexpected") == 0)
    }
}

extension Verdict {
    fileprivate func count(_ name: String) -> Int { counts[name] ?? 0 }
}
