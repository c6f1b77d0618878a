// PostgresProbe: what one node says about itself: primary or standby, and how much WAL it has.
import Foundation
import PostgresNIO

struct PostgresProbe: Sendable {
    var name: String
    var inRecovery: Bool
    /// A standby: the last WAL position received (else replayed); a primary: its current insert position.
    var lsn: UInt64
    /// The node's `synchronous_commit` and `synchronous_standby_names` (a standby carries the primary's
    /// configuration, copied by its base backup: an orchestrator can read the cluster's rule from it).
    var synchronousCommit = ""
    var synchronousStandbyNames = ""

    /// How many standbys commits wait for: k of `FIRST k (…)`, `ANY k (…)` or `k (…)`, 1 for a plain list,
    /// 0 when commits do not wait for a standby (`synchronous_commit` off or local, or no names).
    var synchronousStandbys: Int {
        guard ["on", "remote_write", "remote_apply"].contains(synchronousCommit) else { return 0 }
        let words = synchronousStandbyNames.split(whereSeparator: { $0 == " " || $0 == "(" }).map { $0.uppercased() }
        guard let first = words.first else { return 0 }
        let number = ["FIRST", "ANY"].contains(first) ? words.dropFirst().first : first
        return number.flatMap { Int($0) } ?? 1
    }

    /// Asks node `n` directly on 127.0.0.1 (not through the link proxies: the harness' own view, as an
    /// orchestrator with its own network path would have). nil when it does not answer in time.
    static func ask(_ n: SystemNode, timeout: Double) async -> PostgresProbe? {
        guard let c = try? await PostgresWire.connect(host: n.host, port: n.port, timeout: timeout) else { return nil }
        defer { Task { await PostgresWire.close(c) } }
        let q: PostgresQuery = """
            SELECT pg_is_in_recovery(),
                   CASE WHEN pg_is_in_recovery()
                        THEN coalesce(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::text
                        ELSE pg_current_wal_insert_lsn()::text END,
                   current_setting('synchronous_commit'), current_setting('synchronous_standby_names')
            """
        guard let rows = try? await PostgresWire.rows(c, q, timeout: timeout), let row = rows.first,
              let (rec, lsnText, commit, names) = try? row.decode((Bool, String?, String, String).self) else { return nil }
        return PostgresProbe(name: n.name, inRecovery: rec, lsn: PostgresWire.lsn(lsnText) ?? 0,
                             synchronousCommit: commit, synchronousStandbyNames: names)
    }

    static func askAll(_ ns: [SystemNode], timeout: Double) async -> [PostgresProbe] {
        await withTaskGroup(of: PostgresProbe?.self) { group in
            for n in ns { group.addTask { await ask(n, timeout: timeout) } }
            var out: [PostgresProbe] = []
            for await p in group { if let p { out.append(p) } }
            return out
        }
    }
}
