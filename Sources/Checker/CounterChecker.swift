// The `counter` checker (Jepsen's checker/counter): every read lies between the ok adds and the possible adds.
import History

/// CounterChecker checks a grow-only counter, per key: `add` ops add a non-negative integer, `read`
/// ops return the counter (starting at 0). Walking the history in order, as Jepsen does: the lower
/// bound grows by each ok add at its completion, the upper bound by each add that did not fail at
/// its invocation (ok, info, or never completed). A read must return a value between the lower bound
/// when it was invoked and the upper bound when it completed.
///
/// Counts: `reads`, `out-of-bounds` (examples: `{"lower", "value", "upper", "read"}`). Valid unless a
/// read is out of bounds; an empty history is valid with a note.
public struct CounterChecker: HistoryChecker, GuardedChecker {
    public let name = "counter"
    let optionError: String?

    public init() { optionError = nil }

    init(options: [String: JSONValue]) { optionError = OptionReader("counter", options).error }

    public func check(_ history: History) -> Verdict { checkGuarded(history) }

    func run(_ history: History) throws(UnreadableHistory) -> Verdict {
        var warnings: [String] = []
        let pairs = try pairedOps(history, warnings: &warnings)
        // For each invocation: how its op ended (nil: never completed).
        var outcome = [Op.Kind?](repeating: nil, count: history.ops.count)
        var completionValue = [Int: JSONValue]()
        for p in pairs {
            if let c = p.completion {
                outcome[p.invokeIndex] = c.type
                if c.type == .ok && p.f == "read" { completionValue[p.invokeIndex] = c.value }
            }
        }
        var invokeOf = [Int](repeating: -1, count: history.ops.count)
        for p in pairs { if let c = p.completionIndex { invokeOf[c] = p.invokeIndex } }

        struct Bounds {
            var lower = 0
            var upper = 0
        }
        var bounds: [String?: Bounds] = [:]
        var pendingLower: [Int: Int] = [:]  // read invocation -> lower bound then
        var a = Anomalies(names: ["out-of-bounds"])
        var reads = 0
        var adds = 0
        func addValue(_ op: Op) throws(UnreadableHistory) -> Int {
            let n = try ValueShape.int(op.value, history, op)
            guard n >= 0 else { throw UnreadableHistory(history, op, field: "value", "a counter add must be non-negative, got \(n)") }
            return n
        }
        for (i, op) in history.ops.enumerated() where !op.process.isNemesis {
            switch (op.type, op.f) {
            case (.invoke, "read"):
                if outcome[i] == .ok { pendingLower[i] = bounds[op.key, default: Bounds()].lower }
            case (.ok, "read"):
                let inv = invokeOf[i]
                guard inv >= 0, let lower = pendingLower.removeValue(forKey: inv) else { continue }
                let upper = bounds[op.key, default: Bounds()].upper
                let v = try ValueShape.int(op.value, history, op)
                reads += 1
                if v < lower || v > upper {
                    a.add("out-of-bounds", ["lower": .int(lower), "value": .int(v), "upper": .int(upper), "read": op.exampleJSON])
                }
            case (.invoke, "add"):
                let n = try addValue(op)
                adds += 1
                if outcome[i] != .fail { bounds[op.key, default: Bounds()].upper += n }
            case (.ok, "add"):
                bounds[op.key, default: Bounds()].lower += try addValue(op)
            default: continue
            }
        }
        a.set("reads", reads)
        var v: Verdict
        if reads + adds == 0 {
            v = .nothingChecked(name, "the history has no add or read ops")
        } else {
            v = a.verdict(name, a.count("out-of-bounds") > 0 ? .invalid : .valid, details: ["keys": .int(bounds.count)])
        }
        v.addWarnings(warnings)
        return v
    }
}
