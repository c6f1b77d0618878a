// The `log` checker (Kafka-like): lost, duplicated, reordered, skipped and rolled-back entries of an offset log.
import History

/// LogChecker checks a log workload: `produce` appends one integer value to a partition (the op's
/// `key`; ok value `{"value": v, "offset": o}`), `poll` returns the next entries for one consumer (the
/// op's process; ok value `[[offset, value], …]` in the order received), and `drain`, recorded after the
/// final heal, returns a partition's whole log from its first offset (same shape).
/// docs/history-conventions.md "log".
///
/// Anomalies:
/// - `lost`: an acknowledged produce whose value no ok drain invoked after its ack contains.
/// - `duplicated`: a value found at two or more offsets of one partition (in polls, drains or acks).
/// - `unexpected`: a value read that no produce (ok or info) sent.
/// - `inconsistent-offset`: one offset seen holding two different values (reads or acks disagree).
/// - `out-of-order`: a poll or drain whose offsets do not strictly increase.
/// - `skipped-in-poll`: a gap between consecutive offsets of one poll over an offset that some read
///   shows holds an entry; `skipped-between-polls`: the same between a consumer's consecutive polls.
/// - `non-monotonic-poll`: a consumer's poll starting at or before the last offset of its previous poll.
/// - `rolled-back`: an entry a poll returned that the final drain no longer holds at that offset
///   (the log was truncated after the read).
/// Unknown when a partition with acknowledged produces has no ok drain.
///
/// Jepsen's Kafka workload histories (`:send`, `:poll`, `:txn`, `:assign`, `:subscribe`) are checked
/// with Jepsen's analysis and anomaly names instead (`KafkaAnalysis`), picked by content or with
/// option `semantics` (`kafka` or `produce`); options `ww_deps`, `subscribe` (Jepsen's), `rw_deps`.
public struct LogChecker: HistoryChecker, GuardedChecker {
    public let name = "log"
    let optionError: String?
    let semantics: String?
    let kafka: KafkaOptions

    public init() {
        optionError = nil
        semantics = nil
        kafka = KafkaOptions()
    }

    init(options: [String: JSONValue]) {
        var r = OptionReader("log", options)
        semantics = r.choice("semantics", ["kafka", "produce"])
        var k = KafkaOptions()
        k.wwDeps = r.bool("ww_deps") ?? false
        k.subscribe = r.bool("subscribe") ?? false
        k.rwDeps = r.bool("rw_deps") ?? false
        kafka = k
        optionError = r.error
    }

    private struct Partition {
        var offsetValue: [Int: Int] = [:]  // first value seen at each offset
        var conflicted: Set<Int> = []
        var valueOffset: [Int: Int] = [:]  // first offset seen for each value
        var duplicated: Set<Int> = []
        var produced: [Int: (ok: Bool, op: Int, ack: Int64)] = [:]  // value -> best produce
        // Reads are parsed again from the history when needed rather than kept: polls are most of a history.
        var reads: [(op: Int, final: Bool, invoke: Int64, process: ProcessID)] = []
    }

    public func check(_ history: History) -> Verdict { checkGuarded(history) }

    private static func entries(_ v: JSONValue, _ history: History, _ op: Op) throws(UnreadableHistory) -> [(Int, Int)] {
        if v.isNull { return [] }
        guard let a = v.arrayValue else { throw UnreadableHistory(history, op, field: "value", "expected [[offset, value], …], got \(v)") }
        var out: [(Int, Int)] = []
        out.reserveCapacity(a.count)
        for x in a {
            guard let pair = x.arrayValue, pair.count == 2 else {
                throw UnreadableHistory(history, op, field: "value", "expected an [offset, value] pair, got \(x)")
            }
            out.append((try ValueShape.int(pair[0], history, op), try ValueShape.int(pair[1], history, op)))
        }
        return out
    }

