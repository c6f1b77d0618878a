// `faultline report [RESULTS_DIR]`: rebuild the index and every campaign's pages (merging shards copied together).
import ArgumentParser
import Foundation
import Store

/// `faultline report` rebuilds `index.html` and each campaign's comparison.html and junit.xml from what
/// the results folder holds. Shards run on several machines merge by copying their results folders into
/// one (`cp -r shard2/. results/`: run folders and campaign records never collide) and running this.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rebuild index.html, trends.html and the campaigns' comparison pages of a results folder (merges shards).",
        discussion: "With --runs, also re-writes every run's report.html. Exit status: 0, or 2 when the folder does not exist."
    )

    @Argument(help: "Results folder.") var resultsDir: String = "results"
    @Flag(help: "Also re-write report.html of every run (and write it for runs that have none).") var runs = false

    func run() async throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resultsDir, isDirectory: &isDir), isDir.boolValue else {
            printError("\(resultsDir): no such results folder")
            throw ExitCode(ExitStatus.badInput)
        }
        let tree = ResultsTree.scan(resultsDir)
        for r in tree.runs where runs || !r.hasReport { Publish.report(runDir: resultsDir + "/" + r.path) }
        let pages = Publish.campaigns(results: resultsDir)
        for (name, p) in pages.sorted(by: { $0.key < $1.key }) { print("campaign \(name): \(p)") }
        let t0 = Date()
        if let t = Publish.trends(results: resultsDir) { print("trends: \(t) (written in \(String(format: "%.2f", Date().timeIntervalSince(t0))) s)") }
        if let i = Publish.index(results: resultsDir) { print("index: \(i) (\(tree.runs.count) runs, \(tree.campaigns.count) campaigns)") }
    }
}
