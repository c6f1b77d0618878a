// TrendsPage: results/trends.html: every campaign over its nights, one row per cell, newest night first.
import Foundation
import Store

/// TrendsPage renders the nightly view of a results folder from the campaigns' records and the runs they
/// name: per campaign a table (one row per pipeline × workload × nemesis × seed, one column per night,
/// newest first) of marks that tell valid, expected anomaly, failed expectation, unknown and harness
/// failure apart, each linking to its run's report; sparklines of lost, stale, availability and p99
/// over the nights; regressions flagged; when each kind of anomaly was first and last seen; and the
/// nights' identities (file hashes, Faultline and component versions) with what changed.
public enum TrendsPage {
    public static func render(_ campaigns: [CampaignTrends], archives: [String] = []) -> String {
        var b = "<nav><a href=\"index.html\">← all runs and campaigns</a></nav>"
        b += "<h1>Nightly trends</h1>"
        let nights = Set(campaigns.flatMap { $0.nights.map(\.label) }).count
        b += "<p class=\"note\">\(campaigns.count) campaign(s) · \(nights) night(s) kept\(archives.isEmpty ? "" : " · \(archives.count) archived") · columns: newest night first · sparklines: oldest → newest</p>"
        b += legend()
        if campaigns.isEmpty {
            b += "<p class=\"muted\">No campaign yet (<code>faultline campaign campaigns/nightly.yml</code>).</p>"
        }
        for c in campaigns { b += section(c) }
        if !archives.isEmpty {
            b += "<h2>Archived nights</h2><p class=\"note\">Pruned from this folder; unpack with <code>tar xzf FILE</code> and open its index.html.</p><ul>"
            for a in archives { b += "<li><a href=\"\(HTML.href(a))\">\(HTML.esc((a as NSString).lastPathComponent))</a></li>" }
            b += "</ul>"
        }
        return HTML.page(title: "Nightly trends – Faultline", body: b, extraCSS: css)
    }

    static func legend() -> String {
        var s = "<p class=\"legend\">"
        for m in NightMark.allCases { s += "<span>\(mark(m, link: nil, title: m.label)) \(HTML.esc(m.label))</span>" }
        s += "<span><span class=\"mk expectation-failed reg\">✗</span> regression (held the night before)</span>"
        s += "<span><span class=\"mk none\">·</span> not run</span>"
        s += "<span><span class=\"delta\">Δ</span> files or versions changed</span></p>"
        return s
    }

    static func glyph(_ m: NightMark) -> String {
        switch m {
        case .valid: return "✓"
        case .anomaly: return "◆"
        case .expectationFailed: return "✗"
        case .unknown: return "?"
        case .harnessFailure: return "H"
        }
    }

    static func mark(_ m: NightMark, link: String?, title: String, regression: Bool = false) -> String {
        let cls = "mk \(m.rawValue)\(regression ? " reg" : "")"
        if let link { return "<a class=\"\(cls)\" href=\"\(HTML.href(link))\" title=\"\(HTML.esc(title))\">\(glyph(m))</a>" }
        return "<span class=\"\(cls)\" title=\"\(HTML.esc(title))\">\(glyph(m))</span>"
    }

    /// 20261130T021500Z → "11-30 02:15"; any other label as it is.
    static func shortLabel(_ l: String) -> String {
        let c = Array(l)
        guard c.count >= 16, c[8] == "T", c[15] == "Z" else { return l }
        return "\(String(c[4..<6]))-\(String(c[6..<8])) \(String(c[9..<11])):\(String(c[11..<13]))"
    }

    static func cellName(_ r: CellTrend) -> String { "\(r.pipeline) × \(r.workload) × \(r.nemesis) seed \(r.seed)" }

