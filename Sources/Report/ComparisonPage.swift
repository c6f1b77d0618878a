// ComparisonPage: a campaign's page: for each workload × nemesis, the pipelines (AP, CP, …) side by side.
import Foundation
import Store

/// ComparisonPage renders `results/campaigns/<name>/comparison.html` from the campaign's records and the
/// runs they name: one table per workload × nemesis, one column per pipeline (and seed), rows for the
/// verdict, the expectation, anomalies found, lost and stale counts, ops by outcome (ok, fail = refused,
/// info = unknown), ok ops per second, availability, longest gap, slowest recovery and latency
/// percentiles; each column links to its run's report.
public enum ComparisonPage {
    public static func render(_ campaign: CampaignView, results root: String) -> String {
        let up = "../../"
        var b = "<nav><a href=\"\(up)index.html\">← all runs and campaigns</a><a href=\"\(up)trends.html\">nightly trends</a><a href=\"junit.xml\">junit.xml</a>\(campaign.claims.isEmpty ? "" : "<a href=\"claims.html\">claims (held, refuted, not shown)</a>")</nav>"
        let held = campaign.cells.filter(\.held).count
        let status = campaign.allHeld ? "<span class=\"v ok\">every expectation held</span>"
            : "<span class=\"v bad\">\(campaign.cells.count - held) expectation(s) failed\(campaign.cells.count < campaign.matrixSize ? ", \(campaign.matrixSize - campaign.cells.count) run(s) missing" : "")</span>"
        b += "<h1>Campaign \(HTML.esc(campaign.name)) \(status)</h1>"
        b += "<p class=\"note\">\(campaign.cells.count) of \(campaign.matrixSize) runs · \(held) expectation(s) held · updated \(HTML.esc(IndexPage.pretty(campaign.updated))) UTC · \(campaign.records.count) record(s)\(campaign.records.count > 1 ? " merged (shards or several nights: the newest run of each cell is shown)" : "")</p>"
        var groups: [(String, String)] = []
        for c in campaign.cells where !groups.contains(where: { $0 == (c.workload, c.nemesis) }) { groups.append((c.workload, c.nemesis)) }
        // Overview: one row per workload × nemesis, one column per pipeline, a badge per seed.
        let pipelines = Array(Set(campaign.cells.map(\.pipeline))).sorted()
        b += "<h2>Overview</h2><table><tr><th>workload × nemesis</th>" + pipelines.map { "<th>\(HTML.esc($0))</th>" }.joined() + "</tr>"
        for (workload, nemesis) in groups {
            b += "<tr><td>\(HTML.esc(workload)) × \(HTML.esc(nemesis))</td>"
            for p in pipelines {
                let cs = campaign.cells.filter { $0.workload == workload && $0.nemesis == nemesis && $0.pipeline == p }
                b += "<td>" + cs.map { c in
                    HTML.verdict(c.verdict) + (c.held ? "" : " <span class=\"v bad\">expectation failed</span>")
                }.joined(separator: " ") + "</td>"
            }
            b += "</tr>"
        }
        b += "</table>"
        for (workload, nemesis) in groups {
            let cells = campaign.cells.filter { $0.workload == workload && $0.nemesis == nemesis }
                .sorted { ($0.pipeline, $0.seed) < ($1.pipeline, $1.seed) }
            let metrics = cells.map { c -> RunMetrics in
                RunMetrics(results: c.run.isEmpty ? nil : (try? StoredRun.load(dir: root + "/" + c.run))?.results)
            }
            b += "<h2>\(HTML.esc(workload)) × \(HTML.esc(nemesis))</h2><table class=\"cmp\"><tr><th></th>"
            for c in cells { b += "<th>\(HTML.esc(c.pipeline))<br><span class=\"muted\">seed \(c.seed)</span></th>" }
            b += "</tr>"
            func row(_ name: String, _ cell: (Int) -> String) {
                b += "<tr><th>\(name)</th>" + cells.indices.map { "<td class=\"n\">\(cell($0))</td>" }.joined() + "</tr>"
            }
            row("verdict") { i in HTML.verdict(cells[i].verdict) + (cells[i].ending != .checked ? " <span class=\"muted\">\(cells[i].ending.rawValue)</span>" : "") }
            row("expectation") { i in
                cells[i].held ? "<span class=\"v ok\">held</span>"
                    : "<span class=\"v bad\">failed</span><br>" + cells[i].failures.map { HTML.short($0, 200) }.joined(separator: "<br>")
            }
            row("anomalies") { i in
                metrics[i].anomalies.isEmpty ? "none" : metrics[i].anomalies.map { HTML.short($0, 240).replacingOccurrences(of: " ", with: " · ").replacingOccurrences(of: ": · ", with: ":<br>") }.joined(separator: "<br>")
            }
            row("lost") { i in metrics[i].lost.map(String.init) ?? "<span class=\"muted\">–</span>" }
            row("stale") { i in metrics[i].stale.map(String.init) ?? "<span class=\"muted\">–</span>" }
            let funnels = cells.map { c in c.run.isEmpty ? nil : PipelineFigures((try? StoredRun.load(dir: root + "/" + c.run))?.results) }
            if funnels.contains(where: { $0 != nil }) {
                row("events: ack → stages") { i in funnels[i].map { HTML.esc($0.line) } ?? "<span class=\"muted\">–</span>" }
                row("lost by hop") { i in funnels[i].map { $0.lostByHop.isEmpty ? "none" : $0.lostByHop.map { "\(HTML.esc($0.hop)) \($0.events)" }.joined(separator: "<br>") } ?? "–" }
                row("stale answers (max behind)") { i in
                    guard let p = funnels[i] else { return "–" }
                    let v = p.staleVersions?["max"]?.intValue, s = p.staleNs?["max"]?.intValue
                    return "\(p.staleAnswers)" + (v.map { " (\($0) versions, \(HTML.num(Double(s ?? 0) / 1e9, 2)) s)" } ?? "")
                }
            }
            row("ops ok · fail · info") { i in
                metrics[i].outcomes.map { "\($0.ok) · \($0.fail) · \($0.info)" } ?? "<span class=\"muted\">–</span>"
            }
            row("ok ops/s") { i in HTML.num(metrics[i].okPerSecond, 1) }
            row("availability (ok share)") { i in HTML.num(metrics[i].okRatio, 3) }
            row("longest gap") { i in HTML.num(metrics[i].longestGap, 2, unit: " s") }
            row("slowest recovery") { i in HTML.num(metrics[i].recovery, 3, unit: " s") + (metrics[i].noRecovery > 0 ? " (\(metrics[i].noRecovery) never)" : "") }
            row("latency p50") { i in HTML.num(metrics[i].p50, 2, unit: " ms") }
            row("latency p99") { i in HTML.num(metrics[i].p99, 2, unit: " ms") }
            row("run") { i in
                let c = cells[i]
                if c.run.isEmpty { return "<span class=\"muted\">not run</span>" }
                let hasReport = FileManager.default.fileExists(atPath: RunFolder(root + "/" + c.run).report)
                return "<a href=\"\(HTML.href(up + c.run + "/" + (hasReport ? RunFolder.File.report.name : "")))\">\(HTML.esc((c.run as NSString).lastPathComponent))</a>"
            }
            b += "</table>"
        }
        b += "<p class=\"note\">lost: acknowledged writes or events missing at the end; stale: stale reads or API answers; ops: client ops by outcome (fail: certainly no effect, e.g. refused; info: outcome unknown); ok ops/s: ok ops over the seconds ops ran, faults included; longest gap: the longest time a function went without an ok op; slowest recovery: fault end to the first ok op.</p>"
        return HTML.page(title: "Campaign \(campaign.name) – Faultline", body: b)
    }

    /// Writes `<results>/campaigns/<name>/comparison.html` and `junit.xml`; returns the page's path.
    @discardableResult
    public static func write(_ campaign: CampaignView, results root: String) throws -> String {
        let dir = root + "/" + campaign.folder
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try RunFolder.writeText(render(campaign, results: root), to: dir + "/comparison.html")
        try RunFolder.writeText(JUnitWriter.render(campaign: campaign.name, cells: campaign.cells), to: dir + "/junit.xml")
        return URL(fileURLWithPath: dir + "/comparison.html").standardizedFileURL.path
    }
}