    func run(_ history: History) throws(UnreadableHistory) -> Verdict {
        if !history.ops.contains(where: { !$0.process.isNemesis }) { return .nothingChecked(name, "the history has no client ops") }
        if semantics == "kafka" || (semantics == nil && KafkaHistory.looksLikeKafka(history)) {
            var analysis = try KafkaAnalysis(history, options: kafka)
            return analysis.run()
        }
        var parts: [String?: Partition] = [:]
        var a = Anomalies(names: [
            "lost", "duplicated", "unexpected", "inconsistent-offset", "out-of-order", "skipped-in-poll",
            "skipped-between-polls", "non-monotonic-poll", "rolled-back",
        ])
        func ex(_ i: Int) -> JSONValue { i >= 0 ? history.ops[i].exampleJSON : .null }
        // Records that `value` sits at `offset`, flagging disagreements and values at two offsets.
        func place(_ p: inout Partition, _ offset: Int, _ value: Int, _ op: Int) {
            if let v = p.offsetValue[offset] {
                if v != value, p.conflicted.insert(offset).inserted {
                    a.add("inconsistent-offset", ["offset": .int(offset), "values": [.int(v), .int(value)], "op": ex(op)])
                }
            } else {
                p.offsetValue[offset] = value
            }
            if let o = p.valueOffset[value] {
                if o != offset, p.duplicated.insert(value).inserted {
                    a.add("duplicated", ["value": .int(value), "offsets": [.int(o), .int(offset)], "op": ex(op)])
                }
            } else {
                p.valueOffset[value] = offset
            }
        }
        // Strict pairing: a process reused after info would be a new consumer, and per-consumer
        // monotonicity would then compare two consumers.
        for c in try pairedOps(history) {
            switch c.f {
            case "produce":
                let v = try ValueShape.int(c.invoke.value, history, c.invoke)
                guard c.outcome != .fail else { continue }
                let ok = c.outcome == .ok
                if ok, let done = c.completion {
                    let o = try ValueShape.object(done.value, history, done)
                    guard let off = o["offset"] else { throw UnreadableHistory(history, done, field: "value.offset", "missing") }
                    place(&parts[c.key, default: Partition()], try ValueShape.int(off, history, done, field: "value.offset"), v, c.completionIndex!)
                }
                // Keep the acknowledged produce of a value over an indeterminate one.
                if !(parts[c.key]?.produced[v].map { $0.ok || !ok } ?? false) {
                    parts[c.key, default: Partition()].produced[v] = (ok, c.completionIndex ?? c.invokeIndex, c.completion?.time ?? .max)
                }
            case "poll", "drain":
                guard c.outcome == .ok, let done = c.completion else { continue }
                let es = try LogChecker.entries(done.value, history, done)
                for (o, v) in es { place(&parts[c.key, default: Partition()], o, v, c.completionIndex!) }
                parts[c.key, default: Partition()].reads.append((c.completionIndex!, c.f == "drain", c.invoke.time, c.process))
            default:
                continue
            }
        }
        var missingDrain: [String] = []
        for key in parts.keys.sorted(by: { ($0 ?? "") < ($1 ?? "") }) {
            let p = parts[key]!
            // Already parsed once without error, so parsing again cannot fail.
            func entries(_ r: (op: Int, final: Bool, invoke: Int64, process: ProcessID)) -> [(Int, Int)] {
                (try? LogChecker.entries(history.ops[r.op].value, history, history.ops[r.op])) ?? []
            }
            let known = p.offsetValue.keys.sorted()
            // Whether some read shows an entry at an offset strictly between lo and hi.
            func entryBetween(_ lo: Int, _ hi: Int) -> Int? {
                var l = 0
                var h = known.count
                while l < h {
                    let m = (l + h) / 2
                    if known[m] <= lo { l = m + 1 } else { h = m }
                }
                return l < known.count && known[l] < hi ? known[l] : nil
            }
            var lastOffset: [ProcessID: Int] = [:]
            for r in p.reads {
                var prev: Int?
                var reported = false
                let rEntries = entries(r)
                for (o, _) in rEntries {
                    if let pr = prev {
                        if o <= pr, !reported {
                            reported = true
                            a.add("out-of-order", ["offsets": [.int(pr), .int(o)], "op": ex(r.op)])
                        } else if o > pr + 1, let s = entryBetween(pr, o), !r.final {
                            a.add("skipped-in-poll", ["from": .int(pr), "to": .int(o), "skipped": .int(s), "op": ex(r.op)])
                        }
                    }
                    prev = o
                }
                guard !r.final, let first = rEntries.first?.0, let last = rEntries.last?.0 else { continue }
                if let before = lastOffset[r.process] {
                    if first <= before {
                        a.add("non-monotonic-poll", ["previous_last": .int(before), "first": .int(first), "op": ex(r.op)])
                    } else if first > before + 1, let s = entryBetween(before, first) {
                        a.add("skipped-between-polls", ["previous_last": .int(before), "first": .int(first), "skipped": .int(s), "op": ex(r.op)])
                    }
                }
                lastOffset[r.process] = max(last, lastOffset[r.process] ?? Int.min)
            }
            // The final log: the union of ok drains, each the partition from its first offset on.
            let drains = p.reads.filter(\.final)
            var finalLog: [Int: Int] = [:]
            var finalValues = Set<Int>()
            var firstFinal = Int.max
            for d in drains {
                let es = entries(d)
                for (o, v) in es {
                    finalLog[o] = v
                    finalValues.insert(v)
                }
                firstFinal = min(firstFinal, es.first?.0 ?? Int.max)
            }
            let lastDrainInvoke = drains.map(\.invoke).max() ?? .min
            for v in p.produced.keys.sorted() {
                let pr = p.produced[v]!
                if pr.ok && !drains.isEmpty && pr.ack < lastDrainInvoke && !finalValues.contains(v) {
                    a.add("lost", ["value": .int(v), "produce": ex(pr.op)])
                }
            }
            for (v, o) in p.valueOffset.sorted(by: { $0.key < $1.key }) where p.produced[v] == nil {
                a.add("unexpected", ["value": .int(v), "offset": .int(o)])
            }
            if !drains.isEmpty {
                var rolled = Set<Int>()
                for r in p.reads where !r.final && r.invoke < lastDrainInvoke {
                    for (o, v) in entries(r) where o >= firstFinal && finalLog[o] != v && rolled.insert(o).inserted {
                        a.add("rolled-back", ["offset": .int(o), "value": .int(v), "final": finalLog[o].map { .int($0) } ?? .null, "poll": ex(r.op)])
                    }
                }
            } else if p.produced.values.contains(where: \.ok) {
                missingDrain.append(key ?? "(no key)")
            }
        }
        let invalid = a.counts.values.reduce(0, +) > 0
        let valid: Validity
        var error: String?
        if invalid {
            valid = .invalid
        } else if parts.isEmpty {
            valid = .unknown
            error = "the history has no produce, poll or drain ops"
        } else if !missingDrain.isEmpty {
            valid = .unknown
            error = "no ok drain for partition \(missingDrain.joined(separator: ", ")): lost entries cannot be decided"
        } else {
            valid = .valid
        }
        return a.verdict(name, valid, details: ["partitions": .int(parts.count), "semantics": "produce"], error: error)
    }
}
