// Claims judged on hand-made stored runs whose answers are known: held, refuted and not shown (no fault on
// the component, a run that could not start, a CP claim whose faults refused nothing), and the claims
// page escaping hostile text.
import Checker
import FaultlineTesting
import Foundation
import History
@testable import Report
import Store
import Testing

struct ClaimVerdictTests {
    static let hostile = "<script>alert('x')</script>"

    /// A stored run: test.yml, a history with one fault on `faultNode` (a kill) and results.json with the
    /// given in-fault outcomes and pipeline figures. Returns the run folder relative to `results`.
    static func run(_ results: String, test: String, faultNode: String, inFault: OutcomeCounts, lost: Int = 0, stale: Int = 0,
                    hop: String = "broker->store") throws -> String {
        let rel = "\(test)/20261130T120000Z"
        let dir = results + "/" + rel
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "name: \(test)\npipeline: pipeline.yml\nworkload: workload.yml\nnemesis: nemesis.yml\ntime_limit: 2.0\nseed: 1\n"
            .write(toFile: dir + "/test.yml", atomically: true, encoding: .utf8)
        let history = """
            {"index":0,"time":1000000,"process":0,"type":"invoke","f":"ingest","value":1}
            {"index":1,"time":2000000,"process":0,"type":"ok","f":"ingest","value":1}
            {"index":2,"time":500000000,"process":"nemesis","type":"info","f":"start-kill","value":{"nodes":["\(faultNode)"],"pids":[42]}}
            {"index":3,"time":900000000,"process":"nemesis","type":"info","f":"stop-kill","value":{"nodes":["\(faultNode)"]}}
            {"index":4,"time":1100000000,"process":1,"type":"invoke","f":"ingest","value":2}
            {"index":5,"time":1202000000,"process":1,"type":"ok","f":"ingest","value":2}

            """
        try history.write(toFile: dir + "/history.jsonl", atomically: true, encoding: .utf8)
        let timeline = OutcomeTimeline(windowSeconds: 1, windows: [], faults: [])
        let availability = AvailabilitySummary(inFault: inFault, outsideFault: OutcomeCounts(ok: 100), longestGapSeconds: 4.5,
                                               slowestRecoverySeconds: 1, noRecovery: 0, timeline: timeline)
        let pipeline = Verdict(checker: "pipeline", valid: lost + stale > 0 ? .invalid : .valid,
                               counts: ["lost": lost, "stale-count": stale],
                               details: ["lost_by_hop": .object(lost > 0 ? [hop: .int(lost)] : [:]),
                                         "stale_count_versions": .object(["max": .int(stale > 0 ? 3 : 0)]),
                                         "stale_count_ns": .object(["max": .int(stale > 0 ? 2_500_000_000 : 0)])])
        try RunFolder(dir).writeResults(CheckerResults(verdicts: [
            pipeline, Verdict(checker: "availability", valid: .valid, summary: VerdictSummary(availability: availability)),
        ]))
        return rel
    }

    static func cell(_ pipeline: String, _ nemesis: String, run: String, ending: RunEnding = .checked) -> CampaignCell {
        CampaignCell(pipeline: pipeline, workload: "pipeline", nemesis: nemesis, seed: 1, run: run, ending: ending,
                     verdict: ending == .checked ? .valid : nil, held: true, failures: [], seconds: 1, ended: "20261130T120100Z")
    }

    static let kafka = Claim(name: "Kafka", component: "broker", model: .ap, tradeoff: "stays available", pipelines: ["ap", "cp"],
                             nemeses: ["kill-broker"])
    static let redshift = Claim(name: "Redshift", component: "warehouse", model: .cp, tradeoff: "fails instead of stale",
                                pipelines: ["cp"], nemeses: ["kill-warehouse"], measure: [.stale])

    @Test func apClaimHeldWhenAvailableRefutedWhenNot() throws {
        let root = TestSupport.tempDir("claims")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let ap = try Self.run(root, test: "ap", faultNode: "broker-1", inFault: OutcomeCounts(ok: 95, fail: 3, info: 2), lost: 7)
        let cp = try Self.run(root, test: "cp", faultNode: "broker-1", inFault: OutcomeCounts(ok: 40, fail: 60))
        let cells = [Self.cell("ap", "kill-broker", run: ap), Self.cell("cp", "kill-broker", run: cp)]
        let e = ClaimEvidence.judge(Self.kafka, cells: cells, results: root)
        try #require(e.runs.count == 2)
        // 95 % ok during the fault: available; the 7 lost events are the claimed price, not a refutation.
        #expect(e.verdict(pipeline: "ap") == .held, "\(e.runs[0].reason)")
        #expect(e.runs[0].lost == 7 && e.runs[0].lostByHop == ["broker->store": 7] && e.runs[0].faultsOnComponent == 1)
        // Unavailable: ingest's two ok ops 1.2 s apart (from the history, not the checker's gap to the end).
        #expect(abs((e.runs[0].longestOutage ?? 0) - 1.2) < 1e-9, "\(String(describing: e.runs[0].longestOutage))")
        // 40 %: not available; one counter-example refutes the claim.
        #expect(e.verdict(pipeline: "cp") == .refuted)
        #expect(e.runs[1].reason.contains("40.0%"), "\(e.runs[1].reason)")
        #expect(e.verdict == .refuted)
        // Without the refuting run, the claim held.
        #expect(ClaimEvidence.judge(Self.kafka, cells: [cells[0]], results: root).verdict == .held)
    }

