// WorkloadFile: a workload (workloads/*.yml): what the clients do, against which component, checked how.
import Checker
import Foundation
import Generator
import History
import Yams

/// WorkloadFile is a parsed workload:
///
///     name: register
///     kind: register            # register | set | log | pipeline (the op vocabulary, docs/history-conventions.md)
///     target: store             # the pipeline component the clients talk to (none for pipeline:
///                               # it starts every component; ingest ops go to ingest, query ops to api)
///     drain_timeout: 15s        # pipeline only: how long the drain may wait for connector and loader
///     keys: 3                   # independent keys k1..kN
///     functions: {read: 2, write: 1, cas: 1}     # weights
///     concurrency: 6            # logical client processes
///     rate: 200                 # ops/s over all clients (0 = as fast as they go)
///     op_timeout: 1s
///     warmup: 2s                # before the nemesis starts
///     recovery: 3s              # after the heal, before the final reads
///     final_reads: true
///     checkers: [linearizable, staleness, availability, perf]     # default: per kind
///     checker_options: {linearizable: {time_limit: 30}}
public struct WorkloadFile: Sendable {
    public var path: String
    public var name: String
    public var kind: OpMix.Kind
    public var target: String
    public var targetLine: Int
    public var keys: Int
    public var functions: [(f: String, weight: Int)]
    public var concurrency: Int
    public var rate: Double
    public var opTimeout: Double
    public var warmup: Double
    public var recovery: Double
    public var finalReads: Bool
    public var checkers: [String]
    public var checkerOptions: [String: [String: JSONValue]]
    /// Pipeline: the longest wait for the connector's lag 0 and the loader caught up after the heal.
    public var drainTimeout: Double = 15

    public static func load(path: String) throws -> WorkloadFile {
        let (y, root) = try YAMLFields.load(path: path)
        let m = try y.mapping(root, "", allowed: ["name", "description", "kind", "target", "keys", "functions",
                                                  "concurrency", "rate", "op_timeout", "warmup", "recovery",
                                                  "final_reads", "checkers", "checker_options", "drain_timeout"])
        let defaultName = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let name = try y.string(m, "name", "") ?? defaultName
        guard let kindName = try y.string(m, "kind", "") else { throw y.fail(root, "kind", "missing (register, set, log or pipeline)") }
        guard let kind = OpMix.Kind(rawValue: kindName), kind != .queue else {
            throw y.fail(m["kind"], "kind", "unknown kind '\(kindName)' (register, set, log or pipeline)")
        }
        // A pipeline workload drives the whole pipeline (its ingest and api components): no target.
        let target = try y.string(m, "target", "") ?? ""
        if target.isEmpty && kind != .pipeline { throw y.fail(root, "target", "missing (a pipeline component)") }
        let keys = try y.int(m, "keys", "", range: 1...10_000) ?? 3
        var functions: [(f: String, weight: Int)] = []
        let allowedF = OpMix.functions(of: kind)
        if let fn = m["functions"] {
            let fm = try y.mapping(fn, "functions", allowed: allowedF)
            for (k, _) in fm {
                let f = k.string ?? "?"
                if let w = try y.int(fm, f, "functions", range: 0...1_000_000), w > 0 { functions.append((f, w)) }
            }
            if functions.isEmpty { throw y.fail(fn, "functions", "at least one function needs a weight > 0") }
        } else {
            functions = allowedF.map { ($0, 1) }
        }
        let knownCheckers = CheckerRegistry.names
        var checkers = CheckerRegistry.defaultCheckers(forWorkload: kind.rawValue)
        if let c = m["checkers"] {
            guard let seq = c.sequence, !seq.isEmpty else { throw y.fail(c, "checkers", "expected a list of checker names") }
            checkers = try seq.map { n in
                guard let s = n.string, knownCheckers.contains(s) else {
                    throw y.fail(n, "checkers", "unknown checker (one of \(knownCheckers.joined(separator: ", ")))")
                }
                return s
            }
        }
        var options: [String: [String: JSONValue]] = [:]
        if let o = m["checker_options"] {
            let om = try y.mapping(o, "checker_options", allowed: knownCheckers)
            for (k, v) in om {
                guard v.mapping != nil, case .object(let obj) = y.json(v) else {
                    throw y.fail(v, "checker_options.\(k.string ?? "?")", "expected a mapping of options")
                }
                let checker = k.string ?? "?"
                // The registry owns the rules; the problem is placed at the option's line.
                if let p = CheckerRegistry.validate(checker: checker, options: obj).first {
                    let at = p.option.flatMap { o in v.mapping?.first { $0.key.string == o }?.value } ?? v
                    throw y.fail(at, "checker_options.\(checker)\(p.option.map { "." + $0 } ?? "")", p.reason)
                }
                options[checker] = obj
            }
        }
        let drain = try y.duration(m, "drain_timeout", "") ?? 15
        var w = WorkloadFile(
            path: path, name: name, kind: kind, target: target, targetLine: m["target"]?.mark?.line ?? 0, keys: keys,
            functions: functions,
            concurrency: try y.int(m, "concurrency", "", range: 1...1024) ?? 5,
            rate: try y.number(m, "rate", "") ?? 0,
            opTimeout: try y.duration(m, "op_timeout", "") ?? 1,
            warmup: try y.duration(m, "warmup", "") ?? 2,
            recovery: try y.duration(m, "recovery", "") ?? 3,
            finalReads: try y.bool(m, "final_reads", "") ?? true,
            checkers: checkers, checkerOptions: options)
        w.drainTimeout = drain
        return w
    }
}
