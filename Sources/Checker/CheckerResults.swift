// results.json: every checker's verdict of one run, and the overall validity, in one documented shape.
import History

/// CheckerResults is the content of a run's `results.json`:
///
///     {"valid": true|false|"unknown",            // the most severe of the verdicts below
///      "checkers": {"set": <Verdict.json>, "availability": <Verdict.json>, …}}
///
/// Each verdict has the shape of `Verdict.json` (docs/history-conventions.md "results.json").
public struct CheckerResults: Sendable {
    public var verdicts: [Verdict]

    public init(verdicts: [Verdict]) { self.verdicts = verdicts }

    /// Runs every checker on the history, in order (they are pure: no order dependence).
    public init(history: History, checkers: [any HistoryChecker]) {
        verdicts = checkers.map { $0.check(history) }
    }

    /// Invalid if any checker found an anomaly, else unknown if any could not decide, else valid.
    public var valid: Validity { Validity.merge(verdicts.map(\.valid)) }

    public var json: JSONValue {
        var o: [String: JSONValue] = [:]
        for v in verdicts { o[v.checker] = v.json }
        return ["valid": valid.json, "checkers": .object(o)]
    }

    /// Reads results.json back; nil when it does not have this shape.
    public init?(json: JSONValue) {
        guard let o = json["checkers"]?.objectValue else { return nil }
        var vs: [Verdict] = []
        for k in o.keys.sorted() {
            guard let v = Verdict(json: o[k]!) else { return nil }
            vs.append(v)
        }
        verdicts = vs
    }
}

/// The checkers a workload's history is checked with by default (names for `makeChecker`): its
/// safety checker(s), then availability and perf, which read any history. "linearizable" for
/// registers is built by the linearizability module's entry in `makeChecker`.
public func defaultCheckerNames(forWorkload workload: String) -> [String] {
    let common = ["availability", "perf"]
    switch workload {
    case "set": return ["set"] + common
    case "queue": return ["queue"] + common
    case "log": return ["log"] + common
    case "pipeline": return ["pipeline"] + common
    case "register": return ["linearizable", "staleness"] + common
    default: return common
    }
}
