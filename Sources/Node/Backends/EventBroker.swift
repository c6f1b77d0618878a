// EventBroker: the broker stage as the ingest and the connector see it: partitioned events, produce,
// fetch and a consumer group's committed offsets, on the built-in broker (HTTP) or a Kafka-protocol
// broker (Tansu), chosen by the node config's `upstream_kinds.broker`.
import Foundation

/// What a produce certainly did: acknowledged at an offset, refused (not stored), or unknown.
enum ProduceOutcome: Sendable {
    case acked(partition: Int, offset: Int)
    case refused(String)
    case unknown(String)
}

/// One fetch: messages `{"offset", "key", "value"}` and the next offset a consumer can see.
struct FetchedBatch: Sendable {
    var messages: [JSON]
    var highWatermark: Int
}

protocol EventBroker: Sendable {
    /// Produces `value` (the event `{"id", "key", "value"}`) under `key` to the key's partition.
    func produce(key: String, value: JSON) async -> ProduceOutcome
    /// The number of partitions; nil while the broker cannot say.
    func partitionCount() async -> Int?
    /// The group's committed offset of `partition` (0 when none); nil when it could not be read.
    func committed(group: String, partition: Int) async -> Int?
    func fetch(partition: Int, from offset: Int, max: Int) async -> FetchedBatch?
    func commit(group: String, partition: Int, offset: Int) async -> Bool
}

/// The built-in broker (docs/nodes.md "Broker"): produce to the partition's leader as a Kafka producer
/// does (leaders from a broker's `GET /status`, asked again after any failure).
struct HTTPEventBroker: EventBroker {
    let upstream: Upstream
    let metadata = BrokerMetadata()

    func produce(key: String, value: JSON) async -> ProduceOutcome {
        if metadata.partitionCount == 0 { await refresh() }
        let count = metadata.partitionCount
        var body: [String: JSON] = ["key": .string(key), "value": value]
        var target: Int?
        if count > 0 {
            let p = BrokerMachine.partition(for: .string(key), count: count)
            body["partition"] = .int(p)
            target = metadata.leader(of: p).flatMap { upstream.names.firstIndex(of: $0) }
        }
        let a = count > 0 ? await upstream.send(.POST, "/produce", body: .object(body), node: target)
                          : await upstream.sendFailingOver(.POST, "/produce", body: .object(body))
        if case .status(200, let b, _) = a, let p = b["partition"]?.intValue, let o = b["offset"]?.intValue {
            return .acked(partition: p, offset: o)
        }
        upstream.failover(from: a.node)
        await refresh()
        switch a {
        case .status(let s, let b, let n) where s == 503 || (400..<500).contains(s):
            return .refused("broker \(n) refused (\(s)): \(b["error"]?.stringValue ?? "")")
        case .status(let s, let b, let n):
            return .unknown("broker \(n) answered \(s): \(b["error"]?.stringValue ?? "")")
        case .failed(let err, _):
            return .unknown("broker unreachable or timed out (\(err)); outcome unknown")
        }
    }

    private func refresh() async {
        if case .status(200, let s, _) = await upstream.sendFailingOver(.GET, "/status"), let parts = s["partitions"]?.arrayValue {
            metadata.set(parts.map { $0["leader"]?.stringValue })
        }
    }

    func partitionCount() async -> Int? {
        guard case .status(200, let s, _) = await upstream.sendFailingOver(.GET, "/status"),
              let n = s["partitions"]?.arrayValue?.count, n > 0 else { return nil }
        return n
    }

    func committed(group: String, partition p: Int) async -> Int? {
        guard case .status(200, let b, _) = await upstream.sendFailingOver(.GET, "/groups/\(group)/offsets?partition=\(p)") else { return nil }
        return b["offset"]?.intValue ?? 0
    }

    func fetch(partition p: Int, from offset: Int, max: Int) async -> FetchedBatch? {
        guard case .status(200, let f, _) = await upstream.sendFailingOver(.GET, "/fetch?partition=\(p)&offset=\(offset)&max=\(max)"),
              let msgs = f["messages"]?.arrayValue else { return nil }
        return FetchedBatch(messages: msgs, highWatermark: f["high_watermark"]?.intValue ?? offset)
    }

    func commit(group: String, partition p: Int, offset: Int) async -> Bool {
        if case .status(200, _, _) = await upstream.sendFailingOver(.POST, "/groups/\(group)/commit",
                                                                      body: ["partition": .int(p), "offset": .int(offset)]) {
            return true
        }
        return false
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
