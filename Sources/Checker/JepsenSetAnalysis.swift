// Jepsen's two set meanings, `set` (the last ok read is the final read) and `set-full` (every read, timed).
import History

/// The meanings the `set` checker can give a history (option `semantics`).
enum SetSemantics: String, CaseIterable {
    /// Faultline's own: `final-read` ops, recorded after the heal, decide what was lost.
    case finalRead = "final-read"
    /// Jepsen's `checker/set`: the last ok `read` is the final read.
    case set
    /// Jepsen's `checker/set-full`: every ok read, with the times of presence and absence.
    case setFull = "set-full"

    /// The meaning picked when none is given: Jepsen's for an imported Jepsen history (`set-full`
    /// when some key was read more than once, as Jepsen's set-full workloads do; `set` for a single
    /// final read), Faultline's otherwise.
    static func automatic(for history: History) -> SetSemantics {
        guard history.importedFrom != nil else { return .finalRead }
        var reads: [String?: Int] = [:]
        for op in history.ops where op.f == "read" && op.type == .ok {
            reads[op.key, default: 0] += 1
            if reads[op.key]! > 1 { return .setFull }
        }
        return .set
    }
}

/// Jepsen's `set` and `set-full` analyses, per key (a history without keys is one set). Elements
/// are any values (integers, keywords, strings), compared exactly.
enum JepsenSetAnalysis {
    static let noKey = "(no key)"

    /// `set`: attempts are add invocations, acknowledged adds their ok completions, the final read
    /// the last ok `read`. lost = acknowledged − final; unexpected = final − attempted; recovered =
    /// read but only indeterminately added. Valid unless lost or unexpected; unknown when a key with
    /// adds was never read.
    static func set(_ history: History, name: String) throws(UnreadableHistory) -> Verdict {
        struct KeyState {
            var attempts = Set<JSONValue>()
            var acknowledged = Set<JSONValue>()
            var finalRead: (elements: [JSONValue], op: Int)?
            var addOp: [JSONValue: Int] = [:]
        }
        var keys: [String?: KeyState] = [:]
        for (i, op) in history.ops.enumerated() where !op.process.isNemesis {
            switch (op.f, op.type) {
            case ("add", .invoke):
                keys[op.key, default: KeyState()].attempts.insert(op.value)
                if keys[op.key]!.addOp[op.value] == nil { keys[op.key]!.addOp[op.value] = i }
            case ("add", .ok):
                keys[op.key, default: KeyState()].acknowledged.insert(op.value)
                keys[op.key]!.addOp[op.value] = i
            case ("read", .ok):
                let els = try elements(op.value, history, op)
                keys[op.key, default: KeyState()].finalRead = (els, i)
            default: continue
            }
        }
        if keys.isEmpty { return .nothingChecked(name, "the history has no add or read ops") }
        var a = Anomalies(names: ["lost", "unexpected", "recovered"])
        var unread: [String] = []
        var attempts = 0
        var acknowledged = 0
        var okCount = 0
        func ex(_ i: Int?) -> JSONValue { i.map { history.ops[$0].exampleJSON } ?? .null }
        for key in keys.keys.sorted(by: { ($0 ?? "") < ($1 ?? "") }) {
            let ks = keys[key]!
            attempts += ks.attempts.count
            acknowledged += ks.acknowledged.count
            guard let final = ks.finalRead else {
                unread.append(key ?? noKey)
                continue
            }
            let read = Set(final.elements)
            for e in sorted(read) {
                if ks.attempts.contains(e) {
                    okCount += 1
                    if !ks.acknowledged.contains(e) { a.add("recovered", ["element": e, "add": ex(ks.addOp[e])]) }
                } else {
                    a.add("unexpected", ["element": e, "final_read": ex(final.op)])
                }
            }
            for e in sorted(ks.acknowledged) where !read.contains(e) {
                a.add("lost", ["element": e, "add": ex(ks.addOp[e]), "final_read": ex(final.op)])
            }
        }
        a.set("attempts", attempts)
        a.set("acknowledged", acknowledged)
        a.set("ok", okCount)
        let details: [String: JSONValue] = ["semantics": "set", "keys": .int(keys.count)]
        if a.count("lost") + a.count("unexpected") > 0 { return a.verdict(name, .invalid, details: details) }
        if !unread.isEmpty {
            return a.verdict(name, .unknown, details: details, error: "set was never read (key \(unread.joined(separator: ", "))): nothing lost can be decided")
        }
        return a.verdict(name, .valid, details: details)
    }

