// OpMix: the seeded stream of client operations of a workload (functions with weights, keys, unique values).
import History

/// One operation for a client to perform: `f` on `key` with the invocation `value`
/// (docs/history-conventions.md gives the value shape of each workload's functions).
public struct PlannedOp: Sendable, Equatable, CustomStringConvertible {
    public var f: String
    public var key: String?
    public var value: JSONValue

    public init(f: String, key: String?, value: JSONValue) {
        self.f = f
        self.key = key
        self.value = value
    }

    public var description: String {
        var v = ""
        value.write(to: &v)
        return "\(f) \(key ?? "-") \(v)"
    }
}

/// OpMix turns a seed into the same sequence of ops every time. Functions are picked by weight;
/// keys uniformly among `keys`. Written values are unique per workload (registers: unique per key,
/// so that the staleness checker can tell versions apart; set, queue and log elements: unique overall).
public struct OpMix: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case register, set, queue, log
        /// The built-in pipeline end to end: ingest events, query them through the API.
        case pipeline
        /// Jepsen's Kafka workload: sends of several records to several keys (partitions) in one
        /// request, polls, transactions of sends, and assigns or subscribes (docs/history-conventions.md
        /// "kafka"). With subscribe, a transaction polls first, then sends (consume-transform-produce).
        case kafka
    }

    /// The functions each kind of workload knows.
    public static func functions(of kind: Kind) -> [String] {
        switch kind {
        case .register: return ["read", "write", "cas"]
        case .set: return ["add", "read"]
        case .queue: return ["enqueue", "dequeue"]
        case .log: return ["produce", "poll"]
        case .pipeline: return ["ingest", "query", "count", "warehouse-count"]
        case .kafka: return ["send", "poll", "txn", "assign", "subscribe"]
        }
    }

    public let kind: Kind
    public let weights: [(f: String, weight: Int)]
    public let keys: [String]
    /// Kafka workloads: the keys (partitions 0..<n) micro-ops name; their ops carry no history key.
    public let kafkaKeys: Int
    /// Kafka workloads whose consumers subscribe: their transactions poll before they send.
    public let kafkaSubscribes: Bool
    private var rng: SeededRandom
    private var lastValue: [String: Int] = [:]
    private var nextElement = 0
    private let totalWeight: Int

    /// The last element (set, queue, log) or event id (pipeline) issued so far; elements are 1, 2, … .
    public var lastElement: Int { nextElement }

    /// - Parameters:
    ///   - weights: function → positive weight, for functions of `kind` (the caller validated them).
    ///   - keyCount: number of independent keys (k1...kN); 0 means one object and no key.
    public init(kind: Kind, weights: [(f: String, weight: Int)], keyCount: Int, seed: UInt64) {
        self.kind = kind
        self.weights = weights
        // Log keys name partitions (p0, p1, ...); other workloads' keys are k1, k2, ...
        // A pipeline's events carry their own keys (the ingest API's event key), not history keys.
        self.keys = keyCount <= 0 || kind == .pipeline || kind == .kafka ? [] : kind == .log ? (0..<keyCount).map { "p\($0)" } : (1...keyCount).map { "k\($0)" }
        kafkaKeys = kind == .kafka ? max(1, keyCount) : 0
        kafkaSubscribes = kind == .kafka && weights.contains { $0.f == "subscribe" && $0.weight > 0 }
        rng = SeededRandom(seed: seed)
        totalWeight = max(1, weights.reduce(0) { $0 + $1.weight })
    }

    /// The next op of the stream.
    public mutating func next() -> PlannedOp {
        var r = rng.below(totalWeight)
        var f = weights.last?.f ?? "read"
        for w in weights {
            if r < w.weight { f = w.f; break }
            r -= w.weight
        }
        let key = keys.isEmpty ? nil : keys[rng.below(keys.count)]
        let slot = key ?? ""
        switch (kind, f) {
        case (.register, "write"), (.register, "cas"):
            let last = lastValue[slot] ?? 0
            let new = last + 1
            lastValue[slot] = new
            if f == "cas" && last > 0 {
                // Expect one of the last few values written, so that some cas ops succeed and some fail.
                let expected = max(1, last - rng.below(3))
                return PlannedOp(f: "cas", key: key, value: [.int(expected), .int(new)])
            }
            return PlannedOp(f: "write", key: key, value: .int(new))
        case (.set, "add"), (.queue, "enqueue"), (.log, "produce"), (.pipeline, "ingest"):
            nextElement += 1
            return PlannedOp(f: f, key: key, value: .int(nextElement))
        case (.kafka, "send"), (.kafka, "txn"):
            // One to three records, each to a random key (a key may repeat: its records keep their
            // order in one batch), values unique overall, as Jepsen's [[:send k v] ...].
            let n = 1 + rng.below(3)
            // A subscribed consumer's transaction reads, then writes, and commits its read positions with
            // the writes (Jepsen's [[:poll] [:send k v] ...]).
            var mops: [JSONValue] = f == "txn" && kafkaSubscribes ? [[.string("poll")]] : []
            for _ in 0..<n {
                nextElement += 1
                mops.append([.string("send"), .int(rng.below(kafkaKeys)), .int(nextElement)])
            }
            return PlannedOp(f: f, key: nil, value: .array(mops))
        case (.kafka, "poll"):
            return PlannedOp(f: f, key: nil, value: [[.string("poll")]])
        case (.kafka, "subscribe"):
            // Every key is a partition of the one topic: a consumer subscribes to all of them, and the
            // group decides which it reads.
            return PlannedOp(f: f, key: nil, value: .array((0..<kafkaKeys).map { .int($0) }))
        case (.kafka, "assign"):
            // A random non-empty subset of the keys, in key order.
            var chosen = (0..<kafkaKeys).filter { _ in rng.below(2) == 0 }
            if chosen.isEmpty { chosen = [rng.below(kafkaKeys)] }
            return PlannedOp(f: f, key: nil, value: .array(chosen.map { .int($0) }))
        case (.pipeline, "query"):
            // Half the queries ask about one of the last 100 events issued (some not visible yet: how
            // fresh is the API?), half about any event so far (is every old event still there?).
            let newest = max(1, nextElement)
            let id = rng.below(2) == 0 ? 1 + rng.below(newest) : max(1, newest - rng.below(min(newest, 100)))
            return PlannedOp(f: f, key: nil, value: ["id": .int(id)])
        case (.pipeline, "count"), (.pipeline, "warehouse-count"):
            // The count of one event key (events carry key k<id mod 5>): through the API (a per-key
            // aggregate whose cached copy falls behind as events keep arriving), or read from a
            // warehouse node directly (the truth the API's answers are judged against).
            return PlannedOp(f: f, key: nil, value: ["key": .string("k\(rng.below(5))")])
        default:
            return PlannedOp(f: f, key: key, value: .null)
        }
    }

    /// The first `count` ops of the stream (for tests and `--dry-run` style listings).
    public func plan(_ count: Int) -> [PlannedOp] {
        var copy = self
        return (0..<count).map { _ in copy.next() }
    }
}
