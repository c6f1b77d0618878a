// RunMetrics: the figures a comparison page and a campaign's expectations read from one run's verdicts.
import Checker
import History

/// RunMetrics condenses results.json into what AP-vs-CP comparisons are about: anomalies found, lost and
/// stale counts, availability, longest gap without success, recovery time, latency percentiles.
/// Every figure is nil when no checker of the run measures it (e.g. `lost` for a register workload).
public struct RunMetrics: Sendable, Equatable {
    /// Checkers whose verdict is invalid, with their non-zero counts ("linearizable: non_linearizable_ops=1").
    public var anomalies: [String] = []
    /// Acknowledged writes or events lost (set, queue, log, pipeline: counts named lost…).
    public var lost: Int?
    /// Stale reads (staleness `stale-read`) and stale answers (pipeline `stale-answer`).
    public var stale: Int?
    /// Share of client ops that succeeded (ok / all), over the whole run.
    public var okRatio: Double?
    /// The longest time any function went without an ok completion, in seconds.
    public var longestGap: Double?
    /// The slowest recovery: time from a fault's end to the first ok op, in seconds; nil if not measured.
    public var recovery: Double?
    /// Fault ends after which no op ever succeeded.
    public var noRecovery: Int = 0
    /// Latency percentiles of all completed ops, in milliseconds.
    public var p50: Double?
    public var p99: Double?

    public init(results: CheckerResults?) {
        guard let results else { return }
        for v in results.verdicts {
            if v.valid == .invalid {
                let c = v.counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                anomalies.append(v.checker + (c.isEmpty ? "" : ": " + c.joined(separator: " ")))
            }
            for (k, n) in v.counts where k == "lost" || k.hasPrefix("lost-") || k.hasPrefix("lost_") {
                lost = (lost ?? 0) + n
            }
            for (k, n) in v.counts where k == "stale-read" || k == "stale-answer" { stale = (stale ?? 0) + n }
        }
        if let a = results.verdicts.first(where: { $0.checker == "availability" }) {
            if let o = a.details["outcomes"] {
                var ok = 0, all = 0
                for side in ["in_fault", "outside_fault"] {
                    let s = o[side]
                    let k = s?["ok"]?.intValue ?? 0
                    ok += k
                    all += k + (s?["fail"]?.intValue ?? 0) + (s?["info"]?.intValue ?? 0)
                }
                if all > 0 { okRatio = Double(ok) / Double(all) }
            }
            if let gaps = a.details["longest_gap"]?.objectValue {
                longestGap = gaps.values.compactMap { $0["seconds"]?.doubleValue }.max()
            }
            if let rec = a.details["recovery"]?.arrayValue {
                recovery = rec.compactMap { $0["seconds_to_first_ok"]?.doubleValue }.max()
            }
            noRecovery = a.counts["no-recovery"] ?? 0
        }
        if let p = results.verdicts.first(where: { $0.checker == "perf" }) {
            if okRatio == nil, let ops = p.counts["ops"], ops > 0, let ok = p.counts["ok"] {
                okRatio = Double(ok) / Double(ops)
            }
            p50 = p.details["latency_all"]?["p50"]?.doubleValue.map { $0 / 1e6 }
            p99 = p.details["latency_all"]?["p99"]?.doubleValue.map { $0 / 1e6 }
        }
    }

    /// The figure a campaign expectation `<checker>.<name>` reads: the verdict's count `name` if it has
    /// one, else a derived figure (see docs/campaigns.md): availability.ok_ratio, availability.longest_gap,
    /// availability.recovery, perf.p50_ms, perf.p99_ms, or a numeric top-level detail of that checker.
    public static func value(_ results: CheckerResults, checker: String, name: String) -> Double? {
        guard let v = results.verdicts.first(where: { $0.checker == checker }) else { return nil }
        if let n = v.counts[name] { return Double(n) }
        let m = RunMetrics(results: results)
        switch (checker, name) {
        case ("availability", "ok_ratio"): return m.okRatio
        case ("availability", "longest_gap"): return m.longestGap
        case ("availability", "recovery"): return m.recovery
        case ("perf", "p50_ms"): return m.p50
        case ("perf", "p99_ms"): return m.p99
        default: return v.details[name]?.doubleValue
        }
    }
}