    /// One element's timeline in `set-full` (Jepsen's SetFullElement): the op that made it known (its
    /// ok add or the first ok read showing it, whichever came first in the history) and the
    /// invocations of the latest reads that showed it and that missed it.
    private struct Element {
        var known: Int?  // history position of that op
        var lastPresent: Int?  // history position of a read's invocation
        var lastAbsent: Int?
    }

    /// `set-full`: every ok read is judged against every element added before it. An element is
    /// stable when the latest read missing it began before the latest read showing it; lost when it
    /// was known, and the latest read missing it began after both the latest read showing it and the
    /// moment it became known; never-read otherwise. Stale: stable, but some read begun at least 1 ms
    /// after it was known missed it. Invalid if anything is lost, unexpected (read, never added:
    /// Jepsen's set-full ignores these) or duplicated within a read, or, with `linearizable`, stale;
    /// unknown when nothing is stable.
    static func setFull(_ history: History, name: String, linearizable: Bool) throws(UnreadableHistory) -> Verdict {
        struct KeyState {
            var order: [JSONValue] = []  // elements in order of their first add invocation
            var elements: [JSONValue: Element] = [:]
            var everRead: [JSONValue: Int] = [:]  // element -> first ok read showing it
        }
        var warnings: [String] = []
        let pairs = try pairedOps(history, warnings: &warnings)
        var invocationOf = [Int](repeating: -1, count: history.ops.count)
        for p in pairs { if let c = p.completionIndex { invocationOf[c] = p.invokeIndex } }
        var keys: [String?: KeyState] = [:]
        var a = Anomalies(names: ["lost", "unexpected", "duplicated", "stale", "never-read"])
        func ex(_ i: Int?) -> JSONValue { i.map { history.ops[$0].exampleJSON } ?? .null }
        var attempted = Set<KeyedValue>()
        for (i, op) in history.ops.enumerated() where !op.process.isNemesis {
            switch (op.f, op.type) {
            case ("add", .invoke):
                attempted.insert(KeyedValue(key: op.key, value: op.value))
                if keys[op.key] == nil { keys[op.key] = KeyState() }
                if keys[op.key]!.elements[op.value] == nil { keys[op.key]!.order.append(op.value) }
                keys[op.key]!.elements[op.value] = Element()  // a new attempt starts a new timeline, as in Jepsen
            case ("add", .ok):
                if keys[op.key]?.elements[op.value] != nil, keys[op.key]!.elements[op.value]!.known == nil {
                    keys[op.key]!.elements[op.value]!.known = i
                }
            case ("read", .ok):
                let inv = invocationOf[i] >= 0 ? invocationOf[i] : i
                let els = try elements(op.value, history, op)
                var present = Set<JSONValue>(minimumCapacity: els.count)
                for e in els where !present.insert(e).inserted {
                    a.add("duplicated", ["element": e, "read": ex(i)])
                }
                var ks = keys[op.key, default: KeyState()]
                for e in present where ks.everRead[e] == nil { ks.everRead[e] = i }
                for e in ks.order {
                    var st = ks.elements[e]!
                    if present.contains(e) {
                        if st.known == nil { st.known = i }
                        if (st.lastPresent ?? -1) < inv { st.lastPresent = inv }
                    } else if (st.lastAbsent ?? -1) < inv {
                        st.lastAbsent = inv
                    }
                    ks.elements[e] = st
                }
                keys[op.key] = ks
            default: continue
            }
        }
        if keys.isEmpty { return .nothingChecked(name, "the history has no add or read ops") }
        var stableLatency = Distribution(unit: "ns")
        var lostLatency = Distribution(unit: "ns")
        var stable = 0
        var attempts = 0
        for key in keys.keys.sorted(by: { ($0 ?? "") < ($1 ?? "") }) {
            let ks = keys[key]!
            attempts += ks.order.count
            for e in ks.order {
                let st = ks.elements[e]!
                let isStable = st.lastPresent != nil && (st.lastAbsent ?? -1) < st.lastPresent!
                let isLost =
                    st.known != nil && st.lastAbsent != nil && (st.lastPresent ?? -1) < st.lastAbsent!
                    && st.known! < st.lastAbsent!
                let knownTime = st.known.map { history.ops[$0].time } ?? 0
                if isStable {
                    stable += 1
                    let stableTime = st.lastAbsent.map { history.ops[$0].time + 1 } ?? 0
                    let latency = max(0, stableTime - knownTime)
                    stableLatency.record(latency)
                    if latency / 1_000_000 > 0 {  // Jepsen counts whole milliseconds
                        a.add("stale", ["element": e, "known": ex(st.known), "last_absent": ex(st.lastAbsent), "stable_latency_ms": .int(Int(latency / 1_000_000))])
                    }
                } else if isLost {
                    let lostTime = st.lastPresent.map { history.ops[$0].time + 1 } ?? 0
                    lostLatency.record(max(0, lostTime - knownTime))
                    a.add("lost", ["element": e, "known": ex(st.known), "last_absent": ex(st.lastAbsent), "last_present": ex(st.lastPresent)])
                } else {
                    a.add("never-read", ["element": e, "known": ex(st.known)])
                }
            }
            for (e, r) in ks.everRead.sorted(by: { $0.value < $1.value }) where !attempted.contains(KeyedValue(key: key, value: e)) {
                a.add("unexpected", ["element": e, "read": ex(r)])
            }
        }
        a.set("stable", stable)
        a.set("attempts", attempts)
        var details: [String: JSONValue] = [
            "semantics": "set-full", "keys": .int(keys.count), "stable_latency": stableLatency.json, "lost_latency": lostLatency.json,
        ]
        if linearizable { details["linearizable"] = true }
        let invalid =
            a.count("lost") + a.count("unexpected") + a.count("duplicated") > 0 || (linearizable && a.count("stale") > 0)
        var v: Verdict
        if invalid {
            v = a.verdict(name, .invalid, details: details)
        } else if stable == 0 {
            v = a.verdict(name, .unknown, details: details, error: "no element is stable (never read after it was known): nothing can be decided")
        } else {
            v = a.verdict(name, .valid, details: details)
        }
        v.addWarnings(warnings)
        return v
    }

    /// A read's elements: an array (EDN vectors, lists and sets all import as arrays), null when empty.
    static func elements(_ v: JSONValue, _ history: History, _ op: Op) throws(UnreadableHistory) -> [JSONValue] {
        if v.isNull { return [] }
        guard let a = v.arrayValue else { throw UnreadableHistory(history, op, field: "value", "expected a collection of elements, got \(v)") }
        return a
    }

    static func sorted<S: Sequence>(_ s: S) -> [JSONValue] where S.Element == JSONValue {
        s.sorted(by: JSONValue.orderedBefore)
    }
}

/// An element of one key's set.
struct KeyedValue: Hashable {
    var key: String?
    var value: JSONValue
}

extension JSONValue {
    /// A total order for showing elements: integers numerically, then everything else by its text.
    static func orderedBefore(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y
        case (.int, _): return true
        case (_, .int): return false
        default: return a.description < b.description
        }
    }
}
