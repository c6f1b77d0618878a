// The `set` checker: lost, unexpected, duplicated and recovered elements of a grow-only set, and visibility latency.
import History

/// SetChecker checks a grow-only set workload (Jepsen's set / set-full): `add` ops add one integer
/// element, `read` ops return every element, and `final-read` ops, recorded after the final heal,
/// return every element once the system has settled. Ops may carry a `key`: each key is its own set.
///
/// Anomalies (counted per element; docs/history-conventions.md "set"):
/// - `lost`: an element known to be in the set (its add was acknowledged, or some read returned it)
///   that a final read invoked after it became known does not return.
/// - `unexpected`: an element some read returned that no `add` could have added (never added, or
///   every add of it failed).
/// - `duplicated`: an element that one read returned more than once.
/// - `recovered` (not an error): an add that ended in info (or never completed) whose element was read.
/// - `stable`: read by the last read and every read invoked after some moment; `never-read`: an
///   acknowledged element that no read was invoked after (nothing could have seen it), so neither
///   lost nor stable: it cannot be decided.
/// `details.stable_latency` is the distribution of time from an add's acknowledgement to the
/// invocation of the first read of the run of reads that all return it (0 when it was visible before).
/// Valid when nothing is lost, unexpected or duplicated and every key that has adds has an ok final
/// read; unknown when a key has no ok final read (nothing lost can then be decided), unless invalid.
///
/// Option `semantics` picks the meaning: `final-read` (the above, Faultline's own), or Jepsen's `set`
/// or `set-full` (`JepsenSetAnalysis`); by default Jepsen's for imported Jepsen histories
/// (`SetSemantics.automatic`), Faultline's otherwise. Option `linearizable` (set-full only): stale
/// elements make the verdict invalid, as Jepsen's `:linearizable?`.
public struct SetChecker: HistoryChecker, GuardedChecker {
    public let name = "set"
    let optionError: String?
    let semantics: SetSemantics?
    let linearizable: Bool

    public init() {
        optionError = nil
        semantics = nil
        linearizable = false
    }

    init(options: [String: JSONValue]) {
        var r = OptionReader("set", options)
        semantics = r.choice("semantics", SetSemantics.allCases.map(\.rawValue)).flatMap(SetSemantics.init(rawValue:))
        linearizable = r.bool("linearizable") ?? false
        optionError = r.error
    }

    private struct Element {
        var addOutcome: Op.Kind?  // best outcome over its adds: ok beats info beats fail
        var ackTime: Int64 = .max  // earliest ok completion of an add
        var addOp = -1  // history position of its best add's completion (or invocation)
        var firstSeen: Int64 = .max  // earliest completion of a read returning it
        var lastRead = -1  // position (in invoke order) of the last read returning it
        var runStart = -1  // first read position of the current run of consecutive reads returning it
        var seenOp = -1  // history position of the first read returning it
        var duplicated = false
    }

    private struct Read {
        var invoke: Int64
        var elements: [Int]
        var op: Int  // history position of the ok completion
        var time: Int64  // its completion time
        var isFinal: Bool
    }

    private struct KeyState {
        var elements: [Int: Element] = [:]
        var reads: [Read] = []
    }

    public func check(_ history: History) -> Verdict { checkGuarded(history) }

    func run(_ history: History) throws(UnreadableHistory) -> Verdict {
        switch semantics ?? SetSemantics.automatic(for: history) {
        case .set: return try JepsenSetAnalysis.set(history, name: name)
        case .setFull: return try JepsenSetAnalysis.setFull(history, name: name, linearizable: linearizable)
        case .finalRead: return try finalReads(history)
        }
    }

