// IndexPage: results/index.html: every campaign and every run, newest first, with verdicts.
import Foundation
import Store

/// IndexPage renders the front page of a results folder from a `ResultsTree`.
public enum IndexPage {
    public static func render(_ tree: ResultsTree) -> String {
        var b = "<h1>Faultline results</h1>"
        b += "<p class=\"note\">\(tree.runs.count) run(s), \(tree.campaigns.count) campaign(s) · \(HTML.esc(tree.root))</p>"
        b += "<h2>Campaigns</h2>"
        if !tree.campaigns.isEmpty { b += "<p><a href=\"trends.html\">Nightly trends</a>: every campaign over its nights.</p>" }
        if tree.campaigns.isEmpty {
            b += "<p class=\"muted\">None yet (<code>faultline campaign campaigns/nightly.yml</code>).</p>"
        } else {
            b += "<table><tr><th>campaign</th><th>updated</th><th>runs</th><th>expectations</th><th>pages</th></tr>"
            for c in tree.campaigns {
                let held = c.cells.filter(\.held).count
                let status = c.allHeld ? "<span class=\"v ok\">all \(held) held</span>" : "<span class=\"v bad\">\(c.cells.count - held) failed</span>"
                b += "<tr><td>\(HTML.esc(c.name))</td><td>\(HTML.esc(pretty(c.updated)))</td><td class=\"n\">\(c.cells.count)/\(c.matrixSize)</td><td>\(status)</td>"
                b += "<td><a href=\"\(HTML.href(c.folder + "/comparison.html"))\">comparison</a> · <a href=\"\(HTML.href(c.folder + "/junit.xml"))\">junit.xml</a>"
                    + (c.claims.isEmpty ? "" : " · <a href=\"\(HTML.href(c.folder + "/claims.html"))\">claims</a>") + "</td></tr>"
            }
            b += "</table>"
        }
        b += "<h2>Runs</h2>"
        if tree.runs.isEmpty { return HTML.page(title: "Faultline results", body: b + "<p class=\"muted\">No run yet.</p>") }
        b += "<table><tr><th>time (UTC)</th><th>test</th><th>verdict</th><th>checkers</th><th>seed</th><th>run</th></tr>"
        for r in tree.runs {
            let checkers = r.checkers.map { c in
                "<span class=\"v \(c.valid == .valid ? "ok" : c.valid == .invalid ? "bad" : "unk")\">\(HTML.esc(c.name))</span>"
            }.joined(separator: " ")
            let seed = r.parameters.first { $0.key == "seed" }?.value ?? ""
            let link = r.hasReport ? "<a href=\"\(HTML.href(r.path + "/" + RunFolder.File.report.name))\">report</a>" : "<a href=\"\(HTML.href(r.path + "/"))\">folder</a>"
            b += "<tr><td>\(HTML.esc(pretty(r.stamp)))</td><td>\(HTML.esc(r.test))</td><td>\(HTML.verdict(r.valid))</td><td>\(checkers)</td><td class=\"n\">\(HTML.esc(seed))</td><td>\(link)</td></tr>"
        }
        b += "</table>"
        return HTML.page(title: "Faultline results", body: b)
    }

    /// Writes `<root>/index.html`; returns its path.
    @discardableResult
    public static func write(results root: String) throws -> String {
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let path = root + "/index.html"
        try RunFolder.writeText(render(ResultsTree.scan(root)), to: path)
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// 20261125T043029Z → 2026-11-25 04:30:29.
    static func pretty(_ stamp: String) -> String {
        let c = Array(stamp)
        guard c.count >= 16, c[8] == "T" else { return stamp }
        return "\(String(c[0..<4]))-\(String(c[4..<6]))-\(String(c[6..<8])) \(String(c[9..<11])):\(String(c[11..<13])):\(String(c[13..<15]))\(c.count > 16 ? " " + String(c[16...]) : "")"
    }
}
