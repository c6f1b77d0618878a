// `faultline analyze RUN_DIR`: re-check a stored run from its history and workload, and re-write its report.
import ArgumentParser
import Checker
import Controller
import Foundation
import Store

/// `faultline analyze` recomputes results.json and report.html of a run folder from history.jsonl,
/// test.yml and workload.yml alone: for a run whose controller crashed (SIGKILL, power loss: no
/// results.json, maybe a truncated last line), after a checker changed, or on a copied folder.
struct Analyze: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-check a stored run and re-write its results.json and report.html.",
        discussion: "Exit status: 0 valid, 1 an anomaly found, 3 unknown, 2 not a run folder or a file in it cannot be read "
            + "(then results.json and report.html are left as they were)."
    )

    @Argument(help: "A run folder (results/<test>/<time>) or a test's folder (its latest run).") var runDir: String
    @Flag(help: "Only the exit status and errors.") var quiet = false

    func run() async throws {
        var dir = runDir
        let latest = (dir as NSString).appendingPathComponent(RunFolder.latestName)
        if !FileManager.default.fileExists(atPath: RunFolder(dir).testSpec), FileManager.default.fileExists(atPath: RunFolder(latest).testSpec) {
            dir = latest
        }
        dir = URL(fileURLWithPath: dir).standardizedFileURL.resolvingSymlinksInPath().path
        let results: CheckerResults
        do {
            results = try RunAnalysis.recheck(runDir: dir)
        } catch {
            printError("\(error)")
            throw ExitCode(ExitStatus.badInput)
        }
        let report = Publish.report(runDir: dir)
        Publish.index(results: Publish.resultsDir(ofRun: dir))
        if !quiet {
            for v in results.verdicts {
                let counts = v.counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                print("  \(v.checker.padding(toLength: 13, withPad: " ", startingAt: 0)) \(v.valid.rawValue)  \(counts)")
            }
            print("verdict: \(results.valid.rawValue)")
            if let report { print("report: \(report)") }
        }
        throw ExitCode(ExitStatus.of(results.valid))
    }
}
