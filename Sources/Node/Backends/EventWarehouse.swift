// EventWarehouse: the warehouse stage as the loader and the api see it: idempotent loads of one object's
// events, and the event rows of one event or of all, on the built-in warehouse (HTTP) or PostgreSQL,
// chosen by the node config's `upstream_kinds.warehouse`.
import Foundation

/// Which event rows a query asks for.
enum WarehouseQuery: Sendable {
    case event(Int)
    case all
}

/// A query's outcome: the rows (`{"key", "value": {"id", "key", "value", "partition", "offset"}}`),
/// the warehouse position they reflect and whether the leader (primary) answered; or refused (not
/// answered, nothing read: 503 for the api's clients); or unknown (timeout, lost connection: 504).
enum WarehouseAnswer: Sendable {
    case rows([JSON], position: Int?, leader: Bool)
    case refused(String)
    case unknown(String)
}

protocol EventWarehouse: Sendable {
    /// Loads `rows` as the batch `batchID` (the object key): a batch id seen before inserts nothing.
    /// Nil when the outcome is not known to be done (the loader tries again: idempotent).
    func load(batchID: String, rows: [JSON]) async -> (inserted: Int, duplicate: Bool)?
    /// `leaderOnly`: read where the warehouse answers consistently (its leader or primary); otherwise
    /// any replica may answer from its own copy (the AP api's last resort).
    func read(_ q: WarehouseQuery, leaderOnly: Bool) async -> WarehouseAnswer
    /// Closes what the warehouse client holds open, when the service stops.
    func close() async
}

extension EventWarehouse {
    func close() async {}
}

/// The built-in warehouse (docs/nodes.md "Warehouse"). Leader reads go to the node the service believes
/// leads (from a warehouse node's `GET /status`, asked again after any failure), as a client with a
/// primary's address does.
struct HTTPEventWarehouse: EventWarehouse {
    let upstream: Upstream
    let leader = LeaderHint()

    func load(batchID: String, rows: [JSON]) async -> (inserted: Int, duplicate: Bool)? {
        guard case .status(200, let r, _) = await upstream.sendFailingOver(.POST, "/batches", body: ["batch_id": .string(batchID), "rows": .array(rows)]) else {
            return nil
        }
        return (r["inserted"]?.intValue ?? 0, r["duplicate"]?.boolValue == true)
    }

    func read(_ q: WarehouseQuery, leaderOnly: Bool) async -> WarehouseAnswer {
        let path = switch q {
        case .event(let id): "/rows?from=e\(id).&to=e\(id)/&limit=100000"
        // Event rows are e<id>.…: [e, f) is every event (a scan: fine at test scale).
        case .all: "/rows?from=e&to=f&limit=100000"
        }
        let a = leaderOnly ? await queryLeader(path) : await upstream.sendFailingOver(.GET, path)
        switch a {
        case .status(200, let b, _):
            guard let rows = b["rows"]?.arrayValue else { return .unknown("warehouse answered without rows") }
            return .rows(rows, position: b["position"]?.intValue, leader: b["leader"]?.boolValue == true)
        case .status(let code, let b, let n) where code == 503 || (400..<500).contains(code):
            return .refused("warehouse \(n) cannot answer consistently (\(code): \(b["error"]?.stringValue ?? ""))")
        case .status(let code, _, let n):
            return .unknown("warehouse \(n) answered \(code)")
        case .failed(let e, _):
            return .unknown("warehouse unreachable or timed out (\(e))")
        }
    }

    /// Sends a query to the warehouse leader as last known; after a failure, moves on and asks for the leader.
    private func queryLeader(_ path: String) async -> Upstream.Answer {
        let target = leader.name.flatMap { upstream.names.firstIndex(of: $0) }
        let a = await upstream.send(.GET, path, node: target)
        if case .status(200, _, _) = a { return a }
        upstream.failover(from: a.node)
        if case .status(200, let s, _) = await upstream.sendFailingOver(.GET, "/status") {
            leader.name = s["leader"]?.stringValue
        } else {
            leader.name = nil
        }
        return a
    }
}

/// LeaderHint: the warehouse leader a service last heard of.
final class LeaderHint: @unchecked Sendable {
    private let lock = NSLock()
    private var _name: String?
    var name: String? {
        get { lock.withLock { _name } }
        set { lock.withLock { _name = newValue } }
    }
}
