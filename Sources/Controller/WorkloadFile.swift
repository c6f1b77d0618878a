// WorkloadFile: a workload (workloads/*.yml): what the clients do, against which component, checked how.
import Checker
import Foundation
import Generator
import History
import InputFiles
import Store
import Yams

/// WorkloadFile is a parsed workload:
///
///     name: register
///     kind: register            # register | set | log | kafka | pipeline (the op vocabulary, docs/history-conventions.md)
///     target: store             # the pipeline component the clients talk to (none for pipeline:
///                               # it starts every component; ingest ops go to ingest, query ops to api)
///     drain_timeout: 15s        # pipeline only: how long the drain may wait for connector and loader
///     keys: 3                   # independent keys k1..kN (kafka: partitions 0..N-1 of one topic)
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
        let (y, root) = try YAMLReader.load(path: path)
        return try parse(y, root, path: path)
    }

    /// Parses a workload from text (`file` names it in errors): for tests and fuzzing.
    public static func parse(text: String, file: String) throws -> WorkloadFile {
        let (y, root) = try YAMLReader.parse(text: text, file: file)
        return try parse(y, root, path: file)
    }

    static func parse(_ y: YAMLReader, _ root: Node, path: String) throws -> WorkloadFile {
        guard let m = y.mapping(root, "", allowed: ["name", "description", "kind", "target", "keys", "functions",
                                                    "concurrency", "rate", "op_timeout", "warmup", "recovery",
                                                    "final_reads", "checkers", "checker_options", "drain_timeout"])
        else { throw y.error() }
        let defaultName = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let name = y.string(m, "name", "") ?? defaultName
        if let why = PathName.problem(name) { y.problem(m["name"] ?? root, "name", why) }
        guard let kindName = y.string(m, "kind", "") else {
            if m["kind"] == nil { y.problem(root, "kind", "missing (register, set, log, kafka or pipeline)") }
            throw y.error()
        }
        guard let kind = OpMix.Kind(rawValue: kindName), kind != .queue else {
            throw y.fail(m["kind"], "kind", "unknown kind '\(kindName)' (register, set, log, kafka or pipeline)")
        }
        // A pipeline workload drives the whole pipeline (its ingest and api components): no target.
        let target = y.string(m, "target", "") ?? ""
        if target.isEmpty && kind != .pipeline && m["target"] == nil { y.problem(root, "target", "missing (a pipeline component)") }
        // A Kafka key is a partition of one topic: brokers cap partitions far below 10,000 keys.
        let keys = y.int(m, "keys", "", range: kind == .kafka ? 1...256 : 1...10_000) ?? 3
        var functions: [(f: String, weight: Int)] = []
        let allowedF = OpMix.functions(of: kind)
        if let fn = m["functions"] {
            if let fm = y.mapping(fn, "functions", allowed: allowedF) {
                for (k, _) in fm {
                    let f = k.string ?? "?"
                    if let w = y.int(fm, f, "functions", range: 0...1_000_000), w > 0, allowedF.contains(f) { functions.append((f, w)) }
                }
                if functions.isEmpty && y.problems.isEmpty { y.problem(fn, "functions", "at least one function needs a weight > 0") }
            }
        } else {
            functions = allowedF.map { ($0, 1) }
        }
        let knownCheckers = CheckerRegistry.names
        var checkers = CheckerRegistry.defaultCheckers(forWorkload: kind.rawValue)
        if let c = m["checkers"] {
            if let seq = c.sequence, !seq.isEmpty {
                checkers = seq.compactMap { n in
                    guard let s = n.string, knownCheckers.contains(s) else {
                        y.problem(n, "checkers", "unknown checker (one of \(knownCheckers.joined(separator: ", ")))")
                        return nil
                    }
                    return s
                }
            } else {
                y.problem(c, "checkers", "expected a list of checker names")
            }
        }
        var options: [String: [String: JSONValue]] = [:]
        if let o = m["checker_options"], let om = y.mapping(o, "checker_options", allowed: knownCheckers) {
            for (k, v) in om {
                let f = "checker_options.\(k.string ?? "?")"
                guard v.mapping != nil, case .object(let obj) = y.json(v, f) else {
                    y.problem(v, f, "expected a mapping of options")
                    continue
                }
                let checker = k.string ?? "?"
                // Times are range-checked here, at their line; the registry owns the rest of each checker's rules.
                let before = y.problems.count
                for (ok, ov) in v.mapping?.map({ $0 }) ?? [] {
                    let name = ok.string ?? ""
                    if name == "time_limit" || name.hasSuffix("_seconds") {
                        _ = y.number(ov, "\(f).\(name)", range: InputRange.positiveSeconds)
                    }
                }
                if y.problems.count == before, let p = CheckerRegistry.validate(checker: checker, options: obj).first {
                    let at = p.option.flatMap { o in v.mapping?.first { $0.key.string == o }?.value } ?? v
                    y.problem(at, "checker_options.\(checker)\(p.option.map { "." + $0 } ?? "")", p.reason)
                }
                options[checker] = obj
            }
        }
        var w = WorkloadFile(
            path: path, name: name, kind: kind, target: target, targetLine: m["target"]?.mark?.line ?? 0, keys: keys,
            functions: functions,
            concurrency: y.int(m, "concurrency", "", range: 1...1024) ?? 5,
            rate: y.number(m, "rate", "", range: InputRange.rate) ?? 0,
            // An op that may take no time at all would time out before it is sent.
            opTimeout: y.duration(m, "op_timeout", "", range: InputRange.positiveSeconds) ?? 1,
            warmup: y.duration(m, "warmup", "", range: InputRange.seconds) ?? 2,
            recovery: y.duration(m, "recovery", "", range: InputRange.seconds) ?? 3,
            finalReads: y.bool(m, "final_reads", "") ?? true,
            checkers: checkers, checkerOptions: options)
        w.drainTimeout = y.duration(m, "drain_timeout", "", range: InputRange.seconds) ?? 15
        // Subscribed consumers are rebalanced: the log checker must know (Jepsen's :sub-via #{:subscribe}),
        // unless the file says otherwise.
        if kind == .kafka, functions.contains(where: { $0.f == "subscribe" }), w.checkerOptions["log"]?["subscribe"] == nil {
            w.checkerOptions["log", default: [:]]["subscribe"] = .bool(true)
        }
        try y.finish()
        return w
    }
}
