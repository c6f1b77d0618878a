// `faultline campaign` with claims over the built-in pipelines (no install): claims.html is written beside
// the comparison page, with the verdict each claim's runs give.
import FaultlineTesting
import Foundation
import Store
import Testing

struct ClaimsCampaignTests {
    static let root = CLIProcess.packageRoot()

    /// AP and CP under the warehouse leader cut off together with the query API, 6 s each. The CP API
    /// must refuse while it sees only the deposed leader, and never answer stale: its claim holds; the
    /// broker claim's fault never touched a broker: not shown.
    @Test func campaignWithClaimsWritesTheClaimsPage() async throws {
        let dir = TestSupport.tempDir("claims-campaign")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/claimed.yml"
        try """
            name: claimed
            time_limit: 6s
            seeds: [1]
            pipelines: [pipelines/ap.yml, pipelines/cp.yml]
            workloads: [workloads/pipeline.yml]
            nemeses: [partition-warehouse-minority]
            expect:
              ap: {valid: any}
              cp: {valid: any}
            claims:
              - name: Query API in CP mode
                component: api
                model: CP
                tradeoff: fails instead of answering stale
                pipelines: [cp]
                faulted: [warehouse]
                measure: [stale]
              - name: Broker
                component: broker
                model: AP
                tradeoff: stays available
              - name: Warehouse <b>AP</b>
                component: warehouse
                model: AP
                tradeoff: answers from a replica
                pipelines: [ap]
                min_available: 0.5

            """.write(toFile: file, atomically: true, encoding: .utf8)
        let results = dir + "/r"
        let r = try await CLIProcess.run(CLIProcess.binary("faultline"), ["campaign", file, "--results", results], cwd: Self.root, timeout: 300)
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr.suffix(2000))")
        #expect(r.stdout.contains("claims page: "), "\(r.stdout)")
        let html = try String(contentsOfFile: results + "/campaigns/claimed/claims.html", encoding: .utf8)
        let comparison = try String(contentsOfFile: results + "/campaigns/claimed/comparison.html", encoding: .utf8)
        #expect(comparison.contains("href=\"claims.html\""))
        let index = try String(contentsOfFile: results + "/index.html", encoding: .utf8)
        #expect(index.contains("href=\"campaigns/claimed/claims.html\""))
        #expect(html.contains("Query API in CP mode") && html.contains("Warehouse &lt;b&gt;AP&lt;/b&gt;") && !html.contains("<b>AP</b>"))
        // The record keeps the claims: the page is made from the store alone (as `faultline report` does).
        let view = try #require(ResultsTree.scan(results).campaigns.first)
        #expect(view.claims.map(\.name) == ["Query API in CP mode", "Broker", "Warehouse <b>AP</b>"])
        let evidence = view.claims.map { ClaimEvidence.judge($0, cells: view.cells, results: results) }
        try #require(evidence.count == 3)
        let cp = evidence[0]
        #expect(cp.runs.count == 1 && cp.verdict == .held, "\(cp.runs.map(\.reason))")
        #expect((cp.runs.first?.inFault?.fail ?? 0) + (cp.runs.first?.inFault?.info ?? 0) > 0)
        #expect(evidence[1].runs.count == 2 && evidence[1].verdict == .notShown, "\(evidence[1].runs.map(\.reason))")
        #expect(evidence[2].runs.count == 1 && evidence[2].runs.first?.faultsOnComponent ?? 0 > 0)
        #expect(evidence[2].verdict != .notShown, "\(evidence[2].runs.map(\.reason))")
        // `faultline report` rebuilds the same page from the store.
        try FileManager.default.removeItem(atPath: results + "/campaigns/claimed/claims.html")
        let rep = try await CLIProcess.run(CLIProcess.binary("faultline"), ["report", results], cwd: Self.root, timeout: 120)
        #expect(rep.status == 0, "\(rep.stderr)")
        #expect(FileManager.default.fileExists(atPath: results + "/campaigns/claimed/claims.html"))
    }

    /// A claim naming a nemesis outside the matrix: one line naming the file, the line and the field, exit 2, nothing run.
    @Test func badClaimExits2NamingTheField() async throws {
        let dir = TestSupport.tempDir("claims-bad")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/bad.yml"
        try """
            time_limit: 6s
            pipelines: [pipelines/ap.yml]
            workloads: [workloads/pipeline.yml]
            nemeses: [kill]
            claims:
              - {name: Kafka, component: broker, model: AP, tradeoff: available, nemeses: [pause]}

            """.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try await CLIProcess.run(CLIProcess.binary("faultline"), ["campaign", file, "--results", dir + "/r"], cwd: Self.root, timeout: 60)
        #expect(r.status == 2)
        #expect(r.stderr.contains("bad.yml:6: field claims[1].nemeses: no nemesis named 'pause' in this campaign (kill)"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/r/campaigns"))
    }
}
