// Ingest API: POST /events (one event or a batch) produced to the broker (built-in or Kafka, Backends/);
// answers only once the broker acknowledged every event under its acks setting.
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
    let broker: any EventBroker
    let tally = Tally()

    init(node: ServiceNode) {
        self.node = node
        broker = node.eventBroker()
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
                    switch await me.broker.produce(key: e.key, value: ["id": .int(e.id), "key": .string(e.key), "value": e.value]) {
                    case .acked(let p, let o):
                        acked.append(["id": .int(e.id), "partition": .int(p), "offset": .int(o)])
                    case .refused(let why):
                        refused.append(.int(e.id))
                        lastError = why
                    case .unknown(let why):
                        unknown.append(.int(e.id))
                        lastError = why
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
