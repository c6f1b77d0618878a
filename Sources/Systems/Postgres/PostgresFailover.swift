// PostgresFailover: `failover: promote`, what a simple orchestrator does: promote the most advanced
// reachable standby, repoint the other standbys at it, move the published primary.
import Foundation
import History
import Nemesis
import PostgresNIO

/// One failover, called by the nemesis' `failover` fault with the live nodes:
/// 1. ask every live node but the published primary whether it is a standby and how much WAL it
///    received; the one with the most wins (ties: the lowest node number). When commits wait for k of
///    the n standbys, n-k+1 of them must answer first (else the failover is refused);
/// 2. `pg_promote()` on it, waiting until it accepts writes;
/// 3. on the new primary, a replication slot for each other node; on every other reachable standby,
///    `ALTER SYSTEM` its `primary_conninfo` (`<new>.faultline`, through the proxies) and slot, reloaded:
///    its walreceiver restarts and follows the new timeline;
/// 4. publish the new primary (clients move to it, as after a virtual IP moved).
/// It does not fence the old primary: one that comes back keeps running read-write beside the new
/// one, without client traffic, as it would under an orchestrator without fencing.
struct PostgresFailover: FailoverControl {
    let cluster: PostgresCluster
    var timeout = 2.0

    struct NoStandby: Error, CustomStringConvertible {
        let asked: [String]
        var description: String { "no reachable standby to promote (asked \(asked.joined(separator: ", ")))" }
    }
    struct TooFewStandbys: Error, CustomStringConvertible {
        let heard: [String]
        let needed: Int
        let of: Int
        var description: String {
            "not promoting: commits wait for standbys, so \(needed) of the \(of) standbys must answer and only "
                + "\(heard.count) did (\(heard.joined(separator: ", "))); a standby among fewer may lack acknowledged commits"
        }
    }

    /// How many of `standbys` standbys must answer before one can be promoted without losing an
    /// acknowledged commit: n-k+1 when commits wait for k of them (the strictest rule any probe reports), else 1.
    static func needed(_ probes: [PostgresProbe], standbys n: Int) -> Int {
        let k = probes.map(\.synchronousStandbys).max() ?? 0
        return k > 0 ? max(1, n - k + 1) : 1
    }

    struct NotPromoted: Error, CustomStringConvertible {
        let name: String
        var description: String { "\(name) did not finish promotion in time" }
    }

    func failover(among names: [String]) async throws -> JSONValue {
        let old = cluster.primary?.name
        let candidates = names.filter { $0 != old }.compactMap { cluster.node($0) }
        var probes = await PostgresProbe.askAll(candidates, timeout: timeout)
        // A synchronous cluster acknowledged a commit once k standbys had it, any k of the n. Only a
        // standby among n-k+1 of them is sure to hold every acknowledged commit, so the orchestrator
        // refuses to promote until it has heard from that many (a slow probe is asked again): promoting
        // the most advanced of fewer would lose acknowledged writes whenever the one that had them is
        // slow, paused or cut off. An asynchronous cluster promotes the most advanced it can reach.
        let others = cluster.names.filter { $0 != old }.count
        for _ in 0..<2 where probes.filter(\.inRecovery).count < Self.needed(probes, standbys: others) {
            let answered = Set(probes.map(\.name))
            probes += await PostgresProbe.askAll(candidates.filter { !answered.contains($0.name) }, timeout: timeout)
        }
        let standbys = probes.filter(\.inRecovery)
        let needed = Self.needed(probes, standbys: others)
        guard standbys.count >= needed else {
            throw TooFewStandbys(heard: standbys.map(\.name), needed: needed, of: others)
        }
        guard let best = standbys.max(by: { ($0.lsn, -PostgresCluster.number($0.name)) < ($1.lsn, -PostgresCluster.number($1.name)) }),
              let chosen = cluster.node(best.name) else {
            throw NoStandby(asked: candidates.map(\.name))
        }
        let c = try await PostgresWire.connect(host: chosen.host, port: chosen.port, timeout: timeout)
        defer { Task { await PostgresWire.close(c) } }
        let promoted = try await PostgresWire.rows(c, "SELECT pg_promote(true, 30)", timeout: 35)
        guard (try promoted.first?.decode(Bool.self)) == true else { throw NotPromoted(name: chosen.name) }
        cluster.publish(chosen.name)
        var repointed: [String] = []
        var failed: [String: JSONValue] = [:]
        for s in standbys where s.name != chosen.name {
            do {
                let slot = PostgresCluster.slot(s.name)
                _ = try await PostgresWire.rows(c, """
                    SELECT pg_create_physical_replication_slot(\(slot))
                    WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = \(slot))
                    """, timeout: timeout)
                try await repoint(s.name, to: chosen, slot: slot)
                repointed.append(s.name)
            } catch {
                failed[s.name] = .string(PostgresOutcome.describe(error))
            }
        }
        var out: [String: JSONValue] = [
            "promoted": .string(chosen.name), "lsn": .string(String(best.lsn, radix: 16)),
            "old": old.map { .string($0) } ?? .null, "repointed": .array(repointed.map { .string($0) }),
        ]
        if !failed.isEmpty { out["not-repointed"] = .object(failed) }
        return .object(out)
    }

    /// Points standby `name` at `primary` through its proxy to it and reloads its configuration.
    private func repoint(_ name: String, to primary: SystemNode, slot: String) async throws {
        guard let n = cluster.node(name) else { return }
        let c = try await PostgresWire.connect(host: n.host, port: n.port, timeout: timeout)
        defer { Task { await PostgresWire.close(c) } }
        let conninfo = "host=\(primary.name).faultline port=\(primary.port) user=postgres application_name=\(name)"
        for sql in ["ALTER SYSTEM SET primary_conninfo = \(PostgresWire.literal(conninfo))",
                    "ALTER SYSTEM SET primary_slot_name = \(PostgresWire.literal(slot))",
                    "SELECT pg_reload_conf()"] {
            _ = try await PostgresWire.rows(c, PostgresQuery(unsafeSQL: sql), timeout: timeout)
        }
    }
}
