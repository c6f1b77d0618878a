// The `staleness` checker: how many versions behind (k-staleness) and how long behind (t-visibility) register reads were.
import History

/// StalenessChecker measures stale reads of registers (docs/history-conventions.md "register"):
/// `write` ops write a value (unique per key), `cas` ops write `value[1]` when the register held
/// `value[0]`, `read` ops return the value read (null: nothing written yet, or the `initial` option).
///
/// For each ok read R of value v, the write W that v came from is the latest-completing write of v
/// invoked before R completed. Newer writes are the acknowledged writes invoked after W completed and
/// acknowledged before R was invoked: they were certainly ordered after W and visible before R began.
/// - versions behind (k-staleness) = how many such writes there are;
/// - time behind (t-visibility) = R's invocation minus the earliest acknowledgement among them.
/// Both are lower bounds: concurrent writes are never counted against a read.
///
/// Anomalies: `stale-read` (k > 0; not an error by itself), `unexpected` (a value no write could
/// have written, or written only after the read completed: invalid), `beyond-bound` (staler than
/// `max_versions` or `max_seconds`: invalid, so a campaign can expect "stale, but never staler than …").
/// Unknown when there is no ok read.
public struct StalenessChecker: HistoryChecker, GuardedChecker {
    public let name = "staleness"
    let initial: JSONValue
    let maxVersions: Int?
    let maxSeconds: Double?
    let optionError: String?

    public init(initial: JSONValue = .null, maxVersions: Int? = nil, maxSeconds: Double? = nil) {
        self.initial = initial
        self.maxVersions = maxVersions
        self.maxSeconds = maxSeconds
        optionError = nil
    }

    init(options: [String: JSONValue]) {
        var r = OptionReader("staleness", options)
        initial = r.value("initial") ?? .null
        maxVersions = r.int("max_versions")
        maxSeconds = r.double("max_seconds")
        optionError = r.error
    }

    private struct Write {
        var invoke: Int64
        var done: Int64  // .max when indeterminate
        var op: Int
    }

    private struct Read {
        var invoke: Int64
        var done: Int64
        var value: JSONValue
        var op: Int
    }

    public func check(_ history: History) -> Verdict { checkGuarded(history) }

