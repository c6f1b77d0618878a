// After kill -9 of every replica, a restart recovers what was fsynced; with fsync=never (writes
// buffered for flush_interval_ms) the acknowledged writes still in memory are lost, unless the nodes
// were stopped gracefully (SIGTERM flushes).
import Foundation
import Testing

@Suite(.serialized)
struct RestartTests {
    func run(settings: [String: Any], graceful: Bool = false) async throws -> (acked: Set<Int>, present: Set<Int>) {
        var result: (acked: Set<Int>, present: Set<Int>) = ([], [])
        try await withCluster(role: "broker", settings: settings) { c in
            try c.startAll()
            guard c.waitHealthy(), let leader = c.waitLeader() else { throw ScenarioError("cluster did not start") }
            let ops = RoleOps(role: "broker")
            var acked: Set<Int> = []
            for i in 1...30 where ops.write(c.ports[leader]!, i) == 200 { acked.insert(i) }
            for n in c.names { if graceful { c.terminate(n) } else { c.kill9(n) } }
            try c.startAll()
            guard c.waitHealthy(), let l = c.waitLeader() else { throw ScenarioError("cluster did not restart") }
            usleep(500_000)
            result = (acked, ops.readAll(c.ports[l]!) ?? [])
        }
        return result
    }

    @Test func fsyncAlwaysRecoversEverything() async throws {
        let r = try await run(settings: ["acks": "all", "fsync": "always"])
        #expect(r.acked.count == 30)
        #expect(r.acked.subtracting(r.present).isEmpty)
    }

    @Test func fsyncNeverLosesBufferedWrites() async throws {
        let r = try await run(settings: ["acks": "all", "fsync": "never", "flush_interval_ms": 20000])
        #expect(r.acked.count == 30)
        #expect(!r.acked.subtracting(r.present).isEmpty)
    }

    @Test func fsyncNeverKeepsWritesOnGracefulStop() async throws {
        let r = try await run(settings: ["acks": "all", "fsync": "never", "flush_interval_ms": 20000], graceful: true)
        #expect(r.acked.count == 30)
        #expect(r.acked.subtracting(r.present).isEmpty)
    }
}
