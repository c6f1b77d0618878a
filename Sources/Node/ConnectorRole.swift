// Connector (CDC-like): consumes every broker partition as consumer group "connector" and writes each
// batch of events as one store object, then commits the offset: at-least-once, replays are idempotent.
import Foundation
import Hummingbird

/// ConnectorRole runs one loop per partition: read the committed offset, fetch up to `batch_max`
/// messages, PUT them as `events/p<P>/<first>-<last>` (offsets zero-padded to 12 digits, so a replay
/// of the same range writes the same object and keys sort by offset), then commit `last + 1`. A failed
/// write or commit re-reads the committed offset: the batch is written again (at-least-once).
/// With bug `commit_before_write` the offset is committed first, so a failed write loses the batch.
struct ConnectorRole: ServiceRole {
    static let group = "connector"
    let node: ServiceNode
    let broker: any EventBroker
    let store: any EventStore
    let state = ConnectorState()

    init(node: ServiceNode) {
        self.node = node
        broker = node.eventBroker()
        store = node.eventStore()
    }

    func add(to router: Router<BasicRequestContext>) {}

    func statusFacts() async -> [String: JSON] { state.json.objectValue ?? [:] }

    static func objectKey(partition p: Int, first: Int, last: Int) -> String {
        func pad(_ i: Int) -> String { let s = String(i); return String(repeating: "0", count: max(0, 12 - s.count)) + s }
        return "events/p\(p)/\(pad(first))-\(pad(last))"
    }

    func start() async {
        let me = self
        Task {
            // The partition count comes from the broker itself (its /status, or Kafka metadata).
            var count = 0
            while count == 0 {
                count = await me.broker.partitionCount() ?? 0
                if count == 0 { try? await Task.sleep(for: .milliseconds(100)) }
            }
            me.state.setPartitions(count)
            for p in 0..<count { Task { await me.run(partition: p) } }
        }
    }

    private func pause() async { try? await Task.sleep(for: .milliseconds(node.config.settings.pollIntervalMs)) }

    func run(partition p: Int) async {
        let batch = node.config.settings.batchMax
        let commitFirst = node.config.bugs.contains(.commitBeforeWrite)
        var committed: Int?
        while true {
            if committed == nil {
                guard let c = await broker.committed(group: Self.group, partition: p) else {
                    await pause(); continue
                }
                committed = c
                state.setCommitted(p, c)
            }
            let from = committed!
            guard let f = await broker.fetch(partition: p, from: from, max: batch) else {
                state.count("fetch_errors"); await pause(); continue
            }
            let msgs = f.messages
            state.setHighWatermark(p, f.highWatermark)
            guard let first = msgs.first?["offset"]?.intValue, let last = msgs.last?["offset"]?.intValue else {
                await pause(); continue
            }
            let events: [JSON] = msgs.map { m in
                let v = m["value"] ?? .null
                return ["offset": m["offset"] ?? .null, "id": v["id"] ?? .null, "key": v["key"] ?? .null, "value": v["value"] ?? .null]
            }
            let key = Self.objectKey(partition: p, first: first, last: last)
            if commitFirst {
                guard await commit(p, last + 1) else { committed = nil; await pause(); continue }
                committed = last + 1
                state.setCommitted(p, last + 1)
            }
            let put = await store.put(key, ["partition": .int(p), "first": .int(first), "last": .int(last), "events": .array(events)])
            guard put else {
                state.count("write_errors")
                if !commitFirst { committed = nil }
                await pause(); continue
            }
            state.count("objects_written")
            state.count("events_written", events.count)
            if !commitFirst {
                guard await commit(p, last + 1) else { committed = nil; await pause(); continue }
                committed = last + 1
                state.setCommitted(p, last + 1)
            }
        }
    }

    private func commit(_ p: Int, _ offset: Int) async -> Bool {
        if await broker.commit(group: Self.group, partition: p, offset: offset) { return true }
        state.count("commit_errors")
        return false
    }
}

/// ConnectorState: per-partition committed offsets and broker high watermarks (the lag), and counters.
final class ConnectorState: @unchecked Sendable {
    private let lock = NSLock()
    private var partitions = 0
    private var committed: [Int: Int] = [:]
    private var highWatermark: [Int: Int] = [:]
    private var counters: [String: Int] = [:]

    func setPartitions(_ n: Int) { lock.withLock { partitions = n } }
    func setCommitted(_ p: Int, _ o: Int) { lock.withLock { committed[p] = o } }
    func setHighWatermark(_ p: Int, _ o: Int) { lock.withLock { highWatermark[p] = o } }
    func count(_ k: String, _ n: Int = 1) { lock.withLock { counters[k, default: 0] += n } }

    /// `lag`: events behind per partition (high watermark last seen minus committed offset) and in
    /// total; null until every partition has been read once.
    var json: JSON {
        lock.withLock {
            var per: [String: JSON] = [:]
            var total = 0
            var known = partitions > 0
            for p in 0..<partitions {
                guard let c = committed[p], let h = highWatermark[p] else { known = false; per[String(p)] = .null; continue }
                per[String(p)] = .int(max(0, h - c))
                total += max(0, h - c)
            }
            return ["lag": ["partitions": .object(per), "total": known ? .int(total) : .null],
                    "committed": .object(Dictionary(uniqueKeysWithValues: committed.map { (String($0.key), JSON.int($0.value)) })),
                    "counters": .object(counters.mapValues { .int($0) })]
        }
    }
}