    @Test func notShownWhenTheFaultMissedTheComponentOrTheRunCouldNotStart() throws {
        let root = TestSupport.tempDir("claims")
        defer { try? FileManager.default.removeItem(atPath: root) }
        // The kill hit the cache: nothing about the broker was tested, however unavailable the run was.
        let other = try Self.run(root, test: "other", faultNode: "cache-1", inFault: OutcomeCounts(ok: 1, fail: 99))
        // A component's kinds count: broker_controller-2 is the broker's.
        let kind = try Self.run(root, test: "kind", faultNode: "broker_controller-2", inFault: OutcomeCounts(ok: 99, fail: 1))
        let e = ClaimEvidence.judge(Self.kafka, cells: [Self.cell("ap", "kill-broker", run: other)], results: root)
        #expect(e.verdict == .notShown && e.runs.first?.faultsOnComponent == 0, "\(e.runs.first?.reason ?? "")")
        #expect(ClaimEvidence.judge(Self.kafka, cells: [Self.cell("ap", "kill-broker", run: kind)], results: root).verdict == .held)
        // A run that exited 4 (could not start: no run folder) and an interrupted one show nothing.
        let dead = Self.cell("cp", "kill-broker", run: "", ending: .cannotStart)
        let stopped = Self.cell("cp", "kill-broker", run: kind, ending: .interrupted)
        let d = ClaimEvidence.judge(Self.kafka, cells: [dead, stopped], results: root)
        #expect(d.verdict == .notShown)
        #expect(d.runs.first?.reason.contains("exit 4") == true, "\(d.runs.first?.reason ?? "")")
        // Cells outside the claim's pipelines or nemeses are not its runs.
        #expect(ClaimEvidence.judge(Self.kafka, cells: [Self.cell("ap", "kill-cache", run: kind)], results: root).runs.isEmpty)
        #expect(!Claim.node("brokers-1", belongsTo: "broker") && !Claim.node("broker", belongsTo: "broker") && !Claim.node("broker-x", belongsTo: "broker"))
    }

    @Test func cpClaimRefutedByStaleHeldOnlyWhenTheFaultForcedRefusals() throws {
        let root = TestSupport.tempDir("claims")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let stale = try Self.run(root, test: "stale", faultNode: "warehouse-1", inFault: OutcomeCounts(ok: 50, fail: 50), stale: 4)
        let refused = try Self.run(root, test: "refused", faultNode: "warehouse-1", inFault: OutcomeCounts(ok: 50, fail: 30, info: 2), lost: 5)
        let untouched = try Self.run(root, test: "untouched", faultNode: "warehouse-2", inFault: OutcomeCounts(ok: 80))
        func judge(_ run: String) -> ClaimRunEvidence? {
            ClaimEvidence.judge(Self.redshift, cells: [Self.cell("cp", "kill-warehouse", run: run)], results: root).runs.first
        }
        let s = try #require(judge(stale))
        #expect(s.verdict == .refuted && s.staleMaxVersions == 3 && s.staleMaxSeconds == 2.5, "\(s.reason)")
        // Refusals and no stale answer: held (lost events are not what this claim is judged on).
        let r = try #require(judge(refused))
        #expect(r.verdict == .held, "\(r.reason)")
        #expect(r.reason.contains("30 refused"))
        // Nothing stale, but nothing refused either: the fault never put the claim to the test.
        let u = try #require(judge(untouched))
        #expect(u.verdict == .notShown && u.reason.contains("never put to the test"), "\(u.reason)")
        // Judged on lost too, the lost events refute it.
        var strict = Self.redshift
        strict.measure = [.lost, .stale]
        let l = ClaimEvidence.judge(strict, cells: [Self.cell("cp", "kill-warehouse", run: refused)], results: root)
        #expect(l.verdict == .refuted && l.runs.first?.reason.contains("5 acknowledged lost (broker->store 5)") == true)
        // Limited to the loader's hop, the 5 events lost between broker and store are not this claim's.
        strict.hops = ["store->warehouse"]
        #expect(ClaimEvidence.judge(strict, cells: [Self.cell("cp", "kill-warehouse", run: refused)], results: root).verdict == .held)
        strict.hops = ["broker->store"]
        #expect(ClaimEvidence.judge(strict, cells: [Self.cell("cp", "kill-warehouse", run: refused)], results: root).verdict == .refuted)
        #expect(ClaimVerdict.merge([.notShown, .held, .notShown]) == .held && ClaimVerdict.merge([]) == .notShown)
    }

    @Test func claimsPageShowsFiguresAndEscapesHostileText() throws {
        let root = TestSupport.tempDir("claims")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let ap = try Self.run(root, test: "ap", faultNode: "broker-1", inFault: OutcomeCounts(ok: 95, fail: 3, info: 2), lost: 7,
                              hop: Self.hostile)
        var claim = Self.kafka
        claim.name = Self.hostile
        claim.tradeoff = "may lose \(Self.hostile) & more"
        claim.pipelines = ["ap", Self.hostile]
        let record = CampaignRecord(campaign: "cap", file: "cap.yml", started: "20261130T120000Z", finished: "20261130T120200Z",
                                    shard: 1, shards: 1, matrixSize: 2,
                                    cells: [Self.cell("ap", "kill-broker", run: ap), Self.cell(Self.hostile, "kill-broker", run: "", ending: .cannotStart)],
                                    claims: [claim])
        try record.write(results: root)
        let view = try #require(ResultsTree.scan(root).campaigns.first)
        #expect(view.claims == [claim])
        let path = try #require(try ClaimsPage.write(view, results: root))
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!html.contains("<script>") && !html.contains("alert('x')"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        #expect(html.contains("95.0%") && html.contains(">held<") && html.contains("not run (cannot-start)"))
        #expect(html.contains("href=\"../../ap/20261130T120000Z/report.html\""))
        // A campaign without claims gets no claims page.
        var plain = view
        plain.claims = []
        #expect(try ClaimsPage.write(plain, results: root + "/other") == nil)
    }
}
