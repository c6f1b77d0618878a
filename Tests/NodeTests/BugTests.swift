// Each `bugs` setting switches on a real defect whose effect shows in the data (what checkers must find).
import Foundation
import Testing

@Suite(.serialized)
struct BugTests {
    @Test func ackWithoutStoreLosesAcknowledgedWrites() async throws {
        try await withCluster(role: "warehouse", settings: ["commit": "majority"], bugs: ["ack_without_store"]) { c in
            try c.startAll()
            guard c.waitHealthy(), let leader = c.waitLeader() else { Issue.record("no leader"); return }
            let ops = RoleOps(role: "warehouse")
            var acked: Set<Int> = []
            for i in 1...10 where ops.write(c.ports[leader]!, i) == 200 { acked.insert(i) }
            let present = ops.readAll(c.ports[leader]!) ?? []
            #expect(acked.count == 10)
            #expect(acked.subtracting(present).count == 2, "every 5th acknowledged write was never stored")
        }
    }

    @Test func loseTailOnRestartDropsWrittenEntries() async throws {
        try await withCluster(role: "store", settings: ["write_quorum": 3, "read_quorum": 2],
                              bugs: ["lose_tail_on_restart"]) { c in
            try c.startAll()
            guard c.waitHealthy(), let leader = c.waitLeader() else { Issue.record("no leader"); return }
            let ops = RoleOps(role: "store")
            var acked: Set<Int> = []
            for i in 1...10 where ops.write(c.ports[leader]!, i) == 200 { acked.insert(i) }
            for n in c.names { c.kill9(n) }
            try c.startAll()
            guard c.waitHealthy(), let l = c.waitLeader() else { Issue.record("no leader after restart"); return }
            usleep(300_000)
            #expect(acked.count == 10)
            #expect(!acked.subtracting(ops.readAll(c.ports[l]!) ?? []).isEmpty)
        }
    }

    @Test func staleReadsReplicaStopsApplying() async throws {
        try await withCluster(role: "store", settings: ["write_quorum": 3, "read_quorum": 2], bugs: ["stale_reads"]) { c in
            try c.startAll()
            guard c.waitHealthy(), let leader = c.waitLeader() else { Issue.record("no leader"); return }
            let follower = c.names.first { $0 != leader }!
            for v in 1...8 {
                #expect(TestHTTP.request(c.ports[leader]!, "PUT", "/objects/reg", body: #"{"value":\#(v)}"#).status == 200)
            }
            // write_quorum 3: the follower has every entry, yet answers from the state it stopped applying.
            let r = TestHTTP.request(c.ports[follower]!, "GET", "/objects/reg")
            #expect(r.status == 200)
            #expect((r.body["value"] as? Int ?? 99) < 8)
        }
    }
}
