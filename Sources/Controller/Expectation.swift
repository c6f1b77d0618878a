// Expectation: one thing a campaign expects of a pipeline's runs, and its evaluation against results.json.
import Checker
import Foundation
import History
import InputFiles
import Store
import Yams

/// Expectation is one entry under `expect.<pipeline>` of a campaign file:
/// - `valid: true|false|unknown|any`: the run's overall verdict (true = every checker valid);
/// - `<checker>: valid|invalid|unknown|any`: that checker's verdict;
/// - `<checker>.<name>: {min: x, max: y}`: a figure of that checker's verdict (`RunMetrics.value`).
public enum Expectation: Sendable, Equatable {
    case overall(Validity?)
    case checker(String, Validity?)
    case figure(checker: String, name: String, min: Double?, max: Double?)

    static func parse(_ node: Node, field: String, _ y: YAMLReader) throws -> [Expectation] {
        guard let m = node.mapping else { throw y.fail(node, field, "expected a mapping such as {valid: true}") }
        var out: [Expectation] = []
        func validity(_ n: Node, _ f: String) throws -> Validity? {
            switch n.string ?? "" {
            case "true", "valid": return .valid
            case "false", "invalid": return .invalid
            case "unknown": return .unknown
            case "any": return nil
            default: throw y.fail(n, f, "expected valid, invalid, unknown or any")
            }
        }
        for (k, v) in m {
            let key = k.string ?? "?"
            let f = "\(field).\(key)"
            if key == "valid" {
                out.append(.overall(try validity(v, f)))
            } else if let dot = key.firstIndex(of: ".") {
                let checker = String(key[..<dot]), name = String(key[key.index(after: dot)...])
                guard CheckerRegistry.entry(named: checker) != nil else {
                    throw y.fail(k, f, "unknown checker '\(checker)'")
                }
                guard let bm = y.mapping(v, f, allowed: ["min", "max"]) else { continue }
                let any = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude
                let lo = y.number(bm, "min", f, range: any)
                let hi = y.number(bm, "max", f, range: any)
                if bm["min"] == nil && bm["max"] == nil { y.problem(v, f, "give min, max or both") }
                out.append(.figure(checker: checker, name: name, min: lo, max: hi))
            } else {
                guard CheckerRegistry.entry(named: key) != nil else {
                    throw y.fail(k, f, "unknown checker '\(key)' (or use valid: / <checker>.<count>:)")
                }
                out.append(.checker(key, try validity(v, f)))
            }
        }
        return out
    }

    /// Why the expectation failed for these results, or nil when it held.
    public func failure(_ results: CheckerResults) -> String? {
        switch self {
        case .overall(let want):
            guard let want, results.valid != want else { return nil }
            return "expected the run to be \(want.rawValue), it was \(results.valid.rawValue)"
        case .checker(let name, let want):
            // `any` holds even where the checker did not run (one campaign, several workloads).
            guard let want else { return nil }
            guard let v = results.verdicts.first(where: { $0.checker == name }) else { return "no verdict of checker \(name)" }
            guard v.valid != want else { return nil }
            return "expected \(name) \(want.rawValue), it was \(v.valid.rawValue)"
        case .figure(let checker, let name, let lo, let hi):
            guard let x = RunMetrics.value(results, checker: checker, name: name) else { return "no figure \(checker).\(name) in the results" }
            if let lo, x < lo { return "\(checker).\(name) = \(fmt(x)), below min \(fmt(lo))" }
            if let hi, x > hi { return "\(checker).\(name) = \(fmt(x)), above max \(fmt(hi))" }
            return nil
        }
    }

    func fmt(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e15 ? String(Int(saturating: d)) : String(format: "%.4g", d) }
}
