// The `queue` checker (Jepsen's total-queue): lost, duplicated, unexpected and recovered elements of a queue.
import History

/// QueueChecker checks a queue workload: `enqueue` ops add one integer element, `dequeue` ops remove
/// one (ok value: the element, or null when the queue was empty), and `drain` ops, recorded after the
/// final heal, remove everything left (ok value: the array of elements). Ops may carry a `key` (one
/// queue per key). docs/history-conventions.md "queue".
///
/// Anomalies, per element:
/// - `lost`: its enqueue was acknowledged, no ok dequeue or drain returned it, and no indeterminate
///   (info) dequeue or drain exists that could have taken it (an info op may take effect at any time).
/// - `possibly-lost`: the same, but an indeterminate dequeue might have taken it. Each info dequeue takes
///   at most one element, so when there is no info drain and these outnumber the info dequeues, some
///   loss is certain and the verdict is invalid.
/// - `duplicated`: returned by ok dequeues and drains more times than it was enqueued (ok or info).
/// - `unexpected`: returned but never enqueued (or every enqueue of it failed).
/// - `recovered` (not an error): an info enqueue whose element was returned.
/// - `unchecked` (not an error): acknowledged after the last drain began, never returned: undecidable.
/// Unknown when a key with acknowledged enqueues has no ok drain.
///
/// Option `semantics`: `drain` (the above, Faultline's own), or Jepsen's `total-queue` or `queue`
/// (`JepsenQueueAnalysis`); by default Jepsen's total-queue for imported Jepsen histories.
public struct QueueChecker: HistoryChecker, GuardedChecker {
    public let name = "queue"
    let optionError: String?
    let semantics: QueueSemantics?

    public init() {
        optionError = nil
        semantics = nil
    }

    init(options: [String: JSONValue]) {
        var r = OptionReader("queue", options)
        semantics = r.choice("semantics", QueueSemantics.allCases.map(\.rawValue)).flatMap(QueueSemantics.init(rawValue:))
        optionError = r.error
    }

    private struct Element {
        var enqueued = 0  // ok or info enqueues
        var okEnqueue = false
        var ack: Int64 = .max  // earliest ok enqueue completion
        var infoEnqueue = false
        var enqueueOp = -1
        var taken = 0  // times returned by ok dequeues and drains
        var takenOp = -1
        var failedEnqueueOp = -1
    }

    private struct KeyState {
        var elements: [Int: Element] = [:]
        var drains = 0
        var lastDrainInvoke: Int64 = .min  // the latest invocation of an ok drain
        var infoDequeueInvokes: [Int64] = []  // invocation times of info dequeues and drains
        var infoDrains = 0
    }

    public func check(_ history: History) -> Verdict { checkGuarded(history) }

    func run(_ history: History) throws(UnreadableHistory) -> Verdict {
        switch semantics ?? QueueSemantics.automatic(for: history) {
        case .totalQueue: return try JepsenQueueAnalysis.totalQueue(history, name: name)
        case .queue: return try JepsenQueueAnalysis.modelQueue(history, name: name)
        case .drain: return try drained(history)
        }
    }

