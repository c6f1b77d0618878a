// CampaignRunner: runs a campaign's matrix (or one shard of it) one test at a time and records each outcome.
import Checker
import Foundation
import History
import InputFiles
import Store

/// CampaignRunner runs the cells of a campaign sequentially with `TestRunner` (runs share the machine's
/// cores and ports, so they never overlap), evaluates the pipeline's expectations on each verdict and
/// writes the shard's `CampaignRecord`. SIGINT interrupts the current run and skips the rest.
public final class CampaignRunner: @unchecked Sendable {
    public let campaign: CampaignFile
    public let resultsDir: String
    public let shard: (Int, Int)
    /// Tonight's identity, stored in the record (nil: a record without a night, as before nights existed).
    public var night: NightIdentity?
    private let lock = NSLock()
    private var current: TestRunner?
    private var stopped = false

    public init(campaign: CampaignFile, resultsDir: String, shard: (Int, Int) = (1, 1)) {
        self.campaign = campaign
        self.resultsDir = resultsDir
        self.shard = shard
    }

    public func interrupt() {
        lock.lock()
        stopped = true
        let r = current
        lock.unlock()
        r?.interrupt()
    }

    private func setCurrent(_ r: TestRunner?) {
        lock.lock()
        current = r
        lock.unlock()
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    /// Runs the shard's cells; `afterRun` gets each finished run folder (to write its report), `say` progress lines.
    public func run(afterRun: (String) -> Void, say: (String) -> Void) async throws -> CampaignRecord {
        let started = RunFolder.stamp()
        let mine = campaign.cells(shard: shard.0, of: shard.1)
        var cells: [CampaignCell] = []
        for (n, c) in mine.enumerated() {
            if isStopped { break }
            let test = "\(campaign.name)-\(c.workload.name)-\(c.pipeline.name)-\(c.nemesis.name)-s\(c.seed)"
            say("[\(n + 1)/\(mine.count)] \(c.pipeline.name) × \(c.workload.name) × \(c.nemesis.name), seed \(c.seed), \(Int(saturating: campaign.timeLimit)) s")
            let spec = TestSpec(name: test, pipeline: c.pipeline.path, workload: c.workload.path, nemesis: c.nemesis.path,
                                timeLimit: campaign.timeLimit, seed: c.seed, concurrency: campaign.concurrency, rate: campaign.rate)
            let runner = TestRunner(spec: spec, resultsDir: resultsDir, verbosity: .quiet)
            setCurrent(runner)
            let t0 = Date()
            var ending = RunEnding.cannotStart
            var runDir = ""
            var results: CheckerResults?
            var failures: [String] = []
            do {
                let o = try await runner.run()
                ending = o.interrupted ? .interrupted : .checked
                runDir = o.runDir
                results = o.results
            } catch let e as InputError {
                ending = .badInput
                failures.append("bad input: \(e)")
            } catch let e as CannotStartError {
                failures.append("\(e)")
                runDir = newestRun(test: test) ?? ""
            } catch {
                failures.append("cannot run: \(error)")
            }
            setCurrent(nil)
            if !runDir.isEmpty { afterRun(runDir) }
            if ending == .interrupted { failures.append("interrupted") }
            let expectations = campaign.expect[c.pipeline.name] ?? []
            if let results, ending == .checked {
                if expectations.isEmpty && results.valid == .unknown { failures.append("no definite verdict (unknown)") }
                failures += expectations.compactMap { $0.failure(results) }
            }
            let rel = runDir.isEmpty ? "" : relative(runDir)
            let cell = CampaignCell(pipeline: c.pipeline.name, workload: c.workload.name, nemesis: c.nemesis.name, seed: c.seed,
                                    run: rel, ending: ending, verdict: results?.valid,
                                    held: failures.isEmpty, failures: failures, seconds: Date().timeIntervalSince(t0),
                                    ended: RunFolder.stamp())
            say("    → \(cell.verdictWord), expectation \(cell.held ? "held" : "FAILED: " + failures.joined(separator: "; "))")
            cells.append(cell)
            // Written after every cell with no end time: a crashed controller leaves what it did, marked unfinished.
            try CampaignRecord(campaign: campaign.name, file: campaign.path, started: started, finished: "", shard: shard.0,
                               shards: shard.1, matrixSize: campaign.cells.count, cells: cells, night: night,
                               claims: campaign.claims.isEmpty ? nil : campaign.claims).write(results: resultsDir)
        }
        let record = CampaignRecord(campaign: campaign.name, file: campaign.path, started: started, finished: RunFolder.stamp(),
                                    shard: shard.0, shards: shard.1, matrixSize: campaign.cells.count, cells: cells, night: night,
                                    claims: campaign.claims.isEmpty ? nil : campaign.claims)
        try record.write(results: resultsDir)
        return record
    }

    /// `<test>/<stamp>` of a run folder under the results folder.
    func relative(_ runDir: String) -> String {
        let parts = runDir.split(separator: "/")
        return parts.suffix(2).joined(separator: "/")
    }

    func newestRun(test: String) -> String? {
        let dir = resultsDir + "/" + test
        guard let s = RunFolder.runs(ofTest: dir).max() else { return nil }
        return dir + "/" + s
    }
}