    private func finalReads(_ history: History) throws(UnreadableHistory) -> Verdict {
        if !history.ops.contains(where: { !$0.process.isNemesis }) { return .nothingChecked(name, "the history has no client ops") }
        var warnings: [String] = []
        var keys: [String?: KeyState] = [:]
        for p in try pairedOps(history, warnings: &warnings) {
            switch p.f {
            case "add":
                let e = try ValueShape.int(p.invoke.value, history, p.invoke)
                var st = keys[p.key, default: KeyState()].elements[e, default: Element()]
                let outcome = p.outcome
                if st.addOutcome == nil || outcome == .ok || (outcome == .info && st.addOutcome == .fail) {
                    st.addOutcome = outcome
                    st.addOp = p.completionIndex ?? p.invokeIndex
                }
                if outcome == .ok, let c = p.completion { st.ackTime = min(st.ackTime, c.time) }
                keys[p.key, default: KeyState()].elements[e] = st
            case "read", "final-read":
                // Safety: only ok reads say what the set held; fail and info reads tell nothing.
                guard p.outcome == .ok, let c = p.completion else { continue }
                let els = try ValueShape.ints(c.value, history, c)
                keys[p.key, default: KeyState()].reads.append(Read(invoke: p.invoke.time, elements: els, op: p.completionIndex!, time: c.time, isFinal: p.f == "final-read"))
            default:
                continue
            }
        }
        var a = Anomalies(names: ["lost", "unexpected", "duplicated", "recovered", "never-read"])
        var latency = Distribution(unit: "ns")
        var missingFinal: [String] = []
        var finalReads = 0
        var elementsTotal = 0
        var stable = 0
        func ex(_ i: Int) -> JSONValue { i >= 0 ? history.ops[i].exampleJSON : .null }
        for key in keys.keys.sorted(by: { ($0 ?? "") < ($1 ?? "") }) {
            var ks = keys[key]!
            ks.reads.sort { $0.invoke < $1.invoke }
            // Walk reads in invoke order, tracking each element's run of consecutive reads returning it.
            for (j, r) in ks.reads.enumerated() {
                var seen = Set<Int>(minimumCapacity: r.elements.count)
                for e in r.elements {
                    var st = ks.elements[e, default: Element()]
                    if !seen.insert(e).inserted {
                        if !st.duplicated {
                            st.duplicated = true
                            a.add("duplicated", ["element": .int(e), "read": ex(r.op)])
                        }
                        ks.elements[e] = st
                        continue
                    }
                    if st.lastRead != j - 1 || st.runStart < 0 { st.runStart = j }
                    st.lastRead = j
                    if r.time < st.firstSeen {
                        st.firstSeen = r.time
                        st.seenOp = r.op
                    }
                    ks.elements[e] = st
                }
            }
            let finals = ks.reads.filter(\.isFinal)
            let finalSets = finals.map { Set($0.elements) }
            finalReads += finals.count
            let hasAdds = ks.elements.values.contains { $0.addOutcome != nil }
            if finals.isEmpty && hasAdds { missingFinal.append(key ?? "(no key)") }
            elementsTotal += ks.elements.count
            for e in ks.elements.keys.sorted() {
                let st = ks.elements[e]!
                let wasRead = st.lastRead >= 0
                let mayBeAdded = st.addOutcome == .ok || st.addOutcome == .info
                if wasRead && !mayBeAdded {
                    a.add("unexpected", ["element": .int(e), "read": ex(st.seenOp), "add": ex(st.addOp)])
                }
                if wasRead && st.addOutcome == .info {
                    a.add("recovered", ["element": .int(e), "add": ex(st.addOp)])
                }
                // Known from the ack or from the first read that returned it, whichever came first.
                let known = min(st.ackTime, st.firstSeen)
                guard known != .max else { continue }  // a failed or indeterminate add never read
                var lostIn: Int?
                var checkedByFinal = false
                for (fi, f) in finals.enumerated() where f.invoke > known {
                    checkedByFinal = true
                    if !finalSets[fi].contains(e) {
                        lostIn = f.op
                        break
                    }
                }
                if let lostIn {
                    a.add("lost", ["element": .int(e), "add": ex(st.addOp), "final_read": ex(lostIn)])
                } else if wasRead && st.lastRead == ks.reads.count - 1 {
                    stable += 1
                    if st.ackTime != .max { latency.record(ks.reads[st.runStart].invoke - st.ackTime) }
                } else if !wasRead && !checkedByFinal {
                    // Acknowledged but no final read began after its ack (it may have been added after the
                    // final read, or there is none): whether it survived cannot be decided.
                    a.add("never-read", ["element": .int(e), "add": ex(st.addOp)])
                }
            }
        }
        a.set("stable", stable)
        let invalid = a.count("lost") + a.count("unexpected") + a.count("duplicated") > 0
        var error: String?
        let valid: Validity
        if invalid {
            valid = .invalid
        } else if keys.isEmpty {
            valid = .unknown
            error = "the history has no add or read ops"
        } else if !missingFinal.isEmpty {
            valid = .unknown
            error = "no ok final-read for key \(missingFinal.joined(separator: ", ")): lost elements cannot be decided"
                + " (a Jepsen history? --option semantics=set or set-full)"
        } else {
            valid = .valid
        }
        let details: [String: JSONValue] = [
            "stable_latency": latency.json, "keys": .int(keys.count), "final_reads": .int(finalReads),
            "elements": .int(elementsTotal),
        ]
        var v = a.verdict(name, valid, details: details, error: error)
        v.details["semantics"] = "final-read"
        v.addWarnings(warnings)
        return v
    }
}
