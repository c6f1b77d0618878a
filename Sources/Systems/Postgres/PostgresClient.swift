// PostgresClient: register and set operations of one logical client on a Postgres deployment.
import Foundation
import History
import PostgresNIO

/// What the pipeline file's client settings ask of every client.
struct PostgresClientSettings: Sendable {
    enum Reads: String, Sendable { case primary, standbys, any }
    var reads: Reads
    /// Deadline of one statement, seconds.
    var opTimeout: Double
}

/// PostgresClient is one logical client (Jepsen's process) bound to one node. It keeps one connection
/// per node it talks to: writes go to the published primary (PostgresCluster), reads by `reads`:
/// `primary` the same, `any` its own node whatever it is, `standbys` its own node when it is in the
/// standby pool, else the next standby after it (so a process bound to the primary reads elsewhere).
///
/// Register: read = SELECT, write = an upsert, cas = UPDATE ... WHERE v = old RETURNING (no row: the
/// condition failed, `fail`). Set: add = INSERT ... ON CONFLICT DO NOTHING, read = every element.
/// Outcomes: PostgresOutcome; a statement that could not be sent (no connection) is `fail`.
actor PostgresClient: SystemClient {
    let node: SystemNode
    let cluster: PostgresCluster
    let settings: PostgresClientSettings
    private var conns: [String: PostgresConnection] = [:]
    /// The failover epoch the primary connection was made in: a newer one means the address moved.
    private var primaryEpoch = -1

    init(node: SystemNode, cluster: PostgresCluster, settings: PostgresClientSettings) {
        self.node = node
        self.cluster = cluster
        self.settings = settings
    }

    func perform(_ op: ClientOperation) async -> ClientOutcome {
        let key = op.key ?? "r"
        switch op.f {
        case "read":
            return await read("SELECT v FROM register WHERE k = \(key)") { rows in
                guard let row = rows.first else { return .null }
                return try row.decode(Int64?.self).map { .int(Int($0)) } ?? .null
            }
        case "read-set", "final-read":
            return await read("SELECT e FROM set_elems WHERE k = \(key) ORDER BY e") { rows in
                .array(try rows.map { .int(Int(try $0.decode(Int64.self))) })
            }
        case "write":
            guard let v = op.value.intValue else { return .fail("write needs an integer value") }
            let q: PostgresQuery = "INSERT INTO register (k, v) VALUES (\(key), \(Int64(v))) ON CONFLICT (k) DO UPDATE SET v = excluded.v"
            return await write(q, result: op.value) { _ in true }
        case "add":
            guard let e = op.value.intValue else { return .fail("add needs an integer element") }
            return await write("INSERT INTO set_elems (k, e) VALUES (\(key), \(Int64(e))) ON CONFLICT DO NOTHING", result: op.value) { _ in true }
        case "cas":
            guard let pair = op.value.arrayValue, pair.count == 2, let old = pair[0].intValue, let new = pair[1].intValue else {
                return .fail("cas value must be [expected, new] integers")
            }
            let q: PostgresQuery = "UPDATE register SET v = \(Int64(new)) WHERE k = \(key) AND v = \(Int64(old)) RETURNING v"
            return await write(q, result: op.value) { !$0.isEmpty }
        default:
            return .fail("the postgres client has no operation '\(op.f)'")
        }
    }

    private func read(_ q: PostgresQuery, decode: ([PostgresRow]) throws -> JSONValue) async -> ClientOutcome {
        guard let target = readTarget() else { return .fail("no primary is published") }
        let c: PostgresConnection
        do { c = try await connection(target) } catch { return .fail("not sent: \(PostgresOutcome.describe(error))") }
        do {
            let rows = try await PostgresWire.rows(c, q, timeout: settings.opTimeout)
            return .ok(try decode(rows))
        } catch {
            drop(target, if: c, after: error)
            return PostgresOutcome.classify(error, write: false)
        }
    }

    /// `applied` says from the returned rows whether the statement changed anything (a cas whose
    /// condition did not hold returns no row: `fail`, nothing written).
    ///
    /// The statement runs in an explicit transaction (BEGIN, the statement, COMMIT), and only COMMIT's
    /// answer acknowledges it. A lone parameterised statement is an implicit transaction that commits at
    /// the protocol's Sync, after its CommandComplete was written: when the server shut down during the
    /// commit's wait for a synchronous standby, it flushed that CommandComplete on its way out, and
    /// postgres-nio reported the statement done although the commit was never confirmed (Patroni
    /// demoting an isolated primary: 6 adds recorded ok and lost). A COMMIT statement's own
    /// CommandComplete comes only after the commit and its wait. Before COMMIT is sent, nothing can
    /// commit: any error or a lost connection there is `fail`; COMMIT's lost answer is `info`.
    private func write(_ q: PostgresQuery, result: JSONValue, applied: ([PostgresRow]) -> Bool) async -> ClientOutcome {
        guard let target = primaryTarget() else { return .fail("no primary is published") }
        let c: PostgresConnection
        do { c = try await connection(target) } catch { return .fail("not sent: \(PostgresOutcome.describe(error))") }
        let deadline = ContinuousClock.now + .milliseconds(Int64(settings.opTimeout * 1000))
        func left() -> Double {
            let d = deadline - ContinuousClock.now
            return max(0.001, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
        }
        let rows: [PostgresRow]
        do {
            _ = try await PostgresWire.rows(c, "BEGIN", timeout: left())
            rows = try await PostgresWire.rows(c, q, timeout: left())
        } catch {
            await rollBack(target, c, after: error, timeout: left())
            return .fail("not committed: \(PostgresOutcome.describe(error))")
        }
        guard applied(rows) else {
            await rollBack(target, c, after: nil, timeout: left())
            return .fail("cas mismatch")
        }
        do {
            _ = try await PostgresWire.rows(c, "COMMIT", timeout: left())
            return .ok(result)
        } catch {
            drop(target, if: c, after: error)
            return PostgresOutcome.classify(error, write: true)
        }
    }

    /// The published primary; a failover since the last write drops the connection to the old one.
    private func primaryTarget() -> String? {
        guard let p = cluster.primary else { return nil }
        if p.epoch != primaryEpoch {
            for (name, c) in conns where name != p.name && name != node.name {
                Task { await PostgresWire.close(c) }
                conns[name] = nil
            }
            primaryEpoch = p.epoch
        }
        return p.name
    }

    /// nil: reads go to the primary and none is published.
    private func readTarget() -> String? {
        switch settings.reads {
        case .primary: return primaryTarget()
        case .any: return node.name
        case .standbys:
            let pool = cluster.standbys
            if pool.contains(node.name) || pool.isEmpty { return node.name }
            // Not a standby (the primary, or an old one): the first standby after it in node order.
            let n = PostgresCluster.number(node.name)
            return pool.first { PostgresCluster.number($0) > n } ?? pool[0]
        }
    }

    /// The open connection to `name`, or a new one (a throw: nothing was sent).
    private func connection(_ name: String) async throws -> PostgresConnection {
        if let c = conns[name], !c.isClosed { return c }
        guard let n = cluster.node(name) else { throw UnknownNode(name: name) }
        // Through that node's client proxy (the cluster knows the real port), never around it.
        let a = try node.clientAddress(of: n)
        let c = try await PostgresWire.connect(host: a.host, port: a.port, timeout: settings.opTimeout)
        conns[name] = c
        return c
    }

    /// After anything but a plain ERROR the connection may be mid-statement or dead: the next op opens
    /// a new one.
    private func drop(_ name: String, if c: PostgresConnection, after error: Error) {
        if PostgresOutcome.serverError(error)?.severity == "ERROR" { return }
        guard let cur = conns[name], cur === c else { return }
        conns[name] = nil
        Task { await PostgresWire.close(c) }
    }

    /// Ends a transaction that will not commit: ROLLBACK on a connection that only saw a plain ERROR
    /// (or none), else (or when ROLLBACK fails) the connection is closed, which rolls it back too.
    private func rollBack(_ name: String, _ c: PostgresConnection, after error: Error?, timeout: Double) async {
        if error == nil || PostgresOutcome.serverError(error!)?.severity == "ERROR",
           (try? await PostgresWire.rows(c, "ROLLBACK", timeout: timeout)) != nil {
            return
        }
        if let cur = conns[name], cur === c { conns[name] = nil }
        Task { await PostgresWire.close(c) }
    }

    func close() async {
        for c in conns.values { await PostgresWire.close(c) }
        conns = [:]
    }

    struct UnknownNode: Error, CustomStringConvertible {
        let name: String
        var description: String { "node \(name) is not part of this deployment" }
    }
}
