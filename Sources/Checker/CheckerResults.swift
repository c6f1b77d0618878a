// results.json: every checker's verdict of one run, and the overall validity, in one documented shape.
import History

/// CheckerResults is the content of a run's `results.json`:
///
///     {"valid": true|false|"unknown",            // the most severe of the verdicts below
///      "checkers": {"set": <Verdict.json>, "availability": <Verdict.json>, …},
///      "summary": <RunSummary>}                  // typed figures, derived from the verdicts
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

    /// The figures these verdicts add up to (what results.json stores as "summary").
    public var summary: RunSummary { RunSummary(verdicts: verdicts) }

    public var json: JSONValue {
        var o: [String: JSONValue] = [:]
        for v in verdicts { o[v.checker] = v.json }
        var top: [String: JSONValue] = ["valid": valid.json, "checkers": .object(o)]
        if let s = JSONValue(encoding: summary) { top["summary"] = s }
        return .object(top)
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
