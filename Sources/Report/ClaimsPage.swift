// ClaimsPage: a campaign's CAP claims and what its runs measured about each: held, refuted or not shown.
import Foundation
import Store

/// ClaimsPage renders `results/campaigns/<name>/claims.html` from the campaign's records (its claims and
/// newest cells) and the runs they name: one row per claim (component, claimed model and trade-off), then
/// for each profile that tests it what was measured (lost events with their hop, stale answers with how
/// stale, unavailable time, refused requests), the verdict and links to the runs; then, per claim, why
/// each run held, refuted or showed nothing.
public enum ClaimsPage {
    public static func render(_ campaign: CampaignView, results root: String) -> String {
        let evidence = campaign.claims.map { ClaimEvidence.judge($0, cells: campaign.cells, results: root) }
        return render(campaign, evidence: evidence)
    }

    static func render(_ campaign: CampaignView, evidence: [ClaimEvidence]) -> String {
        let up = "../../"
        var b = "<nav><a href=\"\(up)index.html\">← all runs and campaigns</a><a href=\"comparison.html\">comparison of the runs</a></nav>"
        let verdicts = evidence.map(\.verdict)
        let count = { (v: ClaimVerdict) in verdicts.filter { $0 == v }.count }
        b += "<h1>Claims of campaign \(HTML.esc(campaign.name))</h1>"
        b += "<p class=\"note\">\(evidence.count) claim(s): \(count(.held)) held · \(count(.refuted)) refuted · \(count(.notShown)) not shown · "
            + "\(campaign.cells.count) of \(campaign.matrixSize) runs · updated \(HTML.esc(IndexPage.pretty(campaign.updated))) UTC</p>"
        b += "<table class=\"claims\"><tr><th>claim</th><th>component</th><th>claimed</th><th>claimed trade-off</th><th>verdict</th>"
            + "<th>profile</th><th>lost events (hop)</th><th>stale answers (how stale)</th><th>unavailable (longest outage)</th>"
            + "<th>ok during faults</th><th>refused · unanswered in faults</th><th>profile verdict</th><th>runs</th></tr>"
        for e in evidence {
            let profiles = e.claim.pipelines
            let span = max(1, profiles.count)
            b += "<tr class=\"first\"><td rowspan=\"\(span)\"><b>\(HTML.esc(e.claim.name))</b></td>"
                + "<td rowspan=\"\(span)\">\(HTML.esc(e.claim.component))</td>"
                + "<td rowspan=\"\(span)\">\(HTML.esc(e.claim.model.rawValue))<br><span class=\"muted\">judged on \(HTML.esc(judgedOn(e.claim)))</span></td>"
                + "<td rowspan=\"\(span)\" class=\"said\">\(HTML.esc(e.claim.tradeoff))</td>"
                + "<td rowspan=\"\(span)\">\(badge(e.verdict))</td>"
            for (i, p) in profiles.enumerated() {
                if i > 0 { b += "<tr>" }
                b += profileCells(p, e.runs.filter { $0.cell.pipeline == p }, up: up)
                b += "</tr>"
            }
            if profiles.isEmpty { b += "<td colspan=\"8\" class=\"muted\">no profile</td></tr>" }
        }
        b += "</table>"
        b += "<p class=\"note\">A claim is <b>refuted</b> by one run that contradicts it (an AP claim: fewer requests succeeded during the faults than it claims; "
            + "a CP claim: an acknowledged event lost or a stale answer); it <b>held</b> when runs tested it and none contradicted it (a CP claim is tested "
            + "only when the faults made the system refuse or leave requests unanswered); it is <b>not shown</b> when no run tested it: none completed "
            + "(a system that could not start, exit 4), or no fault touched the component. Figures are summed over the profile's runs; "
            + "how stale is the worst stale count answer; unavailable is the longest time one kind of request (ingest, query, …) went without success between two successes.</p>"
        for e in evidence {
            b += "<h2>\(HTML.esc(e.claim.name)) (\(HTML.esc(e.claim.component)), \(HTML.esc(e.claim.model.rawValue))) \(badge(e.verdict))</h2>"
            b += "<p class=\"note\">Tested by \(HTML.esc(e.claim.pipelines.joined(separator: ", "))) under \(HTML.esc(e.claim.nemeses.joined(separator: ", "))); "
                + "faults counted on \(HTML.esc(e.claim.faulted.joined(separator: ", "))).</p>"
            if e.runs.isEmpty {
                b += "<p class=\"muted\">No run of the matrix has these pipelines and nemeses yet.</p>"
                continue
            }
            b += "<table><tr><th>profile</th><th>nemesis</th><th>seed</th><th>faults on it</th><th>verdict</th><th>why</th><th>run</th></tr>"
            for r in e.runs {
                b += "<tr><td>\(HTML.esc(r.cell.pipeline))</td><td>\(HTML.esc(r.cell.nemesis))</td><td class=\"n\">\(r.cell.seed)</td>"
                    + "<td class=\"n\">\(r.faultsOnComponent)</td><td>\(badge(r.verdict))</td><td>\(HTML.short(r.reason, 400))</td><td>\(runLink(r.cell, up: up))</td></tr>"
            }
            b += "</table>"
        }
        return HTML.page(title: "Claims of campaign \(campaign.name) – Faultline", body: b, extraCSS: css)
    }

