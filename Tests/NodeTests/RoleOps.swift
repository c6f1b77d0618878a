// Per-role write and read-everything helpers used by the fault scenarios (one value per write).
import Foundation

struct RoleOps {
    let role: String

    /// Writes value i through `port`; returns the HTTP status (0 = no answer).
    func write(_ port: Int, _ i: Int, timeout: Double = 3) -> Int {
        switch role {
        case "broker":
            // Partition 0: the partition whose leader /status reports (each partition has its own leader).
            return TestHTTP.request(port, "POST", "/produce", body: #"{"key":"k\#(i % 5)","partition":0,"value":\#(i)}"#,
                                    timeout: timeout).status
        case "store":
            return TestHTTP.request(port, "PUT", "/objects/k/\(i)", body: #"{"value":\#(i)}"#, timeout: timeout).status
        default:
            return TestHTTP.request(port, "POST", "/batches",
                                    body: #"{"batch_id":"b\#(i)","rows":[{"key":"k\#(i)","value":\#(i)}]}"#, timeout: timeout).status
        }
    }

    /// Every value the node at `port` serves, or nil if it could not answer.
    func readAll(_ port: Int) -> Set<Int>? {
        var out: Set<Int> = []
        switch role {
        case "broker":
            for p in 0..<3 {
                let r = TestHTTP.request(port, "GET", "/fetch?partition=\(p)&offset=0&max=100000")
                guard r.status == 200, let msgs = r.body["messages"] as? [[String: Any]] else { return nil }
                for m in msgs { if let v = m["value"] as? Int { out.insert(v) } }
            }
        case "store":
            let r = TestHTTP.request(port, "GET", "/objects?prefix=k/&limit=100000")
            guard r.status == 200, let keys = r.body["keys"] as? [[String: Any]] else { return nil }
            for k in keys { if let s = k["key"] as? String, let v = Int(s.dropFirst(2)) { out.insert(v) } }
        default:
            let r = TestHTTP.request(port, "GET", "/rows?limit=100000")
            guard r.status == 200, let rows = r.body["rows"] as? [[String: Any]] else { return nil }
            for row in rows { if let v = row["value"] as? Int { out.insert(v) } }
        }
        return out
    }
}

/// What a kill + leader-partition scenario observed.
struct ScenarioResult {
    var acked: Set<Int> = []
    var present: Set<Int> = []
    var minorityAcked = 0
    var minorityRefused = 0
    var majorityAcked = 0
    var isolatedLeaderSteppedDown = false
    var lost: Set<Int> { acked.subtracting(present) }
}

enum Scenario {
    /// Writes, kill -9 of the leader and restart, then isolation of the leader (writes on both sides), heal,
    /// and a final read of everything from the leader.
    static func killAndPartitionLeader(_ c: TestCluster, _ ops: RoleOps) async throws -> ScenarioResult {
        var res = ScenarioResult()
        var i = 0
        func write(_ n: String, timeout: Double = 3) -> Int {
            i += 1
            let st = ops.write(c.ports[n]!, i, timeout: timeout)
            if st == 200 { res.acked.insert(i) }
            return st
        }
        guard var leader = c.waitLeader() else { throw ScenarioError("no leader elected") }
        for _ in 0..<10 { _ = write(leader) }

        // Kill -9 the leader; the others elect a new one; the killed one restarts from its data dir.
        c.kill9(leader)
        guard let second = c.waitLeader(excluding: leader) else { throw ScenarioError("no leader after kill") }
        for _ in 0..<10 { _ = write(second) }
        try c.start(leader)
        usleep(1_000_000)

        // Kill -9 a follower too (so both a leader and a follower die once): writes keep
        // committing on the other two, and the follower catches up when it restarts.
        guard let current = c.waitLeader() else { throw ScenarioError("no leader after restart") }
        let follower = c.names.first { $0 != current }!
        c.kill9(follower)
        for _ in 0..<10 { _ = write(current) }
        try c.start(follower)
        usleep(1_000_000)

        // Isolate the current leader: write to it (minority side) and to the new leader (majority side).
        guard let l = c.waitLeader() else { throw ScenarioError("no leader after restart") }
        leader = l
        await c.isolate(leader)
        let others = c.names.filter { $0 != leader }
        let end = Date().addingTimeInterval(1.5)
        while Date() < end {
            if write(leader, timeout: 2.5) == 200 { res.minorityAcked += 1 } else { res.minorityRefused += 1 }
            usleep(50_000)
        }
        guard let newLeader = c.waitLeader(among: others) else { throw ScenarioError("majority elected no leader") }
        for _ in 0..<10 { if write(newLeader) == 200 { res.majorityAcked += 1 } }
        if let s = c.status(leader) { res.isolatedLeaderSteppedDown = (s["leader"] as? String) != leader }
        await c.healAll()
        usleep(2_000_000)

        let deadline = Date().addingTimeInterval(8)
        while Date() < deadline {
            if let l = c.waitLeader(timeout: 3), let got = ops.readAll(c.ports[l]!) { res.present = got; break }
            usleep(200_000)
        }
        return res
    }
}

struct ScenarioError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
