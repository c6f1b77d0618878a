// CP settings keep every acknowledged write through a kill -9 and a leader partition (the minority
// refuses); AP settings lose acknowledged writes in the same scenario, through their real mechanisms.
import Foundation
import Testing

@Suite(.serialized)
struct ReplicationFaultTests {
    static let cp: [String: [String: Any]] = [
        "broker": ["acks": "all", "min_insync_replicas": 2, "unclean_leader_election": false, "read_from_followers": false],
        "store": ["write_quorum": 2, "read_quorum": 2],
        "warehouse": ["commit": "majority", "read_from_followers": false],
    ]
    static let ap: [String: [String: Any]] = [
        "broker": ["acks": 1, "min_insync_replicas": 1, "unclean_leader_election": true, "read_from_followers": true,
                   "fsync": "never"],
        "store": ["write_quorum": 1, "read_quorum": 1, "fsync": "never"],
        "warehouse": ["commit": "leader", "read_from_followers": true, "fsync": "never"],
    ]

    @Test(arguments: ["broker", "store", "warehouse"])
    func cpKeepsAcknowledgedWrites(role: String) async throws {
        try await withCluster(role: role, settings: Self.cp[role]!) { c in
            try c.startAll()
            #expect(c.waitHealthy())
            let r = try await Scenario.killAndPartitionLeader(c, RoleOps(role: role))
            #expect(r.acked.count >= 30)
            #expect(r.majorityAcked > 0, "the majority side elected a leader and accepted writes")
            #expect(r.minorityRefused > 0, "the isolated leader refused writes")
            #expect(r.isolatedLeaderSteppedDown, "the isolated leader stepped down")
            #expect(r.lost.isEmpty, "acknowledged writes lost under CP: \(r.lost.sorted())")
        }
    }

    @Test(arguments: ["broker", "store", "warehouse"])
    func apLosesAcknowledgedWrites(role: String) async throws {
        try await withCluster(role: role, settings: Self.ap[role]!) { c in
            try c.startAll()
            #expect(c.waitHealthy())
            let r = try await Scenario.killAndPartitionLeader(c, RoleOps(role: role))
            #expect(r.minorityAcked > 0, "the isolated AP leader kept acknowledging writes")
            #expect(!r.lost.isEmpty, "AP: the isolated leader's acknowledged writes were truncated after heal")
        }
    }

    @Test(arguments: ["store", "warehouse"])
    func apFollowerServesStaleReads(role: String) async throws {
        try await withCluster(role: role, settings: Self.ap[role]!) { c in
            try c.startAll()
            #expect(c.waitHealthy())
            guard let leader = c.waitLeader() else { Issue.record("no leader"); return }
            let follower = c.names.first { $0 != leader }!
            let (put, get) = role == "store" ? ("/objects/reg", "/objects/reg") : ("/rows/reg", "/rows/reg")
            #expect(TestHTTP.request(c.ports[leader]!, "PUT", put, body: #"{"value":1}"#).status == 200)
            usleep(500_000)
            #expect(TestHTTP.request(c.ports[follower]!, "GET", get).body["value"] as? Int == 1)
            await c.isolate(follower)
            #expect(TestHTTP.request(c.ports[leader]!, "PUT", put, body: #"{"value":2}"#).status == 200)
            let stale = TestHTTP.request(c.ports[follower]!, "GET", get)
            #expect(stale.status == 200)
            #expect(stale.body["value"] as? Int == 1, "the cut-off follower answers with the old value")
        }
    }
}
