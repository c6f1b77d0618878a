// PostgresEventWarehouse: the warehouse stage on PostgreSQL (postgres-nio): a load is one transaction that
// claims the object's key and inserts its rows (both or neither), done only when its COMMIT is answered;
// reads say whether the primary answered and how many loads the answering server had applied.
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// PostgresEventWarehouse keeps one connection per node of its upstream (through the node's peer
/// addresses, the controller's proxies), as user `postgres` on database `postgres` (trust on loopback).
/// The primary is the node that is not in recovery: leader reads and loads go there, found again after
/// any failure by asking each node `pg_is_in_recovery()`; a standby's answer is from its own copy
/// (`leader: false`). Tables (Backend.postgresEventsTable / postgresLoadsTable) are created on first use.
///
/// Load = `WITH claimed AS (INSERT INTO loads … ON CONFLICT DO NOTHING RETURNING …), INSERT INTO events
/// SELECT … WHERE EXISTS (SELECT 1 FROM claimed) ON CONFLICT (row_key) DO NOTHING`: one statement, so an
/// object is loaded entirely or not at all, and a reload (the loader restarted, or a timeout it retried)
/// inserts nothing. It runs between BEGIN and COMMIT on a connection of its own, and only COMMIT's answer
/// makes it loaded. A lone statement's answer comes before its commit: postgres-nio reported a load done
/// whose commit PostgreSQL refused (a deferred constraint; PostgresWarehouseTests), and a primary shutting
/// down while such a commit waited for its synchronous standby flushed the answer anyway (Patroni demoting
/// an isolated primary, seen with the system client; docs/systems.md "Outcomes"). The loader would then
/// never load that object again.
/// Position = the highest load number (`seq`) the answering server holds.
final class PostgresEventWarehouse: EventWarehouse, @unchecked Sendable {
    private let addresses: [(host: String, port: Int)]
    private let timeoutMs: Int
    private let lock = NSLock()
    /// Node i's shared connection is slot i; its load connection is slot i + addresses.count.
    private var connections: [Int: PostgresConnection] = [:]
    private var primary = 0
    private var schemaReady = false
    private static let logger = Logger(label: "faultline-node.postgres") { _ in SwiftLogNoOpLogHandler() }
    private static let events = Backend.postgresEventsTable
    private static let loads = Backend.postgresLoadsTable

    init(names: [String], peers: [String: String], timeoutMs: Int) {
        addresses = names.map { n in
            let parts = (peers[n] ?? "127.0.0.1:1").split(separator: ":")
            return (String(parts.first ?? "127.0.0.1"), Int(parts.last ?? "1") ?? 1)
        }
        self.timeoutMs = timeoutMs
    }

    struct Timeout: Error {}
    struct NoRow: Error {}

    private func connection(_ i: Int) async throws -> PostgresConnection {
        if let c = lock.withLock({ connections[i] }), !c.isClosed { return c }
        let a = addresses[i % addresses.count]
        var config = PostgresConnection.Configuration(host: a.host, port: a.port, username: "postgres", password: nil,
                                                      database: "postgres", tls: .disable)
        config.options.connectTimeout = .milliseconds(Int64(timeoutMs))
        let c = try await PostgresConnection.connect(configuration: config, id: i, logger: Self.logger)
        // Two requests may have connected at once: keep one, close the other (never drop it unclosed).
        let kept: PostgresConnection = lock.withLock {
            if let other = connections[i], !other.isClosed { return other }
            connections[i] = c
            return c
        }
        if kept !== c { Task { try? await c.close() } }
        return kept
    }

    /// Closes every connection: postgres-nio requires a connection be closed before it is released,
    /// and the service releases this object when it stops.
    func close() async {
        let all = lock.withLock {
            defer { connections = [:] }
            return Array(connections.values)
        }
        for c in all { try? await c.close() }
    }

    private func drop(_ i: Int) {
        let c = lock.withLock { connections.removeValue(forKey: i) }
        // Kept alive until closed (postgres-nio insists a connection is closed before it goes).
        if let c { Task { try? await c.close() } }
    }

