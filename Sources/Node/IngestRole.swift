// Ingest API: POST /events (one event or a batch) produced to the broker; answers only once the broker
// acknowledged every event under its acks setting.
import Foundation
import Hummingbird

/// IngestRole produces each event as a broker message `{"key": key, "value": {"id", "key", "value"}}`
/// to its partition (FNV-1a of the key, as the broker does) on that partition's leader, as a Kafka
/// producer does: the leaders come from a broker's `GET /status` and are asked again after any failure
/// (so an old leader that still believes it leads keeps getting that partition's events).
/// 200: every event acknowledged; 503: the broker refused at least one and none is
/// unknown (refused ones were definitely not stored); 504: at least one outcome is unknown.
struct IngestRole: ServiceRole {
    let node: ServiceNode
    let broker: Upstream
    let tally = Tally()
    let metadata = BrokerMetadata()

    init(node: ServiceNode) {
        self.node = node
        broker = node.upstream(.broker)
    }

    /// Produces one message to its partition's leader; refreshes the leaders after a failure.
    func produce(key: String, message: JSON) async -> Upstream.Answer {
        if metadata.partitionCount == 0 { await refresh() }
        let count = metadata.partitionCount
        guard count > 0 else { return await broker.sendFailingOver(.POST, "/produce", body: message) }
        let p = BrokerMachine.partition(for: .string(key), count: count)
        var body = message
        if case .object(var o) = body { o["partition"] = .int(p); body = .object(o) }
        let target = metadata.leader(of: p).flatMap { broker.names.firstIndex(of: $0) }
        let a = await broker.send(.POST, "/produce", body: body, node: target)
        if case .status(200, _, _) = a { return a }
        broker.failover(from: a.node)
        await refresh()
        return a
    }

    private func refresh() async {
        if case .status(200, let s, _) = await broker.sendFailingOver(.GET, "/status"), let parts = s["partitions"]?.arrayValue {
            metadata.set(parts.map { $0["leader"]?.stringValue })
        }
    }

    func start() async {}

    func statusFacts() async -> [String: JSON] { ["events": tally.json] }

    func add(to router: Router<BasicRequestContext>) {
        let node = node, tally = tally, me = self
        router.post("/events") { request, _ in
            await node.serve(request) { json in
                guard let json else { throw NodeError.bad("missing body") }
                var events: [JSON] = []
                if let batch = json["events"] {
                    _ = try Body(json, allowed: ["events"])
                    guard let a = batch.arrayValue, !a.isEmpty else { throw NodeError.bad("field \"events\" must be a non-empty array") }
                    events = a
                } else {
                    events = [json]
                }
                var parsed: [(id: Int, key: String, value: JSON)] = []
                for e in events {
                    let b = try Body(e, allowed: ["id", "key", "value"])
                    parsed.append((try b.int("id"), try b.string("key"), try b.value("value")))
                }
                var acked: [JSON] = [], refused: [JSON] = [], unknown: [JSON] = []
                var lastError = ""
                for e in parsed {
                    let msg: JSON = ["key": .string(e.key), "value": ["id": .int(e.id), "key": .string(e.key), "value": e.value]]
                    let a = await me.produce(key: e.key, message: msg)
                    switch a {
                    case .status(200, let b, _):
                        acked.append(["id": .int(e.id), "partition": b["partition"] ?? .null, "offset": b["offset"] ?? .null])
                    case .status(let s, let b, let n) where s == 503 || (400..<500).contains(s):
                        refused.append(.int(e.id))
                        lastError = "broker \(n) refused (\(s)): \(b["error"]?.stringValue ?? "")"
                    case .status(let s, let b, let n):
                        unknown.append(.int(e.id))
                        lastError = "broker \(n) answered \(s): \(b["error"]?.stringValue ?? "")"
                    case .failed(let err, _):
                        unknown.append(.int(e.id))
                        lastError = "broker unreachable or timed out (\(err)); outcome unknown"
                    }
                }
                tally.add("acked", acked.count)
                tally.add("refused", refused.count)
                tally.add("unknown", unknown.count)
                let body: [String: JSON] = ["acked": .array(acked), "refused": .array(refused), "unknown": .array(unknown)]
                if !unknown.isEmpty { throw NodeError(504, lastError, extra: body) }
                if !refused.isEmpty { throw NodeError(503, lastError, extra: body) }
                return Reply(body: .object(body))
            }
        }
    }
}

/// BrokerMetadata: the leader of each broker partition, as a broker last said.
final class BrokerMetadata: @unchecked Sendable {
    private let lock = NSLock()
    private var leaders: [String?] = []

    var partitionCount: Int { lock.withLock { leaders.count } }
    func leader(of p: Int) -> String? { lock.withLock { p < leaders.count ? leaders[p] : nil } }
    func set(_ l: [String?]) { lock.withLock { leaders = l } }
}
