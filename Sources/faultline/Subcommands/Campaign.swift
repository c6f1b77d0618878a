// `faultline campaign FILE`: run a matrix of tests (or one shard of it), then the comparison page and JUnit file.
import ArgumentParser
import Controller
import Foundation
import History
import InputFiles
import Store

/// `faultline campaign` runs every cell of a campaign file one after the other, writes each run's
/// report, the campaign's comparison page and junit.xml, and exits 0 only when every expectation held.
struct Campaign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a campaign (pipelines × workloads × nemeses × seeds) and compare the pipelines.",
        discussion: "Grammar: docs/campaigns.md. Writes results/campaigns/<name>/comparison.html and junit.xml (and claims.html when the file has claims). "
            + "Also rebuilds results/trends.html (every campaign over its nights; docs/nightly.md). "
            + "Exit status: 0 every expectation held, 1 one failed, 2 bad input, "
            + "5 every failure was a harness failure (could not start, no verdict), 130 interrupted."
    )

    @Argument(help: "The campaign file (e.g. campaigns/nightly.yml).") var file: String
    @Option(help: "Results folder.") var results: String = "results"
    @Option(help: "Run only slice I of N of the matrix (1-based), e.g. 2/4; merge with `faultline report`.") var shard: String?

    @Option(help: "Tonight's label, shared by the shards of one night (letters, digits, '.', '_', '-'); default: the UTC start stamp.")
    var night: String?
    @Option(help: "Afterwards, archive (results/archive/) and remove this campaign's nights older than the newest N.")
    var keepNights: Int?

    func validate() throws {
        _ = try Campaign.parseShard(shard)
        if let night, !NightIdentity.isValidLabel(night) {
            throw ValidationError("--night must be 1-64 letters, digits, '.', '_' or '-', not starting with '.' or '-' (got '\(night)')")
        }
        if let keepNights, !(1...100_000).contains(keepNights) { throw ValidationError("--keep-nights must be between 1 and 100000") }
    }

    static func parseShard(_ s: String?) throws -> (Int, Int) {
        guard let s else { return (1, 1) }
        let p = s.split(separator: "/")
        guard p.count == 2, let i = Int(p[0]), let n = Int(p[1]), n >= 1, (1...n).contains(i) else {
            throw ValidationError("--shard must be I/N with 1 <= I <= N, e.g. 1/2 (got '\(s)')")
        }
        return (i, n)
    }

    func run() async throws {
        let status = await Campaign.execute(file: file, results: results, shard: try Campaign.parseShard(shard),
                                            night: night, keepNights: keepNights)
        throw ExitCode(status)
    }

    /// Runs a campaign and publishes its pages; returns the exit status. Shared with `faultline demo`.
    static func execute(file: String, results: String, shard: (Int, Int), night: String? = nil, keepNights: Int? = nil) async -> Int32 {
        let campaign: CampaignFile
        do {
            campaign = try CampaignFile.load(path: file)
            try ResultsFolderCheck.check(results)
        } catch {
            printError("\(error)")
            return ExitStatus.badInput
        }
        let runner = CampaignRunner(campaign: campaign, resultsDir: results, shard: shard)
        runner.night = CampaignNight.identity(campaign: campaign, label: night ?? RunFolder.stamp(), faultlineVersion: faultlineVersion)
        let signals = RunSignals.install { runner.interrupt() }
        defer { signals.cancel() }
        let mine = campaign.cells(shard: shard.0, of: shard.1).count
        say("campaign \(campaign.name): \(mine) of \(campaign.cells.count) runs\(shard.1 > 1 ? " (shard \(shard.0)/\(shard.1))" : ""), \(Int(saturating: campaign.timeLimit)) s each → \(results)")
        let record: CampaignRecord
        do {
            record = try await runner.run(afterRun: { Publish.report(runDir: $0) }, say: say)
        } catch {
            printError("cannot write the campaign record: \(error)")
            return ExitStatus.cannotStart
        }
        if let keepNights { NightArchiver.keep(keepNights, of: campaign.name, results: results) }
        // The comparison page merges every record of this campaign; the JUnit file is this invocation's.
        let pages = Publish.campaigns(results: results, only: campaign.name)
        let junit = CampaignRecord.folder(results: results, campaign: campaign.name) + "/junit.xml"
        do { try RunFolder.writeText(JUnitWriter.render(campaign: campaign.name, cells: record.cells), to: junit) } catch {
            printError("warning: cannot write \(junit): \(error)")
        }
        let trends = Publish.trends(results: results)
        Publish.index(results: results)
        let failed = record.cells.filter { !$0.held }
        print("campaign \(campaign.name): \(record.cells.count - failed.count) of \(record.cells.count) expectations held")
        for c in failed {
            print("  \(c.isHarnessFailure ? "HARNESS FAILURE" : "FAILED") \(c.pipeline) × \(c.workload) × \(c.nemesis) seed \(c.seed): \(c.failures.joined(separator: "; "))")
        }
        print("junit: \(URL(fileURLWithPath: junit).standardizedFileURL.path)")
        if let p = pages[campaign.name] {
            print("comparison page: \(p)")
            if !campaign.claims.isEmpty { print("claims page: \(((p as NSString).deletingLastPathComponent as NSString).appendingPathComponent("claims.html"))") }
        }
        if let trends { print("trends: \(trends)") }
        if record.cells.contains(where: { $0.ending == .interrupted }) { return ExitStatus.interrupted }
        if failed.isEmpty && record.cells.count == mine { return ExitStatus.valid }
        // Nothing failed but the harness: say so apart from a failed expectation (docs/nightly.md).
        if !failed.isEmpty && failed.allSatisfy(\.isHarnessFailure) {
            print("campaign \(campaign.name): only harness failures (exit \(ExitStatus.harnessOnly)): no verdict on the system")
            return ExitStatus.harnessOnly
        }
        return ExitStatus.anomaly
    }

    static func say(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }
}
