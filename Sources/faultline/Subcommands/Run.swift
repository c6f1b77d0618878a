// `faultline run`: one test (pipeline × workload × nemesis × time limit × seed), or a stored test.yml again.
import ArgumentParser
import Controller
import Foundation
import InputFiles
import Store

/// `faultline run` resolves a test from files and flags (or a stored test.yml), runs it and maps the
/// outcome to the exit status: 0 valid, 1 anomaly, 3 unknown, 2 bad input, 4 cannot start, 130 SIGINT.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one test and store it under results/<name>/<UTC time>/.",
        discussion: "Either --pipeline, --workload and --time-limit (--nemesis defaults to none, --seed to a random "
            + "seed that is printed and stored in test.yml), or --test with a stored test.yml (re-runs it exactly). Exit status: 0 valid, 1 an anomaly found, 3 unknown, 2 bad input, "
            + "4 the system under test could not be started, 130 interrupted."
    )

    @Option(help: "Pipeline profile (e.g. pipelines/cp.yml).") var pipeline: String?
    @Option(help: "Workload (e.g. workloads/register.yml).") var workload: String?
    @Option(help: "Nemesis schedule: a path or a name in nemesis/ (e.g. partition-leader; default: none).") var nemesis: String?
    @Option(name: .customLong("time-limit"), help: "Seconds of operations (before recovery and final reads).") var timeLimit: Double?
    @Option(help: "Seed of the op plan and the nemesis plan (default: a random seed, printed and stored in test.yml).") var seed: UInt64?
    @Option(help: "Client processes (overrides the workload).") var concurrency: Int?
    @Option(help: "Ops per second over all clients, 0 for no limit (overrides the workload).") var rate: Double?
    @Option(help: "Test name (default: workload-pipeline-nemesis).") var name: String?
    @Option(help: "Results folder.") var results: String = "results"
    @Option(help: "A stored test.yml to run again.") var test: String?
    @Flag(help: "Only the exit status and errors.") var quiet = false
    @Flag(help: "Echo the controller's log to stderr.") var verbose = false

    func validate() throws {
        if test == nil {
            for (v, n) in [(pipeline, "--pipeline"), (workload, "--workload")] where v == nil {
                throw ValidationError("missing \(n) (or give --test results/.../test.yml)")
            }
            if timeLimit == nil { throw ValidationError("missing --time-limit") }
        }
        if let t = timeLimit, !InputRange.positiveSeconds.contains(t) { throw ValidationError("--time-limit must be between 0.001 and 604800 seconds") }
        if let c = concurrency, !(1...1024).contains(c) { throw ValidationError("--concurrency must be between 1 and 1024") }
        if let r = rate, !InputRange.rate.contains(r) { throw ValidationError("--rate must be between 0 and 1000000 ops/s") }
        if let name, let why = PathName.problem(name) { throw ValidationError("--name \(why)") }
    }

    func run() async throws {
        var spec: TestSpec
        do {
            if let test {
                spec = try TestSpec.load(path: test)
            } else {
                let chosen = seed ?? Run.randomSeed()
                if seed == nil && !quiet { print("seed: \(chosen) (random; stored in test.yml, replay with --test)") }
                spec = TestSpec(pipeline: pipeline!, workload: workload!, nemesis: Run.nemesisPath(nemesis ?? "none"),
                                timeLimit: timeLimit!, seed: chosen)
            }
        } catch {
            printError("\(error)")
            throw ExitCode(ExitStatus.badInput)
        }
        if let timeLimit { spec.timeLimit = timeLimit }
        if let seed { spec.seed = seed }
        if let concurrency { spec.concurrency = concurrency }
        if let rate { spec.rate = rate }
        if let name { spec.name = name }
        let runner = TestRunner(spec: spec, resultsDir: results, verbosity: quiet ? .quiet : verbose ? .verbose : .normal)
        let signals = RunSignals.install(runner)
        defer { signals.cancel() }
        do {
            let outcome = try await runner.run()
            // The pages come from the store alone, after the verdict is written.
            if let report = Publish.report(runDir: outcome.runDir), !quiet { print("report: \(report)") }
            Publish.index(results: results)
            throw ExitCode(ExitStatus.of(outcome))
        } catch let e as InputError {
            printError("\(e)")
            throw ExitCode(ExitStatus.badInput)
        } catch let e as CannotStartError {
            printError("\(e)")
            throw ExitCode(ExitStatus.cannotStart)
        } catch let e as ExitCode {
            throw e
        } catch {
            // The run folder or the history could not be written: the test could not run at all.
            printError("cannot run the test: \(error)")
            throw ExitCode(ExitStatus.cannotStart)
        }
    }

    /// A seed for a run given none: short enough to read and type back.
    static func randomSeed() -> UInt64 { UInt64.random(in: 1...999_999_999) }

    /// A bare name means nemesis/<name>.yml.
    static func nemesisPath(_ s: String) -> String {
        if s.contains("/") || s.hasSuffix(".yml") || s.hasSuffix(".yaml") { return s }
        return "nemesis/\(s).yml"
    }
}
