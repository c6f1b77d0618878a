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
    /// Stale reads (staleness `stale-read`) and stale answers (pipeline `stale-answer`, `stale-count`).
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
        self.init(summary: results?.summary ?? RunSummary())
    }

    /// The figures of a run's typed summary (results.json "summary" and its verdicts' summaries).
    public init(summary s: RunSummary) {
        anomalies = s.anomalies
        lost = s.lost
        stale = s.stale
        okRatio = s.okRatio
        longestGap = s.availability?.longestGapSeconds
        recovery = s.availability?.slowestRecoverySeconds
        noRecovery = s.availability?.noRecovery ?? 0
        p50 = s.perf?.p50Ms
        p99 = s.perf?.p99Ms
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
