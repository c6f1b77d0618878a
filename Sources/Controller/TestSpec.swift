// TestSpec: one test's inputs (files + flags), and test.yml, its fully resolved and re-runnable form.
import Foundation
import InputFiles
import Yams

/// TestSpec names a test: pipeline × workload × nemesis × time limit × seed, plus optional overrides.
/// `test.yml` in a run folder stores it with copies of the three files next to it, so that
/// `faultline run --test <run>/test.yml` re-runs exactly the same test.
public struct TestSpec: Sendable, Equatable {
    public var name: String?
    public var pipeline: String
    public var workload: String
    public var nemesis: String
    public var timeLimit: Double
    public var seed: UInt64
    public var concurrency: Int?
    public var rate: Double?

    public init(name: String? = nil, pipeline: String, workload: String, nemesis: String, timeLimit: Double,
                seed: UInt64, concurrency: Int? = nil, rate: Double? = nil) {
        self.name = name
        self.pipeline = pipeline
        self.workload = workload
        self.nemesis = nemesis
        self.timeLimit = timeLimit
        self.seed = seed
        self.concurrency = concurrency
        self.rate = rate
    }

    /// Reads a test.yml; relative file paths are relative to the test.yml's folder.
    public static func load(path: String) throws -> TestSpec {
        try parse(text: YAMLReader.readText(path: path), file: path)
    }

    /// Parses a test.yml from text; `file` names it in errors and anchors its relative paths.
    public static func parse(text: String, file path: String) throws -> TestSpec {
        let (y, root) = try YAMLReader.parse(text: text, file: path)
        guard let m = y.mapping(root, "", allowed: ["name", "pipeline", "workload", "nemesis", "time_limit", "seed",
                                                    "concurrency", "rate"]) else { throw y.error() }
        let dir = (path as NSString).deletingLastPathComponent
        func file(_ key: String) throws -> String {
            guard let p = y.string(m, key, "") else {
                if m[key] == nil { y.problem(root, key, "missing") }
                return ""
            }
            return p.hasPrefix("/") ? p : (dir as NSString).appendingPathComponent(p)
        }
        let t = y.number(m, "time_limit", "", range: InputRange.positiveSeconds) ?? 0
        if m["time_limit"] == nil { y.problem(root, "time_limit", "missing") }
        var seed: UInt64 = 0
        if let seedNode = m["seed"] {
            if let v = UInt64(seedNode.string ?? "") { seed = v } else {
                y.problem(seedNode, "seed", "expected an integer between 0 and \(UInt64.max)")
            }
        } else {
            y.problem(root, "seed", "missing")
        }
        let spec = TestSpec(name: y.string(m, "name", ""), pipeline: try file("pipeline"), workload: try file("workload"),
                            nemesis: try file("nemesis"), timeLimit: t, seed: seed,
                            concurrency: y.int(m, "concurrency", "", range: 1...1024),
                            rate: y.number(m, "rate", "", range: InputRange.rate))
        try y.finish()
        return spec
    }

    /// test.yml content for a run folder that holds pipeline.yml, workload.yml and nemesis.yml copies.
    func resolvedYAML(name: String, concurrency: Int, rate: Double) -> String {
        """
        # The fully resolved test (seed included). Re-run it exactly with:
        #   faultline run --test <this file>
        # pipeline.yml, workload.yml and nemesis.yml next to it are copies of the files used.
        name: \(name)
        pipeline: pipeline.yml
        workload: workload.yml
        nemesis: nemesis.yml
        time_limit: \(timeLimit)
        seed: \(seed)
        concurrency: \(concurrency)
        rate: \(rate)
        # originally: pipeline \(pipeline), workload \(workload), nemesis \(nemesis)

        """
    }
}