    private func drained(_ history: History) throws(UnreadableHistory) -> Verdict {
        var keys: [String?: KeyState] = [:]
        var warnings: [String] = []
        func ex(_ i: Int) -> JSONValue { i >= 0 ? history.ops[i].exampleJSON : .null }
        for p in try pairedOps(history, warnings: &warnings) {
            switch p.f {
            case "enqueue":
                let e = try ValueShape.int(p.invoke.value, history, p.invoke)
                var st = keys[p.key, default: KeyState()].elements[e, default: Element()]
                switch p.outcome {
                case .ok:
                    st.enqueued += 1
                    st.okEnqueue = true
                    st.ack = min(st.ack, p.completion!.time)
                    st.enqueueOp = p.completionIndex!
                case .info:
                    st.enqueued += 1
                    st.infoEnqueue = true
                    if st.enqueueOp < 0 { st.enqueueOp = p.completionIndex ?? p.invokeIndex }
                default:
                    st.failedEnqueueOp = p.completionIndex!
                }
                keys[p.key, default: KeyState()].elements[e] = st
            case "dequeue", "drain":
                if p.outcome == .info {
                    keys[p.key, default: KeyState()].infoDequeueInvokes.append(p.invoke.time)
                    if p.f == "drain" { keys[p.key, default: KeyState()].infoDrains += 1 }
                }
                guard p.outcome == .ok, let c = p.completion, let ci = p.completionIndex else { continue }
                let got: [Int]
                if p.f == "drain" {
                    got = try ValueShape.ints(c.value, history, c)
                    keys[p.key, default: KeyState()].drains += 1
                    keys[p.key, default: KeyState()].lastDrainInvoke = max(keys[p.key, default: KeyState()].lastDrainInvoke, p.invoke.time)
                } else {
                    got = c.value.isNull ? [] : [try ValueShape.int(c.value, history, c)]
                }
                for e in got {
                    var st = keys[p.key, default: KeyState()].elements[e, default: Element()]
                    st.taken += 1
                    if st.takenOp < 0 || st.taken == st.enqueued + 1 { st.takenOp = ci }
                    keys[p.key, default: KeyState()].elements[e] = st
                }
            default:
                continue
            }
        }
        var a = Anomalies(names: ["lost", "possibly-lost", "duplicated", "unexpected", "recovered", "unchecked"])
        var missingDrain: [String] = []
        var certainLoss = false
        var taken = 0
        var acked = 0
        for key in keys.keys.sorted(by: { ($0 ?? "") < ($1 ?? "") }) {
            let ks = keys[key]!
            let infoInvokes = ks.infoDequeueInvokes.sorted()
            var possiblyLost = 0
            for e in ks.elements.keys.sorted() {
                let st = ks.elements[e]!
                taken += st.taken
                if st.okEnqueue { acked += 1 }
                if st.taken > 0 && st.enqueued == 0 {
                    a.add("unexpected", ["element": .int(e), "returned_by": ex(st.takenOp), "failed_enqueue": ex(st.failedEnqueueOp)])
                } else if st.taken > st.enqueued {
                    a.add("duplicated", ["element": .int(e), "times": .int(st.taken), "returned_by": ex(st.takenOp)])
                }
                if st.taken > 0 && st.infoEnqueue && !st.okEnqueue {
                    a.add("recovered", ["element": .int(e), "enqueue": ex(st.enqueueOp)])
                }
                if st.okEnqueue && st.taken == 0 && ks.drains > 0 && st.ack >= ks.lastDrainInvoke {
                    a.add("unchecked", ["element": .int(e), "enqueue": ex(st.enqueueOp)])  // acknowledged after the drain began
                } else if st.okEnqueue && st.taken == 0 && ks.drains > 0 {
                    // An info dequeue stays open to the end of the history, so any of them could have taken it.
                    if !infoInvokes.isEmpty {
                        possiblyLost += 1
                        a.add("possibly-lost", ["element": .int(e), "enqueue": ex(st.enqueueOp)])
                    } else {
                        a.add("lost", ["element": .int(e), "enqueue": ex(st.enqueueOp)])
                    }
                }
            }
            if ks.infoDrains == 0 && possiblyLost > infoInvokes.count { certainLoss = true }
            if ks.drains == 0 && ks.elements.values.contains(where: \.okEnqueue) { missingDrain.append(key ?? "(no key)") }
        }
        let invalid = a.count("lost") + a.count("duplicated") + a.count("unexpected") > 0 || certainLoss
        let valid: Validity
        var error: String?
        if invalid {
            valid = .invalid
        } else if keys.values.allSatisfy({ $0.elements.isEmpty }) {
            // Nothing enqueued and only empty dequeues: nothing to judge.
            return .nothingChecked(name, "the history has no enqueue and no non-empty dequeue")
        } else if !missingDrain.isEmpty {
            valid = .unknown
            error = "no ok drain for key \(missingDrain.joined(separator: ", ")): lost elements cannot be decided"
                + " (a Jepsen history? --option semantics=total-queue)"
        } else if a.count("possibly-lost") > 0 {
            valid = .unknown
            error = "\(a.count("possibly-lost")) acknowledged elements were never returned, but indeterminate dequeues may have taken them"
        } else {
            valid = .valid
        }
        var v = a.verdict(name, valid, details: ["keys": .int(keys.count), "acknowledged": .int(acked), "returned": .int(taken), "semantics": "drain"], error: error)
        v.addWarnings(warnings)
        return v
    }
}