    func run(_ history: History) throws(UnreadableHistory) -> Verdict {
        func ex(_ i: Int) -> JSONValue { i >= 0 ? history.ops[i].exampleJSON : .null }
        var writes: [String?: [JSONValue: [Write]]] = [:]
        var reads: [String?: [Read]] = [:]
        for c in try pairedOps(history) {
            guard c.outcome != .fail else { continue }  // no effect
            let done = c.outcome == .ok ? c.completion!.time : Int64.max
            let op = c.completionIndex ?? c.invokeIndex
            switch c.f {
            case "write":
                writes[c.key, default: [:]][c.invoke.value, default: []].append(Write(invoke: c.invoke.time, done: done, op: op))
            case "cas":
                guard let pair = c.invoke.value.arrayValue, pair.count == 2 else {
                    throw UnreadableHistory(history, c.invoke, field: "value", "expected [expected, new] for a cas, got \(c.invoke.value)")
                }
                writes[c.key, default: [:]][pair[1], default: []].append(Write(invoke: c.invoke.time, done: done, op: op))
            case "read":
                guard c.outcome == .ok else { continue }
                reads[c.key, default: []].append(Read(invoke: c.invoke.time, done: done, value: c.completion!.value, op: op))
            default:
                continue
            }
        }
        var a = Anomalies(names: ["stale-read", "unexpected", "beyond-bound"])
        var versions = Distribution(unit: "versions")
        var lag = Distribution(unit: "ns")
        var staleLag = Distribution(unit: "ns")
        var readCount = 0
        for key in reads.keys.sorted(by: { ($0 ?? "") < ($1 ?? "") }) {
            let byValue = writes[key] ?? [:]
            // Acknowledged writes, by invocation (for ranks and suffix minima) and by acknowledgement.
            let acked = byValue.values.flatMap { $0 }.filter { $0.done != .max }
            let invokes = acked.map(\.invoke).sorted()
            let byAck = acked.sorted { $0.done < $1.done }
            let byInvoke = acked.sorted { $0.invoke < $1.invoke }
            var suffixMinAck = [Int64](repeating: .max, count: byInvoke.count + 1)
            for i in stride(from: byInvoke.count - 1, through: 0, by: -1) { suffixMinAck[i] = min(suffixMinAck[i + 1], byInvoke[i].done) }
            var tree = FenwickTree(count: invokes.count)
            var added = 0
            // Number of acknowledged writes invoked at or before t.
            func rank(_ t: Int64) -> Int {
                var lo = 0
                var hi = invokes.count
                while lo < hi {
                    let m = (lo + hi) / 2
                    if invokes[m] <= t { lo = m + 1 } else { hi = m }
                }
                return lo
            }
            for r in reads[key]!.sorted(by: { $0.invoke < $1.invoke }) {
                readCount += 1
                while added < byAck.count && byAck[added].done < r.invoke {
                    tree.add(rank(byAck[added].invoke) - 1)
                    added += 1
                }
                // The source write: the latest-completing write of this value invoked before the read completed.
                var source: Int64?
                for w in byValue[r.value] ?? [] where w.invoke < r.done { source = max(source ?? .min, w.done) }
                if source == nil && r.value == initial { source = .min }
                guard let src = source else {
                    a.add("unexpected", ["read": ex(r.op)])
                    continue
                }
                if src == .max {  // from an indeterminate write: nothing is certainly newer
                    versions.record(0)
                    lag.record(0)
                    continue
                }
                let before = rank(src)
                let k = added - tree.prefixSum(before)
                let firstNewer = suffixMinAck[before]
                let behind: Int64 = k > 0 && firstNewer < r.invoke ? r.invoke - firstNewer : 0
                versions.record(Int64(k))
                lag.record(behind)
                if k > 0 {
                    staleLag.record(behind)
                    a.add("stale-read", ["versions_behind": .int(k), "seconds_behind": seconds(behind), "read": ex(r.op)])
                }
                let over = (maxVersions.map { k > $0 } ?? false) || (maxSeconds.map { Double(behind) / 1e9 > $0 } ?? false)
                if over { a.add("beyond-bound", ["versions_behind": .int(k), "seconds_behind": seconds(behind), "read": ex(r.op)]) }
            }
        }
        var details: [String: JSONValue] = [
            "reads": .int(readCount), "versions_behind": versions.json, "time_behind": lag.json,
            "time_behind_stale_reads": staleLag.json,
        ]
        details["max_versions"] = maxVersions.map { .int($0) } ?? .null
        details["max_seconds"] = maxSeconds.map { .double($0) } ?? .null
        let valid: Validity
        var error: String?
        if a.count("unexpected") + a.count("beyond-bound") > 0 {
            valid = .invalid
        } else if readCount == 0 {
            valid = .unknown
            error = "the history has no ok read ops"
        } else {
            valid = .valid
        }
        return a.verdict(name, valid, details: details, error: error)
    }
}

/// FenwickTree counts marks by position with O(log n) updates and prefix sums.
struct FenwickTree {
    private var tree: [Int]

    init(count: Int) { tree = [Int](repeating: 0, count: count + 1) }

    /// Adds one mark at 0-based position `i`.
    mutating func add(_ i: Int) {
        var j = i + 1
        while j < tree.count {
            tree[j] += 1
            j += j & -j
        }
    }

    /// Marks at positions 0..<n.
    func prefixSum(_ n: Int) -> Int {
        var s = 0
        var j = n
        while j > 0 {
            s += tree[j]
            j -= j & -j
        }
        return s
    }
}
