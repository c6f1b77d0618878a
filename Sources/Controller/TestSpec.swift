// TestSpec: one test's inputs (files + flags), and test.yml, its fully resolved and re-runnable form.
import Foundation
import Store
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
        let (y, root) = try YAMLFields.load(path: path)
        let m = try y.mapping(root, "", allowed: ["name", "pipeline", "workload", "nemesis", "time_limit", "seed",
                                                  "concurrency", "rate"])
        let dir = (path as NSString).deletingLastPathComponent
        func file(_ key: String) throws -> String {
            guard let p = try y.string(m, key, "") else { throw y.fail(root, key, "missing") }
            return p.hasPrefix("/") ? p : (dir as NSString).appendingPathComponent(p)
        }
        guard let t = try y.number(m, "time_limit", "", min: 0.001) else { throw y.fail(root, "time_limit", "missing") }
        guard let seedNode = m["seed"] else { throw y.fail(root, "seed", "missing") }
        guard let seed = UInt64(seedNode.string ?? "") else { throw y.fail(seedNode, "seed", "expected a non-negative integer") }
        let name = try y.string(m, "name", "")
        if let name, let why = PathName.problem(name) { throw y.fail(m["name"], "name", why) }
        return TestSpec(name: name, pipeline: try file("pipeline"), workload: try file("workload"),
                        nemesis: try file("nemesis"), timeLimit: t, seed: seed,
                        concurrency: try y.int(m, "concurrency", "", range: 1...1024), rate: try y.number(m, "rate", ""))
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
