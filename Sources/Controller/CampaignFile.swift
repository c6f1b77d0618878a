// CampaignFile: a campaign (campaigns/*.yml): a matrix of tests and what each pipeline is expected to show.
import Foundation
import History
import InputFiles
import Store
import Yams

/// CampaignFile is a parsed campaign (grammar: docs/campaigns.md):
///
///     name: nightly
///     time_limit: 20s
///     seeds: [1, 2]            # or a count: 2 means 1..2
///     pipelines: [pipelines/ap.yml, pipelines/cp.yml]
///     workloads: [workloads/register.yml]
///     nemeses: [partition-leader, kill]
///     concurrency: 6           # optional overrides
///     rate: 100
///     expect:
///       cp: {valid: true}
///       ap: {availability.ok_ratio: {min: 0.5}, linearizable: any}
///     claims:                  # optional: CAP claims judged on the runs (CampaignFile+Claims.swift)
///       - {name: Kafka, component: broker, model: AP, tradeoff: ..., pipelines: [ap], nemeses: [kill]}
public struct CampaignFile: Sendable {
    public struct Entry: Sendable {
        public var path: String
        public var name: String
    }

    public var path: String
    public var name: String
    public var timeLimit: Double
    public var seeds: [UInt64]
    public var pipelines: [Entry]
    public var workloads: [Entry]
    public var nemeses: [Entry]
    public var concurrency: Int?
    public var rate: Double?
    /// Expectations per pipeline name.
    public var expect: [String: [Expectation]]
    /// CAP claims judged on the runs (docs/campaigns.md "Claims"); empty when the file has none.
    public var claims: [Claim] = []

    /// One cell of the matrix, in a fixed order (workload, nemesis, seed, pipeline), the same on every shard.
    public struct Cell: Sendable {
        public var index: Int
        public var pipeline: Entry
        public var workload: Entry
        public var nemesis: Entry
        public var seed: UInt64
    }

    public var cells: [Cell] {
        var out: [Cell] = []
        for w in workloads { for n in nemeses { for s in seeds { for p in pipelines {
            out.append(Cell(index: out.count, pipeline: p, workload: w, nemesis: n, seed: s))
        } } } }
        return out
    }

    /// The cells of shard `i` of `n` (1-based): every n-th cell, so each shard gets a mix of pipelines.
    public func cells(shard i: Int, of n: Int) -> [Cell] { cells.filter { $0.index % n == i - 1 } }

    public static func load(path: String) throws -> CampaignFile {
        try parse(text: YAMLReader.readText(path: path), file: path)
    }

    /// Parses a campaign from text; `file` names it in errors and anchors its relative paths.
    public static func parse(text: String, file path: String) throws -> CampaignFile {
        let (y, root) = try YAMLReader.parse(text: text, file: path)
        guard let m = y.mapping(root, "", allowed: ["name", "description", "time_limit", "seeds", "pipelines", "workloads",
                                                    "nemeses", "concurrency", "rate", "expect", "claims"]) else { throw y.error() }
        let name = y.string(m, "name", "") ?? ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        if let why = PathName.problem(name) { y.problem(m["name"], "name", why) }
        let t = y.duration(m, "time_limit", "", range: InputRange.positiveSeconds) ?? 0
        if m["time_limit"] == nil { y.problem(root, "time_limit", "missing (e.g. 20s)") }
        var seeds: [UInt64] = [1]
        if let s = m["seeds"] {
            if let n = s.int {
                if (1...1000).contains(n) { seeds = (1...n).map { UInt64($0) } } else { y.problem(s, "seeds", "a count must be between 1 and 1000") }
            } else if let seq = s.sequence, !seq.isEmpty, seq.count <= 1000 {
                seeds = seq.compactMap { e in
                    guard let v = UInt64(e.string ?? "") else {
                        y.problem(e, "seeds", "expected an integer between 0 and \(UInt64.max)")
                        return nil
                    }
                    return v
                }
            } else {
                y.problem(s, "seeds", "expected a list of 1 to 1000 seeds or a count")
            }
        }
        let base = (path as NSString).deletingLastPathComponent
        func files(_ key: String, bareName: ((String) -> String)? = nil, load: (String) throws -> String) throws -> [Entry] {
            guard let n = m[key] else { throw y.fail(root, key, "missing (a list of files)") }
            guard let seq = n.sequence, !seq.isEmpty else { throw y.fail(n, key, "expected a non-empty list") }
            var out: [Entry] = []
            for e in seq {
                guard let s = e.string, !s.isEmpty else { throw y.fail(e, key, "expected a file path") }
                let given = bareName?(s) ?? s
                // Relative to the current folder (as `faultline run`), else to the campaign file's folder.
                let candidates = given.hasPrefix("/") ? [given] : [given, (base as NSString).appendingPathComponent(given),
                                                                   ((base as NSString).deletingLastPathComponent as NSString).appendingPathComponent(given)]
                guard let p = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                    throw y.fail(e, key, "no such file: \(given)")
                }
                let name: String
                do { name = try load(p) } catch let err as InputError {
                    // The entry's own problems keep their file and line, after the line that names it.
                    y.problem(e, key, "\(s) has \(err.problems.count) problem(s):")
                    throw InputError(problems: y.problems + err.problems)
                }
                if out.contains(where: { $0.name == name }) { throw y.fail(e, key, "two entries named '\(name)'") }
                out.append(Entry(path: p, name: name))
            }
            return out
        }
        var components: [String: [String]] = [:]
        let pipelines = try files("pipelines") { path in
            let p = try PipelineFile.load(path: path)
            components[p.name] = p.components.map(\.name)
            return p.name
        }
        let workloads = try files("workloads") { try WorkloadFile.load(path: $0).name }
        let nemeses = try files("nemeses", bareName: { s in s.contains("/") || s.hasSuffix(".yml") || s.hasSuffix(".yaml") ? s : "nemesis/\(s).yml" }) {
            (($0 as NSString).lastPathComponent as NSString).deletingPathExtension
        }
        var expect: [String: [Expectation]] = [:]
        if let e = m["expect"] {
            guard let em = e.mapping else { throw y.fail(e, "expect", "expected a mapping of pipeline name to expectations") }
            for (k, v) in em {
                let p = k.string ?? "?"
                guard pipelines.contains(where: { $0.name == p }) else {
                    throw y.fail(k, "expect.\(p)", "no pipeline named '\(p)' in this campaign (\(pipelines.map(\.name).joined(separator: ", ")))")
                }
                expect[p] = try Expectation.parse(v, field: "expect.\(p)", y)
            }
        }
        let c = CampaignFile(path: path, name: name, timeLimit: t, seeds: seeds, pipelines: pipelines, workloads: workloads,
                             nemeses: nemeses, concurrency: y.int(m, "concurrency", "", range: 1...1024),
                             rate: y.number(m, "rate", "", range: InputRange.rate), expect: expect,
                             claims: m["claims"].map { parseClaims($0, y, pipelines: pipelines, components: components, nemeses: nemeses) } ?? [])
        try y.finish()
        return c
    }
}
