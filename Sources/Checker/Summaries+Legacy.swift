// Reading the summaries of a results.json written before typed summaries existed (their figures lived
// only in `details`), so that comparison pages and trends over older nights keep their figures.
import History

extension VerdictSummary {
    /// The typed summary of an availability or perf verdict read from a results.json that has none:
    /// the one place that still reads those `details` keys, and only for such files.
    init?(legacy v: Verdict) {
        let d = v.details
        func counts(_ o: JSONValue?) -> OutcomeCounts {
            OutcomeCounts(ok: o?["ok"]?.intValue ?? 0, fail: o?["fail"]?.intValue ?? 0, info: o?["info"]?.intValue ?? 0)
        }
        func timeline() -> OutcomeTimeline {
            let windows = (d["windows"]?.arrayValue ?? []).map {
                OutcomeWindow(start: $0["start"]?.doubleValue ?? 0, counts: counts($0), fault: $0["fault"]?.boolValue ?? false)
            }
            let faults = (d["faults"]?.arrayValue ?? []).compactMap { f -> FaultSpan? in
                guard let name = f["fault"]?.stringValue, let s = f["start"]?.intValue, let e = f["end"]?.intValue else { return nil }
                return FaultSpan(fault: name, start: Int64(s), end: Int64(e), endedBy: f["ended_by"]?.stringValue)
            }
            return OutcomeTimeline(windowSeconds: d["window_seconds"]?.doubleValue ?? 1, windows: windows, faults: faults)
        }
        switch v.checker {
        case "availability" where d["outcomes"] != nil:
            let gaps = d["longest_gap"]?.objectValue?.values.compactMap { $0["seconds"]?.doubleValue }
            let recoveries = d["recovery"]?.arrayValue?.compactMap { $0["seconds_to_first_ok"]?.doubleValue } ?? []
            self.init(availability: AvailabilitySummary(
                inFault: counts(d["outcomes"]?["in_fault"]), outsideFault: counts(d["outcomes"]?["outside_fault"]),
                longestGapSeconds: gaps?.max(), slowestRecoverySeconds: recoveries.max(), noRecovery: v.counts["no-recovery"] ?? 0,
                timeline: timeline()))
        case "perf" where d["latency_all"] != nil:
            let all = d["latency_all"]
            self.init(perf: PerfSummary(
                outcomes: OutcomeCounts(ok: v.counts["ok"] ?? 0, fail: v.counts["fail"] ?? 0, info: v.counts["info"] ?? 0),
                p50Ms: all?["p50"]?.doubleValue.map { $0 / 1e6 }, p99Ms: all?["p99"]?.doubleValue.map { $0 / 1e6 },
                timeline: timeline()))
        default:
            return nil
        }
    }
}