    static func section(_ c: CampaignTrends) -> String {
        let folder = "campaigns/" + c.name
        var b = "<h2 id=\"\(HTML.esc("c-" + c.name))\">Campaign \(HTML.esc(c.name))</h2>"
        guard let tonight = c.nights.first else { return b }
        let tonightEntries = c.rows.compactMap { $0.entries.first ?? nil }
        let count = { (m: NightMark) in tonightEntries.filter { $0.mark == m }.count }
        let failed = count(.expectationFailed), harness = count(.harnessFailure)
        var status = failed == 0 && harness == 0 ? "<span class=\"v ok\">every expectation held</span>" : ""
        if failed > 0 { status += "<span class=\"v bad\">\(failed) expectation(s) failed</span> " }
        if harness > 0 { status += "<span class=\"v harness\">\(harness) harness failure(s)</span>" }
        b += "<p>Newest night <b>\(HTML.esc(tonight.label))</b> (\(HTML.esc(IndexPage.pretty(tonight.started))) UTC): \(status)"
        b += " · \(tonightEntries.count) of \(c.rows.count) cells ran · \(c.nights.count) night(s) · <a href=\"\(HTML.href(folder + "/comparison.html"))\">comparison</a> · <a href=\"\(HTML.href(folder + "/junit.xml"))\">junit.xml</a></p>"
        // What changed between nights (files, versions), newest first, beside the behaviour it may explain.
        let changed = c.nights.indices.filter { !c.changes[$0].isEmpty }
        if !changed.isEmpty {
            b += "<p class=\"changes\"><span class=\"delta\">Δ</span> Changed: " + changed.prefix(6).map { i in
                "<b>\(HTML.esc(c.nights[i].label))</b> \(c.changes[i].map { HTML.short($0, 120) }.joined(separator: "; "))"
            }.joined(separator: " · ") + (changed.count > 6 ? " · <span class=\"muted\">\(changed.count - 6) earlier (Nights, below)</span>" : "") + "</p>"
        }
        if tonight.unfinished { b += "<p class=\"alert\">The newest night's controller did not finish (crashed or still running): cells it did not reach are not shown.</p>" }
        let regressions = c.regressionsTonight
        if !regressions.isEmpty {
            b += "<div class=\"alert\"><b>Regression tonight</b> (the expectation held on the cell's previous night):<ul>"
            for r in regressions {
                let e = r.entries[0]!
                b += "<li>\(HTML.esc(cellName(r))): \(HTML.short(e.cell.failures.joined(separator: "; "), 300))"
                if let link = e.link { b += " · <a href=\"\(HTML.href(link))\">report</a>" }
                b += "</li>"
            }
            b += "</ul></div>"
        }
        // The table: cell, four sparklines, one column per night.
        b += "<div class=\"scroll\"><table class=\"trend\"><thead><tr><th class=\"cell\">pipeline × workload × nemesis</th><th>lost</th><th>stale</th><th>availability</th><th>p99</th>"
        for (i, n) in c.nights.enumerated() {
            let ch = c.changes[i]
            let delta = ch.isEmpty ? "" : "<span class=\"delta\" title=\"\(HTML.esc(ch.joined(separator: "\n")))\">Δ</span>"
            b += "<th class=\"nt\" title=\"\(HTML.esc(n.label + " · started " + IndexPage.pretty(n.started) + " UTC"))\"><div>\(HTML.esc(shortLabel(n.label)))</div>\(delta)</th>"
        }
        b += "</tr></thead><tbody>"
        var lastGroup = ""
        for r in c.rows {
            let group = r.workload + " × " + r.nemesis
            if group != lastGroup {
                b += "<tr class=\"grp\"><td colspan=\"\(5 + c.nights.count)\">\(HTML.esc(group))</td></tr>"
                lastGroup = group
            }
            let reg = r.entries.contains { $0?.regression == true }
            b += "<tr><td class=\"cell\">\(HTML.esc(r.pipeline)) <span class=\"muted\">seed \(r.seed)</span>\(r.entries.first??.regression == true ? " <span class=\"v bad\">regression</span>" : reg ? " <span class=\"v regold\">regressed before</span>" : "")</td>"
            let chrono = Array(r.entries.reversed())
            b += spark(chrono.map { $0?.metrics.lost.map(Double.init) }, color: "#c0392b", name: "lost", format: { String(Int($0)) })
            b += spark(chrono.map { $0?.metrics.stale.map(Double.init) }, color: "#b9770e", name: "stale", format: { String(Int($0)) })
            b += spark(chrono.map { $0?.metrics.okRatio }, fixed: 0...1, color: "#1e7a46", name: "availability", format: { String(format: "%.3f", $0) })
            b += spark(chrono.map { $0?.metrics.p99 }, color: "#2e5eaa", name: "p99", format: { String(format: $0 < 1 ? "%.2f ms" : $0 < 10 ? "%.1f ms" : "%.0f ms", $0) })
            for (i, e) in r.entries.enumerated() {
                guard let e else {
                    b += "<td class=\"mkc\"><span class=\"mk none\" title=\"not run on \(HTML.esc(c.nights[i].label))\">·</span></td>"
                    continue
                }
                var title = "\(c.nights[i].label): \(e.mark.label)\(e.regression ? " (regression)" : "") · verdict \(e.cell.verdictWord) · ending \(e.cell.ending.rawValue)"
                if !e.anomalyKinds.isEmpty { title += "\nanomalies: " + e.anomalyKinds.joined(separator: ", ") }
                if !e.cell.failures.isEmpty { title += "\n" + e.cell.failures.joined(separator: "\n") }
                b += "<td class=\"mkc\">\(mark(e.mark, link: e.link, title: String(title.prefix(600)), regression: e.regression))</td>"
            }
            b += "</tr>"
        }
        b += "</tbody></table></div>"
        // Anomaly kinds.
        b += "<h3>Anomalies: first and last seen</h3>"
        if c.anomalies.isEmpty {
            b += "<p class=\"muted\">No checker found an anomaly on any kept night.</p>"
        } else {
            b += "<table><tr><th>anomaly (checker)</th><th>first seen</th><th>last seen</th><th>nights</th><th>cells</th></tr>"
            for a in c.anomalies {
                let new = a.firstSeen == tonight.label
                b += "<tr><td><b>\(HTML.esc(a.kind))</b>\(new ? " <span class=\"v bad\">new tonight</span>" : "")</td><td>\(HTML.esc(a.firstSeen))</td><td>\(HTML.esc(a.lastSeen))</td>"
                b += "<td class=\"n\">\(a.nights) of \(c.nights.count)</td><td>\(a.cells.map { HTML.esc($0) }.joined(separator: "<br>"))</td></tr>"
            }
            b += "</table>"
        }
        // Nights and their identities.
        b += "<details><summary><b>Nights</b>: files, versions and what changed (\(c.nights.count))</summary>"
        b += "<table class=\"nights\"><tr><th>night</th><th>started (UTC)</th><th>runs</th><th>held</th><th>failed</th><th>harness</th><th>campaign / inputs SHA-256</th><th>Faultline</th><th>components</th><th>changed since the night before</th></tr>"
        for (i, n) in c.nights.enumerated() {
            let cells = Array(n.cells.values)
            let id = n.identity
            b += "<tr><td>\(HTML.esc(n.label))\(n.unfinished ? " <span class=\"v harness\">unfinished</span>" : "")</td><td>\(HTML.esc(IndexPage.pretty(n.started)))</td>"
            b += "<td class=\"n\">\(cells.count)</td><td class=\"n\">\(cells.filter(\.held).count)</td>"
            b += "<td class=\"n\">\(cells.filter { $0.mark == .expectationFailed }.count)</td><td class=\"n\">\(cells.filter(\.isHarnessFailure).count)</td>"
            if let id {
                b += "<td><code title=\"\(HTML.esc(id.campaignSHA256))\">\(HTML.esc(String(id.campaignSHA256.prefix(12))))</code> / <code title=\"\(HTML.esc(id.inputsSHA256))\">\(HTML.esc(String(id.inputsSHA256.prefix(12))))</code></td>"
                b += "<td>\(HTML.esc(id.faultlineVersion))</td><td>"
                b += id.components.isEmpty ? "<span class=\"muted\">none given</span>" : id.components.map {
                    "<span title=\"\(HTML.esc($0.command + "\n" + $0.version))\">\(HTML.esc($0.pipeline)).\(HTML.esc($0.component)): \(HTML.short($0.firstLine, 60))</span>"
                }.joined(separator: "<br>")
                b += "</td>"
            } else {
                b += "<td colspan=\"3\" class=\"muted\">not recorded (record written before nights)</td>"
            }
            b += "<td>\(c.changes[i].isEmpty ? "<span class=\"muted\">–</span>" : c.changes[i].map { HTML.short($0, 160) }.joined(separator: "<br>"))</td></tr>"
        }
        b += "</table></details>"
        return b
    }

    static func spark(_ values: [Double?], fixed: ClosedRange<Double>? = nil, color: String, name: String, format: (Double) -> String) -> String {
        let newest = values.last ?? nil
        let title = "\(name) over \(values.count) night(s), oldest first: " + values.map { $0.map(format) ?? "–" }.joined(separator: ", ")
        return "<td class=\"sp\">\(Sparkline.svg(values, fixed: fixed, color: color, title: title))<span class=\"sv\">\(newest.map(format) ?? "")</span></td>"
    }

    static let css = """
        body{max-width:none}
        .scroll{overflow-x:auto}
        table.trend{border-collapse:separate;border-spacing:0}
        table.trend th,table.trend td{border:0;border-bottom:1px solid #e6e9f0;padding:2px 4px;vertical-align:middle}
        table.trend thead th{background:#f3f5f9;border-bottom:1px solid #c9cfda;vertical-align:bottom}
        table.trend td.cell,table.trend th.cell{min-width:150px;white-space:nowrap;padding-right:10px}
        table.trend tr.grp td{background:#fafbfd;font-weight:600;color:#3b4556;padding-top:6px}
        th.nt{width:24px;min-width:24px;padding:4px 1px!important;text-align:center;font-weight:500;font-size:11px;color:#4a5263}
        th.nt div{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;margin:0 auto}
        td.mkc{text-align:center;padding:2px 1px!important}
        td.sp{white-space:nowrap}td.sp svg{display:inline-block;vertical-align:middle;margin:0;background:transparent}
        .sv{display:inline-block;min-width:44px;font-size:11px;color:#4a5263;margin-left:3px;font-variant-numeric:tabular-nums}
        .mk{display:inline-block;width:18px;height:18px;line-height:18px;border-radius:4px;font-size:12px;font-weight:700;text-align:center;text-decoration:none;box-sizing:border-box}
        .mk.valid{background:#2f9e55;color:#fff}
        .mk.anomaly{background:#f0a53a;color:#fff}
        .mk.expectation-failed{background:#d33c3c;color:#fff}
        .mk.unknown{background:#f5d65b;color:#5a4500}
        .mk.harness-failure{background:repeating-linear-gradient(45deg,#ece8f7,#ece8f7 3px,#d9d1f0 3px,#d9d1f0 6px);color:#4b3a8c;border:1px solid #7a68b8}
        .mk.none{color:#b8bfcc;font-weight:400}
        .mk.reg{box-shadow:0 0 0 2px #fff,0 0 0 4px #7a0d0d}
        .v.harness{background:#ece8f7;color:#4b3a8c}.v.regold{background:#f6eaea;color:#8a4b4b}
        .delta{display:inline-block;color:#b35c00;font-weight:700;font-size:11px;cursor:help}
        .alert{background:#fdf0f0;border:1px solid #f0b9b9;border-left:4px solid #c62828;padding:6px 10px;margin:8px 0;border-radius:3px}
        .alert ul{margin:4px 0 0 0;padding-left:20px}
        table.nights td{font-size:12px}
        p.changes{font-size:12px;color:#4a5263;margin:2px 0 8px}
        .legend .mk{margin-right:2px}
        """

    /// Writes `<results>/trends.html`; returns its path.
    @discardableResult
    public static func write(results root: String) throws -> String {
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let archiveDir = root + "/archive"
        let archives = ((try? FileManager.default.contentsOfDirectory(atPath: archiveDir)) ?? [])
            .filter { $0.hasSuffix(".tar.gz") }.sorted(by: >).map { "archive/" + $0 }
        let path = root + "/trends.html"
        try RunFolder.writeText(render(CampaignTrends.all(results: root), archives: archives), to: path)
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
