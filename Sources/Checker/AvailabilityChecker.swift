// The `availability` checker: ok ratio per window, longest outage per function, recovery after heals, failures in/out of faults.
import History

/// AvailabilityChecker measures how available the system was, from every client op including fail and
/// info ones (which safety checkers ignore), against the fault windows of the nemesis ops.
///
/// Details: `windows` (ok/fail/info per `window_seconds` window, default 1 s, by completion time, with
/// `fault` marking windows that overlap a fault), `longest_gap` per function (the longest interval with no
/// ok completion, from the function's first op to its last), `recovery` (for each fault end, stop-X or
/// heal, the time to the first ok op after it), `outcomes` inside vs outside fault windows (by invocation).
/// Counts: `fail`, `info` and their `-in-fault` / `-outside-fault` splits, `unavailable-windows`
/// (windows with ops but no ok), `no-recovery` (fault ends followed by no ok op at all).
/// Valid unless a bound is given and broken: `min_ok_ratio` (ok share of ops invoked outside fault
/// windows) or `max_gap_seconds` (longest gap of any function). Unknown when there is no client op.
public struct AvailabilityChecker: HistoryChecker {
    public let name = "availability"
    let windowSeconds: Double
    let minOkRatio: Double?
    let maxGapSeconds: Double?
    let optionError: String?

    public init(windowSeconds: Double = 1, minOkRatio: Double? = nil, maxGapSeconds: Double? = nil) {
        self.windowSeconds = windowSeconds
        self.minOkRatio = minOkRatio
        self.maxGapSeconds = maxGapSeconds
        optionError = windowSeconds > 0 ? nil : "checker availability: window_seconds must be positive"
    }

    init(options: [String: JSONValue]) {
        var r = OptionReader("availability", options)
        windowSeconds = r.double("window_seconds") ?? 1
        minOkRatio = r.double("min_ok_ratio")
        maxGapSeconds = r.double("max_gap_seconds")
        optionError = r.error ?? (windowSeconds > 0 ? nil : "checker availability: option 'window_seconds' must be positive")
    }

