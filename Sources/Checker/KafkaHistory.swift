// Jepsen's Kafka workload histories (:send, :poll, :txn, :assign, :subscribe) read into compact arrays.
import History

/// One micro-op's effect on a key: a value sent or polled, with its offset when known.
struct KafkaMop {
    var key: Int32
    var value: Int32
    /// `KafkaMop.noOffset` when unknown (an indeterminate send, `[:send k v]` without a pair).
    var offset: Int
    static let noOffset = Int.min
}

/// A completed (ok, info or fail) :send, :poll or :txn op: its sends and polls in the order written.
struct KafkaTxn {
    var op: Int  // position in History.ops
    var process: ProcessID
    var type: Op.Kind
    var writes: [KafkaMop]
    var reads: [KafkaMop]
    /// Keys a poll returned with no messages: they still count as read by this op.
    var emptyReadKeys: [Int32] = []
}

/// A completed :assign or :subscribe: the keys the consumer has from then on.
struct KafkaAssign {
    var op: Int
    var process: ProcessID
    var type: Op.Kind
    var keys: Set<Int32>
}

/// KafkaHistory holds what the Kafka analyses read: keys and values interned to small integers,
/// transactions, assignments, and each process's completions in history order.
struct KafkaHistory {
    var keyNames: [JSONValue] = []
    var valueNames: [JSONValue] = []
    var txns: [KafkaTxn] = []
    var assigns: [KafkaAssign] = []
    /// Per process, its events in history order: txn index (>= 0) or assign index encoded as -1 - i.
    var byProcess: [ProcessID: [Int]] = [:]

    private var keyIDs: [String: Int32] = [:]
    private var valueIDs: [JSONValue: Int32] = [:]

    /// Whether a history is a Jepsen Kafka workload history (rather than Faultline's produce/drain one).
    static func looksLikeKafka(_ history: History) -> Bool {
        for op in history.ops.prefix(10_000) where !op.process.isNemesis {
            switch op.f {
            case "send", "txn", "assign", "subscribe": return true
            case "poll":
                if let first = op.value.arrayValue?.first?.arrayValue?.first?.stringValue, first == ":poll" || first == "poll" { return true }
            default: continue
            }
        }
        return false
    }

    /// The text a key is known by: a poll's map keys are text, a send's key is a value (`:x`, `11`).
    static func keyText(_ k: JSONValue) -> String {
        switch k {
        case .string(let s): return s
        case .int(let i): return String(i)
        default: return k.description
        }
    }

    mutating func key(_ text: String, _ original: JSONValue) -> Int32 {
        if let id = keyIDs[text] { return id }
        let id = Int32(keyNames.count)
        keyIDs[text] = id
        keyNames.append(original)
        return id
    }

    mutating func value(_ v: JSONValue) -> Int32 {
        if let id = valueIDs[v] { return id }
        let id = Int32(valueNames.count)
        valueIDs[v] = id
        valueNames.append(v)
        return id
    }

    init(_ history: History) throws(InputError) {
        for (i, op) in history.ops.enumerated() where !op.process.isNemesis && op.type != .invoke {
            switch op.f {
            case "send", "poll", "txn":
                var t = KafkaTxn(op: i, process: op.process, type: op.type, writes: [], reads: [])
                if !op.value.isNull {
                    guard let mops = op.value.arrayValue else {
                        throw InputError(history, op, field: "value", "expected a vector of micro-ops like [:send k v] or [:poll], got \(op.value)")
                    }
                    for m in mops { try read(mop: m, into: &t, history, op) }
                }
                byProcess[op.process, default: []].append(txns.count)
                txns.append(t)
            case "assign", "subscribe":
                var keys = Set<Int32>()
                if !op.value.isNull {
                    guard let ks = op.value.arrayValue else {
                        throw InputError(history, op, field: "value", "expected a vector of keys, got \(op.value)")
                    }
                    for k in ks { keys.insert(key(KafkaHistory.keyText(k), k)) }
                }
                byProcess[op.process, default: []].append(-1 - assigns.count)
                assigns.append(KafkaAssign(op: i, process: op.process, type: op.type, keys: keys))
            default:
                continue
            }
        }
    }

    private mutating func read(mop m: JSONValue, into t: inout KafkaTxn, _ history: History, _ op: Op) throws(InputError) {
        guard let parts = m.arrayValue, let f = parts.first?.stringValue else {
            throw InputError(history, op, field: "value", "expected a micro-op like [:send k v] or [:poll {k [[offset v] …]}], got \(m)")
        }
        switch f {
        case ":send", "send":
            guard parts.count == 3 else { throw InputError(history, op, field: "value", "expected [:send key value], got \(m)") }
            let k = key(KafkaHistory.keyText(parts[1]), parts[1])
            // Either [offset value] (a completed send) or the bare value (its offset unknown).
            if let pair = parts[2].arrayValue {
                guard pair.count == 2 else { throw InputError(history, op, field: "value", "expected [offset value] in \(m)") }
                let offset = try KafkaHistory.offset(pair[0], history, op)
                t.writes.append(KafkaMop(key: k, value: value(pair[1]), offset: offset))
            } else {
                t.writes.append(KafkaMop(key: k, value: value(parts[2]), offset: KafkaMop.noOffset))
            }
        case ":poll", "poll":
            guard parts.count >= 2 else { return }  // an invocation's [:poll]
            if parts[1].isNull { return }
            guard let byKey = parts[1].objectValue else {
                throw InputError(history, op, field: "value", "expected [:poll {key [[offset value] …]}], got \(m)")
            }
            // Object keys are unordered; keys are independent, so any fixed order is the same analysis.
            for (kText, pairs) in byKey.sorted(by: { $0.key < $1.key }) {
                let k = key(kText, .string(kText))
                if pairs.isNull || pairs.arrayValue?.isEmpty == true {
                    t.emptyReadKeys.append(k)
                    continue
                }
                guard let ps = pairs.arrayValue else { throw InputError(history, op, field: "value", "expected [[offset value] …] for key \(kText), got \(pairs)") }
                for p in ps {
                    guard let pair = p.arrayValue, pair.count == 2 else {
                        throw InputError(history, op, field: "value", "expected an [offset value] pair, got \(p)")
                    }
                    t.reads.append(KafkaMop(key: k, value: value(pair[1]), offset: try KafkaHistory.offset(pair[0], history, op)))
                }
            }
        default:
            throw InputError(history, op, field: "value", "unknown micro-op \(f) (expected :send or :poll)")
        }
    }

    private static func offset(_ v: JSONValue, _ history: History, _ op: Op) throws(InputError) -> Int {
        if v.isNull { return KafkaMop.noOffset }
        let o = try ValueShape.int(v, history, op, field: "value (offset)")
        guard o >= 0 else { throw InputError(history, op, field: "value (offset)", "offsets are non-negative, got \(o)") }
        return o
    }
}

/// A key and a value together, packed for dictionaries.
@inline(__always) func kv(_ k: Int32, _ v: Int32) -> Int64 { Int64(k) << 32 | Int64(UInt32(bitPattern: v)) }
