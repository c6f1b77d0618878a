// The `perf` checker: latency percentiles per function and outcome, throughput per window, fault windows marked.
import History

/// PerfChecker summarises performance: latency distributions (p50, p90, p99, max, log buckets; ns) per
/// function and outcome (`details.latency[f][ok|fail|info]`, info ops that never completed have none),
/// all ops together (`latency_all`), throughput per `window_seconds` window (`windows`, completions per
/// outcome, `fault` marking windows that overlap a fault) and the fault windows themselves (`faults`).
/// Always valid, unknown when there is no client op: performance is reported, never judged here.
public struct PerfChecker: HistoryChecker {
    public let name = "perf"
    let windowSeconds: Double
    let optionError: String?

    public init(windowSeconds: Double = 1) {
        self.windowSeconds = windowSeconds
        optionError = windowSeconds > 0 ? nil : "checker perf: window_seconds must be positive"
    }

    init(options: [String: JSONValue]) {
        var r = OptionReader("perf", options)
        windowSeconds = r.double("window_seconds") ?? 1
        optionError = r.error ?? (windowSeconds > 0 ? nil : "checker perf: option 'window_seconds' must be positive")
    }

    public func check(_ history: History) -> Verdict {
        if let optionError { return .unreadable(name, optionError) }
        let pairs: [CompletedOp]
        do { pairs = try pairedOps(history) } catch let e { return .unreadable(name, e.description) }
        guard !pairs.isEmpty else { return .unreadable(name, "the history has no client ops") }
        let faults = FaultTimeline(history)
        var tally = WindowTally(width: Int64(saturating: windowSeconds * 1e9))
        var byF: [String: [Op.Kind: Distribution]] = [:]
        var all = Distribution(unit: "ns")
        var counts: [String: Int] = ["ops": pairs.count, "ok": 0, "fail": 0, "info": 0]
        for p in pairs {
            counts[p.outcome.rawValue, default: 0] += 1
            guard let lat = p.latency, let c = p.completion else { continue }
            byF[p.f, default: [:]][p.outcome, default: Distribution(unit: "ns")].record(lat)
            all.record(lat)
            tally.add(c.time, p.outcome)
        }
        var latency: [String: JSONValue] = [:]
        for (f, m) in byF {
            var o: [String: JSONValue] = [:]
            for (k, d) in m { o[k.rawValue] = d.json }
            latency[f] = .object(o)
        }
        let first = pairs.first!.invoke.time
        let last = history.ops.map(\.time).max() ?? first
        let span = Double(max(1, last - first)) / 1e9
        let details: [String: JSONValue] = [
            "latency": .object(latency), "latency_all": all.json, "window_seconds": .double(windowSeconds),
            "windows": tally.json(faults: faults), "faults": faults.json,
            "throughput_ok_per_second": .double(Double(counts["ok"]!) / span),
        ]
        let summary = PerfSummary(
            outcomes: OutcomeCounts(ok: counts["ok"] ?? 0, fail: counts["fail"] ?? 0, info: counts["info"] ?? 0),
            p50Ms: all.count == 0 ? nil : Double(all.percentile(50)) / 1e6, p99Ms: all.count == 0 ? nil : Double(all.percentile(99)) / 1e6,
            timeline: OutcomeTimeline(tally, faults: faults))
        return Verdict(checker: name, valid: .valid, counts: counts, details: details, summary: VerdictSummary(perf: summary))
    }
}