    public func check(_ history: History) -> Verdict {
        if let optionError { return .unreadable(name, optionError) }
        let pairs: [CompletedOp]
        do { pairs = try pairedOps(history) } catch let e { return .unreadable(name, e.description) }
        guard let first = pairs.first else { return .unreadable(name, "the history has no client ops") }
        func ex(_ i: Int) -> JSONValue { history.ops[i].exampleJSON }
        let faults = FaultTimeline(history)
        let start = first.invoke.time
        let end = history.ops.map(\.time).max() ?? start
        var tally = WindowTally(width: Int64(saturating: windowSeconds * 1e9))
        var a = Anomalies(names: [
            "fail", "info", "fail-in-fault", "fail-outside-fault", "info-in-fault", "info-outside-fault",
            "unavailable-windows", "no-recovery",
        ])
        var okTimes: [String: [Int64]] = [:]
        var firstInvoke: [String: Int64] = [:]
        var lastSeen: [String: Int64] = [:]
        var allOk: [Int64] = []
        var inside = (ok: 0, fail: 0, info: 0)
        var outside = (ok: 0, fail: 0, info: 0)
        for p in pairs {
            if firstInvoke[p.f] == nil { firstInvoke[p.f] = p.invoke.time }
            lastSeen[p.f] = max(lastSeen[p.f] ?? .min, p.completion?.time ?? p.invoke.time)
            let inFault = faults.contains(p.invoke.time)
            let where_ = inFault ? "in-fault" : "outside-fault"
            switch p.outcome {
            case .ok:
                let t = p.completion!.time
                okTimes[p.f, default: []].append(t)
                allOk.append(t)
                if inFault { inside.ok += 1 } else { outside.ok += 1 }
            case .fail:
                a.add("fail", ex(p.completionIndex!))
                a.add("fail-" + where_, ex(p.completionIndex!))
                if inFault { inside.fail += 1 } else { outside.fail += 1 }
            default:
                let i = p.completionIndex ?? p.invokeIndex
                a.add("info", ex(i))
                a.add("info-" + where_, ex(i))
                if inFault { inside.info += 1 } else { outside.info += 1 }
            }
            if let c = p.completion { tally.add(c.time, p.outcome) }
        }
        for w in 0..<tally.count where tally.ok[w] == 0 && tally.fail[w] + tally.info[w] > 0 {
            a.add("unavailable-windows", ["start": seconds(Int64(w) * tally.width)])
        }
        // Longest interval with no ok completion, per function, from its first invocation to its last op
        // (not to the end of the history: after a workload stops asking, e.g. during a pipeline's drain
        // and final reads, nobody was refused anything; counting that time made a 5 s broker kill an 18 s gap).
        var gaps: [String: JSONValue] = [:]
        var worstGap: Int64 = 0
        for (f, t0) in firstInvoke {
            let ts = (okTimes[f] ?? []).sorted()
            var prev = t0
            var best: (Int64, Int64) = (t0, t0)
            for t in ts + [lastSeen[f] ?? end] {
                if t - prev > best.1 - best.0 { best = (prev, t) }
                prev = max(prev, t)
            }
            worstGap = max(worstGap, best.1 - best.0)
            gaps[f] = ["seconds": seconds(best.1 - best.0), "from": .int(Int(best.0)), "to": .int(Int(best.1)), "ok": .int(ts.count)]
        }
        // Time from each fault end to the first ok completion after it.
        allOk.sort()
        var recovery: [JSONValue] = []
        var recoveryDist = Distribution(unit: "ns")
        var slowest: Int64?
        for h in faults.heals {
            var lo = 0
            var hi = allOk.count
            while lo < hi {
                let m = (lo + hi) / 2
                if allOk[m] <= h.time { lo = m + 1 } else { hi = m }
            }
            if lo < allOk.count {
                recoveryDist.record(allOk[lo] - h.time)
                slowest = max(slowest ?? 0, allOk[lo] - h.time)
                recovery.append(["f": .string(h.f), "at": .int(Int(h.time)), "seconds_to_first_ok": seconds(allOk[lo] - h.time)])
            } else {
                a.add("no-recovery", ex(h.index))
                recovery.append(["f": .string(h.f), "at": .int(Int(h.time)), "seconds_to_first_ok": .null])
            }
        }
        func outcomes(_ o: (ok: Int, fail: Int, info: Int)) -> JSONValue {
            let total = o.ok + o.fail + o.info
            return ["ok": .int(o.ok), "fail": .int(o.fail), "info": .int(o.info), "ok_ratio": total == 0 ? .null : .double(Double(o.ok) / Double(total))]
        }
        let outsideTotal = outside.ok + outside.fail + outside.info
        let outsideRatio = outsideTotal == 0 ? 1 : Double(outside.ok) / Double(outsideTotal)
        let details: [String: JSONValue] = [
            "window_seconds": .double(windowSeconds), "windows": tally.json(faults: faults), "longest_gap": .object(gaps),
            "recovery": .array(recovery), "recovery_ns": recoveryDist.json,
            "outcomes": ["in_fault": outcomes(inside), "outside_fault": outcomes(outside)], "faults": faults.json,
        ]
        var broken: [String] = []
        if let m = minOkRatio, outsideRatio < m { broken.append("ok ratio outside faults \(outsideRatio) is below min_ok_ratio \(m)") }
        if let g = maxGapSeconds, Double(worstGap) / 1e9 > g { broken.append("longest gap \(Double(worstGap) / 1e9) s exceeds max_gap_seconds \(g)") }
        let summary = AvailabilitySummary(
            inFault: OutcomeCounts(ok: inside.ok, fail: inside.fail, info: inside.info),
            outsideFault: OutcomeCounts(ok: outside.ok, fail: outside.fail, info: outside.info),
            longestGapSeconds: firstInvoke.isEmpty ? nil : Double(worstGap) / 1e9, slowestRecoverySeconds: slowest.map { Double($0) / 1e9 },
            noRecovery: a.count("no-recovery"), timeline: OutcomeTimeline(tally, faults: faults))
        var v = a.verdict(name, broken.isEmpty ? .valid : .invalid, details: details, error: broken.isEmpty ? nil : broken.joined(separator: "; "))
        v.summary = VerdictSummary(availability: summary)
        return v
    }
}
