// Jepsen's Kafka workload histories (:send, :poll, :txn, :assign, :subscribe) read into compact arrays.
import History

/// One micro-op's effect on a key: a value sent or polled, with its offset when known.
struct KafkaMop {
    var key: Int32
    /// The element: this value in this key, numbered densely (`KafkaHistory.elementValue`), so that
    /// the analyses index arrays rather than hash.
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

/// KafkaHistory holds what the Kafka analyses read: keys and elements (a value in a key) interned
/// to dense integers, transactions, assignments, and each process's completions in history order.
struct KafkaHistory {
    var keyNames: [JSONValue] = []
    /// Per element, its value and its key.
    var elementValue: [JSONValue] = []
    var elementKey: [Int32] = []
    var elementCount: Int { elementValue.count }
    var txns: [KafkaTxn] = []
    var assigns: [KafkaAssign] = []
    /// Per process, its events in history order: txn index (>= 0) or assign index encoded as -1 - i.
    var byProcess: [ProcessID: [Int]] = [:]

    private var intKeyIDs: [Int: Int32] = [:]  // keys whose text is an integer
    private var keyIDs: [String: Int32] = [:]
    private var intElements: [[Int: Int32]] = []  // per key: integer value -> element
    private var otherElements: [[JSONValue: Int32]] = []

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

    /// The key a send names (`:x`, `11`).
    mutating func key(_ k: JSONValue) -> Int32 {
        if case .int(let n) = k { return intKey(n, k) }
        return key(KafkaHistory.keyText(k), k)
    }

    /// The key a poll's map names by its text (`":x"`, `"11"`).
    mutating func key(_ text: String, _ original: JSONValue) -> Int32 {
        if let n = Int(text), String(n) == text { return intKey(n, .int(n)) }
        if let id = keyIDs[text] { return id }
        let id = newKey(original)
        keyIDs[text] = id
        return id
    }

    private mutating func intKey(_ n: Int, _ original: JSONValue) -> Int32 {
        if let id = intKeyIDs[n] { return id }
        let id = newKey(original)
        intKeyIDs[n] = id
        return id
    }

    private mutating func newKey(_ original: JSONValue) -> Int32 {
        keyNames.append(original)
        intElements.append([:])
        otherElements.append([:])
        return Int32(keyNames.count - 1)
    }

    mutating func element(_ k: Int32, _ v: JSONValue) -> Int32 {
        if case .int(let n) = v {
            if let id = intElements[Int(k)][n] { return id }
            let id = newElement(k, v)
            intElements[Int(k)][n] = id
            return id
        }
        if let id = otherElements[Int(k)][v] { return id }
        let id = newElement(k, v)
        otherElements[Int(k)][v] = id
        return id
    }

    private mutating func newElement(_ k: Int32, _ v: JSONValue) -> Int32 {
        elementValue.append(v)
        elementKey.append(k)
        return Int32(elementValue.count - 1)
    }

    init(_ history: History) throws(UnreadableHistory) {
        for (i, op) in history.ops.enumerated() where !op.process.isNemesis && op.type != .invoke {
            switch op.f {
            case "send", "poll", "txn":
                var t = KafkaTxn(op: i, process: op.process, type: op.type, writes: [], reads: [])
                if !op.value.isNull {
                    guard let mops = op.value.arrayValue else {
                        throw UnreadableHistory(history, op, field: "value", "expected a vector of micro-ops like [:send k v] or [:poll], got \(op.value)")
                    }
                    for m in mops { try read(mop: m, into: &t, history, op) }
                }
                byProcess[op.process, default: []].append(txns.count)
                txns.append(t)
            case "assign", "subscribe":
                var keys = Set<Int32>()
                if !op.value.isNull {
                    guard let ks = op.value.arrayValue else {
                        throw UnreadableHistory(history, op, field: "value", "expected a vector of keys, got \(op.value)")
                    }
                    for k in ks { keys.insert(key(k)) }
                }
                byProcess[op.process, default: []].append(-1 - assigns.count)
                assigns.append(KafkaAssign(op: i, process: op.process, type: op.type, keys: keys))
            default:
                continue
            }
        }
    }

    private mutating func read(mop m: JSONValue, into t: inout KafkaTxn, _ history: History, _ op: Op) throws(UnreadableHistory) {
        guard let parts = m.arrayValue, let f = parts.first?.stringValue else {
            throw UnreadableHistory(history, op, field: "value", "expected a micro-op like [:send k v] or [:poll {k [[offset v] …]}], got \(m)")
        }
        switch f {
        case ":send", "send":
            guard parts.count == 3 else { throw UnreadableHistory(history, op, field: "value", "expected [:send key value], got \(m)") }
            let k = key(parts[1])
            // Either [offset value] (a completed send) or the bare value (its offset unknown).
            if let pair = parts[2].arrayValue {
                guard pair.count == 2 else { throw UnreadableHistory(history, op, field: "value", "expected [offset value] in \(m)") }
                let offset = try KafkaHistory.offset(pair[0], history, op)
                t.writes.append(KafkaMop(key: k, value: element(k, pair[1]), offset: offset))
            } else {
                t.writes.append(KafkaMop(key: k, value: element(k, parts[2]), offset: KafkaMop.noOffset))
            }
        case ":poll", "poll":
            guard parts.count >= 2 else { return }  // an invocation's [:poll]
            if parts[1].isNull { return }
            guard let byKey = parts[1].objectValue else {
                throw UnreadableHistory(history, op, field: "value", "expected [:poll {key [[offset value] …]}], got \(m)")
            }
            // Object keys are unordered; keys are independent, so any fixed order is the same analysis.
            for (kText, pairs) in byKey.count > 1 ? byKey.sorted(by: { $0.key < $1.key }) : Array(byKey) {
                let k = key(kText, .string(kText))
                if pairs.isNull || pairs.arrayValue?.isEmpty == true {
                    t.emptyReadKeys.append(k)
                    continue
                }
                guard let ps = pairs.arrayValue else { throw UnreadableHistory(history, op, field: "value", "expected [[offset value] …] for key \(kText), got \(pairs)") }
                for p in ps {
                    guard let pair = p.arrayValue, pair.count == 2 else {
                        throw UnreadableHistory(history, op, field: "value", "expected an [offset value] pair, got \(p)")
                    }
                    t.reads.append(KafkaMop(key: k, value: element(k, pair[1]), offset: try KafkaHistory.offset(pair[0], history, op)))
                }
            }
        default:
            throw UnreadableHistory(history, op, field: "value", "unknown micro-op \(f) (expected :send or :poll)")
        }
    }

    private static func offset(_ v: JSONValue, _ history: History, _ op: Op) throws(UnreadableHistory) -> Int {
        if v.isNull { return KafkaMop.noOffset }
        let o = try ValueShape.int(v, history, op, field: "value (offset)")
        guard o >= 0 else { throw UnreadableHistory(history, op, field: "value (offset)", "offsets are non-negative, got \(o)") }
        return o
    }
}

/// The distinct keys of some micro-ops, in order of first appearance, into a reused buffer (no allocation).
@inline(__always) func distinctKeys(_ mops: [KafkaMop], into out: inout [Int32]) {
    out.removeAll(keepingCapacity: true)
    for m in mops where !out.contains(m.key) { out.append(m.key) }
}