    /// The cells of one profile's row: the figures summed over its runs, its verdict and its runs' links.
    static func profileCells(_ pipeline: String, _ runs: [ClaimRunEvidence], up: String) -> String {
        let muted = "<span class=\"muted\">–</span>"
        func sum(_ xs: [Int?]) -> Int? { xs.contains { $0 != nil } ? xs.reduce(0) { $0 + ($1 ?? 0) } : nil }
        var hops: [String: Int] = [:]
        for r in runs { for (h, n) in r.lostByHop { hops[h, default: 0] += n } }
        let lost = sum(runs.map(\.lost)).map { n in
            "\(n)" + (hops.isEmpty ? "" : "<br><span class=\"muted hop\">" + hops.sorted { $0.key < $1.key }.map { "\(HTML.esc($0.key)) \($0.value)" }.joined(separator: "<br>") + "</span>")
        } ?? muted
        let versions = runs.compactMap(\.staleMaxVersions).max(), seconds = runs.compactMap(\.staleMaxSeconds).max()
        let stale = sum(runs.map(\.stale)).map { n in
            "\(n)" + (n > 0 && versions != nil ? "<br><span class=\"muted\">up to \(versions!) versions, \(HTML.num(seconds, 2)) s behind</span>" : "")
        } ?? muted
        let gap = runs.compactMap(\.longestOutage).max()
        let inFault = runs.compactMap(\.inFault)
        let total = inFault.reduce(0) { $0 + $1.total }, ok = inFault.reduce(0) { $0 + $1.ok }
        let okShare = total > 0 ? HTML.num(Double(ok) / Double(total) * 100, 1, unit: "%") + "<br><span class=\"muted\">\(ok) of \(total)</span>" : muted
        let refused = inFault.isEmpty ? muted : "\(inFault.reduce(0) { $0 + $1.fail }) · \(inFault.reduce(0) { $0 + $1.info })"
        let verdict = runs.isEmpty ? "<span class=\"muted\">no run</span>" : badge(ClaimVerdict.merge(runs.map(\.verdict)))
        let links = runs.isEmpty ? muted : runs.map { runLink($0.cell, up: up, label: "\($0.cell.nemesis) s\($0.cell.seed)") }.joined(separator: "<br>")
        return "<td>\(HTML.esc(pipeline))</td><td class=\"n\">\(lost)</td><td class=\"n\">\(stale)</td><td class=\"n\">\(HTML.num(gap, 2, unit: " s"))</td>"
            + "<td class=\"n\">\(okShare)</td><td class=\"n\">\(refused)</td><td>\(verdict)</td><td class=\"runs\">\(links)</td>"
    }

    static func judgedOn(_ c: Claim) -> String {
        c.measure.map { m -> String in
            switch m {
            case .availability: return "availability ≥ \(Int((c.minAvailable * 100).rounded()))%"
            case .lost: return "no lost" + (c.hops.map { " at " + $0.joined(separator: ", ") } ?? "")
            case .stale: return "no stale"
            }
        }.joined(separator: ", ")
    }

    static func badge(_ v: ClaimVerdict) -> String {
        switch v {
        case .held: return "<span class=\"v ok\">held</span>"
        case .refuted: return "<span class=\"v bad\">refuted</span>"
        case .notShown: return "<span class=\"v none\">not shown</span>"
        }
    }

    /// A link to the run's report, named `label` (default: the run's stamp).
    static func runLink(_ c: CampaignCell, up: String, label: String? = nil) -> String {
        if c.run.isEmpty { return "<span class=\"muted\">\(label.map { HTML.esc($0) + ": " } ?? "")not run (\(HTML.esc(c.ending.rawValue)))</span>" }
        let name = HTML.esc(label ?? (c.run as NSString).lastPathComponent)
        let ending = c.ending == .checked ? "" : " <span class=\"muted\">\(HTML.esc(c.ending.rawValue))</span>"
        return "<a href=\"\(HTML.href(up + c.run + "/" + RunFolder.File.report.name))\">\(name)</a>\(ending)"
    }

    static let css = """
        body{max-width:1500px}
        table.claims td,table.claims th{font-size:12.5px}
        table.claims tr.first td{border-top:2px solid #b9c2d0}
        td.runs{white-space:nowrap;font-size:11.5px}
        .hop{white-space:nowrap}td.said{min-width:170px}
        """

    /// Writes `<results>/campaigns/<name>/claims.html` when the campaign has claims; returns its path.
    @discardableResult
    public static func write(_ campaign: CampaignView, results root: String) throws -> String? {
        guard !campaign.claims.isEmpty else { return nil }
        let dir = root + "/" + campaign.folder
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/claims.html"
        try RunFolder.writeText(render(campaign, results: root), to: path)
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
