// Jepsen's queue meanings: `total-queue` (what went in must come out) and `queue` (every dequeue came from somewhere).
import History

/// The meanings the `queue` checker can give a history (option `semantics`).
enum QueueSemantics: String, CaseIterable {
    /// Faultline's own: `drain` ops after the heal decide what was lost (QueueChecker).
    case drain
    /// Jepsen's `checker/total-queue`: ok enqueues against ok dequeues (ok drains count as dequeues).
    case totalQueue = "total-queue"
    /// Jepsen's `checker/queue` with an unordered queue model: in history order, every ok dequeue
    /// must take an element some earlier enqueue invocation (not failed) may have added.
    case queue

    static func automatic(for history: History) -> QueueSemantics {
        history.importedFrom != nil ? .totalQueue : .drain
    }
}

/// A multiset of values (elements may be enqueued more than once).
struct Multiset {
    private(set) var counts: [JSONValue: Int] = [:]
    private(set) var total = 0
    mutating func add(_ v: JSONValue, _ n: Int = 1) {
        guard n > 0 else { return }
        counts[v, default: 0] += n
        total += n
    }
    func count(_ v: JSONValue) -> Int { counts[v] ?? 0 }
    /// Removes one `v`; false when there was none.
    mutating func remove(_ v: JSONValue) -> Bool {
        guard let c = counts[v] else { return false }
        counts[v] = c == 1 ? nil : c - 1
        total -= 1
        return true
    }
    var sortedValues: [JSONValue] { counts.keys.sorted(by: JSONValue.orderedBefore) }
}

enum JepsenQueueAnalysis {
    /// `total-queue`, per key. attempts: enqueue invocations; acknowledged: ok enqueues; dequeued: ok
    /// dequeues (an ok dequeue of nil took nothing: the queue was empty) and the elements of ok drains.
    /// unexpected: dequeued, never attempted; duplicated: dequeued more times than attempted; lost:
    /// acknowledged more times than dequeued; recovered: dequeued, attempted but not acknowledged.
    /// Valid unless lost or unexpected (duplicates are reported; Jepsen does not fail on them). An info
    /// drain makes the verdict unknown: what it took cannot be known (Jepsen refuses it too).
    static func totalQueue(_ history: History, name: String) throws(UnreadableHistory) -> Verdict {
        struct KeyState {
            var attempts = Multiset()
            var acknowledged = Multiset()
            var dequeued = Multiset()
            var firstOp: [JSONValue: Int] = [:]  // an example op per element
            var dequeueOp: [JSONValue: Int] = [:]
        }
        var keys: [String?: KeyState] = [:]
        for (i, op) in history.ops.enumerated() where !op.process.isNemesis {
            switch (op.f, op.type) {
            case ("enqueue", .invoke):
                keys[op.key, default: KeyState()].attempts.add(op.value)
                if keys[op.key]!.firstOp[op.value] == nil { keys[op.key]!.firstOp[op.value] = i }
            case ("enqueue", .ok):
                keys[op.key, default: KeyState()].acknowledged.add(op.value)
                keys[op.key]!.firstOp[op.value] = i
            case ("dequeue", .ok):
                guard !op.value.isNull else { continue }
                keys[op.key, default: KeyState()].dequeued.add(op.value)
                if keys[op.key]!.dequeueOp[op.value] == nil { keys[op.key]!.dequeueOp[op.value] = i }
            case ("drain", .ok):
                for e in try JepsenSetAnalysis.elements(op.value, history, op) {
                    keys[op.key, default: KeyState()].dequeued.add(e)
                    if keys[op.key]!.dequeueOp[e] == nil { keys[op.key]!.dequeueOp[e] = i }
                }
            case ("drain", .info):
                throw UnreadableHistory(history, op, field: "type", "an indeterminate drain: what it took cannot be known")
            default: continue
            }
        }
        let attempted = keys.values.reduce(0) { $0 + $1.attempts.total }
        let dequeued = keys.values.reduce(0) { $0 + $1.dequeued.total }
        if attempted + dequeued == 0 {
            return .nothingChecked(name, "the history has no enqueue and no non-empty dequeue")
        }
        var a = Anomalies(names: ["lost", "unexpected", "duplicated", "recovered"])
        func ex(_ i: Int?) -> JSONValue { i.map { history.ops[$0].exampleJSON } ?? .null }
        var okCount = 0
        for key in keys.keys.sorted(by: { ($0 ?? "") < ($1 ?? "") }) {
            let ks = keys[key]!
            for e in ks.dequeued.sortedValues {
                let d = ks.dequeued.count(e)
                let t = ks.attempts.count(e)
                okCount += min(d, t)
                if t == 0 {
                    for _ in 0..<d { a.add("unexpected", ["element": e, "dequeue": ex(ks.dequeueOp[e])]) }
                } else if d > t {
                    for _ in 0..<(d - t) { a.add("duplicated", ["element": e, "dequeue": ex(ks.dequeueOp[e])]) }
                }
                let recovered = min(d, t) - ks.acknowledged.count(e)
                for _ in 0..<max(0, recovered) { a.add("recovered", ["element": e, "enqueue": ex(ks.firstOp[e])]) }
            }
            for e in ks.acknowledged.sortedValues {
                let lost = ks.acknowledged.count(e) - ks.dequeued.count(e)
                for _ in 0..<max(0, lost) { a.add("lost", ["element": e, "enqueue": ex(ks.firstOp[e])]) }
            }
        }
        a.set("attempts", attempted)
        a.set("acknowledged", keys.values.reduce(0) { $0 + $1.acknowledged.total })
        a.set("ok", okCount)
        let valid: Validity = a.count("lost") + a.count("unexpected") > 0 ? .invalid : .valid
        return a.verdict(name, valid, details: ["semantics": "total-queue", "keys": .int(keys.count)])
    }

    /// `queue` (Jepsen's queue checker with an unordered-queue model), per key: walking the history in
    /// order, each enqueue invocation may add its element, and each ok dequeue must remove one
    /// present. The first dequeue that cannot is the inconsistency (invalid).
    static func modelQueue(_ history: History, name: String) throws(UnreadableHistory) -> Verdict {
        var queues: [String?: Multiset] = [:]
        var a = Anomalies(names: ["inconsistent"])
        var steps = 0
        for op in history.ops where !op.process.isNemesis {
            switch (op.f, op.type) {
            case ("enqueue", .invoke):
                queues[op.key, default: Multiset()].add(op.value)
                steps += 1
            case ("dequeue", .ok):
                guard !op.value.isNull else { continue }
                steps += 1
                if !queues[op.key, default: Multiset()].remove(op.value) {
                    a.add("inconsistent", ["reason": .string("can't dequeue \(op.value)"), "op": op.exampleJSON])
                    return a.verdict(name, .invalid, details: ["semantics": "queue"], error: nil)
                }
            default: continue
            }
        }
        if steps == 0 { return .nothingChecked(name, "the history has no enqueue and no non-empty dequeue") }
        let left = queues.values.reduce(0) { $0 + $1.total }
        return a.verdict(name, .valid, details: ["semantics": "queue", "final_queue_size": .int(left)])
    }
}