    /// Runs `q` on connection slot `i` with our own deadline (a statement may wait on locks or a synchronous
    /// standby); past it the connection is closed and Timeout thrown (the statement may still apply).
    private func rows(_ i: Int, _ q: PostgresQuery) async throws -> [PostgresRow] {
        let c = try await connection(i)
        let ms = timeoutMs
        do {
            return try await withThrowingTaskGroup(of: [PostgresRow]?.self) { group in
                group.addTask {
                    var out: [PostgresRow] = []
                    for try await row in try await c.query(q, logger: Self.logger) { out.append(row) }
                    return out
                }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(Int64(ms)))
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let rows = first else { throw Timeout() }
                return rows
            }
        } catch {
            drop(i)
            throw error
        }
    }

    private func ensureSchema(_ i: Int) async throws {
        if lock.withLock({ schemaReady }) { return }
        let ddl: [PostgresQuery] = [
            "CREATE TABLE IF NOT EXISTS pipeline_events (row_key text PRIMARY KEY, id bigint NOT NULL, key text NOT NULL, value jsonb, part int, off bigint)",
            "CREATE TABLE IF NOT EXISTS pipeline_loads (object_key text PRIMARY KEY, seq bigserial, rows int NOT NULL)",
            "CREATE INDEX IF NOT EXISTS pipeline_events_id ON pipeline_events (id)",
        ]
        for q in ddl {
            do { _ = try await rows(i, q) } catch let e as PSQLError where e.serverInfo?[.sqlState] == "23505" || e.serverInfo?[.sqlState] == "42P07" {
                // Another service created it at the same moment (CREATE … IF NOT EXISTS races in Postgres).
            }
        }
        lock.withLock { schemaReady = true }
    }

    /// The primary's index: the last one known, else the first node that says it is not in recovery.
    private func findPrimary() async -> Int? {
        let start = lock.withLock { primary }
        for k in 0..<addresses.count {
            let i = (start + k) % addresses.count
            guard let r = try? await rows(i, "SELECT pg_is_in_recovery()"), let inRecovery = try? r.first?.decode(Bool.self) else { continue }
            if !inRecovery {
                lock.withLock { primary = i }
                return i
            }
        }
        return nil
    }

    func load(batchID: String, rows eventRows: [JSON]) async -> (inserted: Int, duplicate: Bool)? {
        guard let i = await findPrimary() else { return nil }
        let slot = i + addresses.count
        do {
            try await ensureSchema(i)
            let records: [JSON] = eventRows.map { r in
                let v = r["value"] ?? .null
                return ["row_key": r["key"] ?? .null, "id": v["id"] ?? .null, "key": v["key"] ?? .null, "value": v["value"] ?? .null,
                        "part": v["partition"] ?? .null, "off": v["offset"] ?? .null]
            }
            let text = String(decoding: JSON.array(records).encoded(), as: UTF8.self)
            let q: PostgresQuery = """
                WITH claimed AS (INSERT INTO pipeline_loads (object_key, rows) VALUES (\(batchID), \(eventRows.count)) ON CONFLICT DO NOTHING RETURNING object_key),
                ins AS (INSERT INTO pipeline_events (row_key, id, key, value, part, off)
                        SELECT r.row_key, r.id, r.key, r.value, r.part, r.off
                        FROM jsonb_to_recordset(\(text)::jsonb) AS r(row_key text, id bigint, key text, value jsonb, part int, off bigint)
                        WHERE EXISTS (SELECT 1 FROM claimed)
                        ON CONFLICT (row_key) DO NOTHING RETURNING 1)
                SELECT (SELECT count(*) FROM claimed), (SELECT count(*) FROM ins)
                """
            _ = try await rows(slot, "BEGIN")
            guard let row = try await rows(slot, q).first else { throw NoRow() }
            let (claimed, inserted) = try row.decode((Int64, Int64).self)
            _ = try await rows(slot, "COMMIT")
            return (Int(inserted), claimed == 0)
        } catch {
            // Closing the load connection rolls back whatever did not commit. Whether a failed COMMIT
            // committed is unknown: the loader tries again, and the claim makes a committed load a duplicate.
            drop(slot)
            return nil
        }
    }

    func read(_ q: WarehouseQuery, leaderOnly: Bool) async -> WarehouseAnswer {
        var order: [Int]
        if leaderOnly {
            guard let p = await findPrimary() else { return .refused("no PostgreSQL primary reachable") }
            order = [p]
        } else {
            // Any server, the primary last known first.
            let p = lock.withLock { primary }
            order = (0..<addresses.count).map { ($0 + p) % addresses.count }
        }
        var last: WarehouseAnswer = .refused("no PostgreSQL server reachable")
        for i in order {
            let sql: PostgresQuery
            switch q {
            case .event(let id):
                sql = """
                    SELECT pg_is_in_recovery(), (SELECT coalesce(max(seq), 0) FROM pipeline_loads),
                           coalesce((SELECT json_agg(json_build_object('key', row_key, 'value', json_build_object('id', id, 'key', key, 'value', value, 'partition', part, 'offset', off)))::text
                                     FROM pipeline_events WHERE id = \(Int64(id))), '[]')
                    """
            case .all:
                sql = """
                    SELECT pg_is_in_recovery(), (SELECT coalesce(max(seq), 0) FROM pipeline_loads),
                           coalesce((SELECT json_agg(json_build_object('key', row_key, 'value', json_build_object('id', id, 'key', key, 'value', value, 'partition', part, 'offset', off)))::text
                                     FROM pipeline_events), '[]')
                    """
            }
            do {
                try await ensureSchema(i)
                guard let row = try await rows(i, sql).first else { last = .unknown("no row from PostgreSQL"); continue }
                let (inRecovery, position, text) = try row.decode((Bool, Int64, String).self)
                if leaderOnly && inRecovery {
                    // Demoted since we looked: not an answer from the primary.
                    lock.withLock { if primary == i { primary = (i + 1) % addresses.count } }
                    return .refused("PostgreSQL node \(i + 1) is in recovery (not the primary)")
                }
                let rows = (try? JSON.decode(Data(text.utf8)))?.arrayValue ?? []
                return .rows(rows, position: Int(position), leader: !inRecovery)
            } catch is Timeout {
                last = .unknown("PostgreSQL did not answer within \(timeoutMs) ms")
            } catch {
                last = .refused("PostgreSQL: \(String(reflecting: error).prefix(200))")
            }
        }
        return last
    }
}
