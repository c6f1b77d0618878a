// HTML: escaping and the page shell every Faultline page shares (inline CSS, no script, no external URL).
import Foundation
import Store

/// HTML holds the helpers pages are built with. Every string that comes from a history, a log, a
/// verdict or a file goes through `esc` before it reaches a page.
enum HTML {
    /// Escapes text for element content and quoted attribute values.
    static func esc(_ s: String) -> String {
        var needs = false
        for b in s.utf8 where b == 0x26 || b == 0x3C || b == 0x3E || b == 0x22 || b == 0x27 {
            needs = true
            break
        }
        if !needs { return s }
        var o = ""
        o.reserveCapacity(s.utf8.count + 16)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            case "'": o += "&#39;"
            default: o.unicodeScalars.append(ch)
            }
        }
        return o
    }

    /// A relative link target: each path component percent-encoded, so a name can never become a scheme.
    static func href(_ path: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map { p -> String in
            p == ".." || p == "." ? String(p) : (String(p).addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
        }
        return esc(parts.joined(separator: "/"))
    }

    /// Text cut to `max` characters (with an ellipsis), then escaped.
    static func short(_ s: String, _ max: Int) -> String {
        s.count <= max ? esc(s) : esc(String(s.prefix(max))) + "…"
    }

    /// The CSS class and label of a verdict.
    static func verdict(_ v: RunValidity?) -> String {
        switch v {
        case .valid?: return "<span class=\"v ok\">valid</span>"
        case .invalid?: return "<span class=\"v bad\">INVALID</span>"
        case .unknown?: return "<span class=\"v unk\">unknown</span>"
        case nil: return "<span class=\"v none\">no verdict</span>"
        }
    }

    static func num(_ d: Double?, _ digits: Int = 2, unit: String = "") -> String {
        guard let d, d.isFinite else { return "<span class=\"muted\">–</span>" }
        return String(format: "%.\(digits)f", d) + unit
    }

    /// A whole page: the shell, the inline stylesheet and `body`.
    static func page(title: String, body: String, extraCSS: String = "") -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(esc(title))</title>
        <style>\(css)\(extraCSS)</style></head>
        <body>
        \(body)
        <footer>Written by Faultline. Self-contained: no script, no network.</footer>
        </body></html>

        """
    }

    static let css = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1180px;padding:16px 24px;color:#1d2330;background:#fff}
        h1{font-size:22px;margin:8px 0 4px}h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid #dde2ea;padding-bottom:4px}
        h3{font-size:15px;margin:16px 0 6px}
        table{border-collapse:collapse;margin:6px 0 10px;font-size:13px}
        th,td{border:1px solid #dde2ea;padding:3px 8px;text-align:left;vertical-align:top}
        th{background:#f3f5f9;font-weight:600}
        td.n{text-align:right;font-variant-numeric:tabular-nums}
        .v{display:inline-block;padding:0 7px;border-radius:9px;font-weight:600;font-size:12px}
        .ok{background:#dcf3e2;color:#17642d}.bad{background:#fbdada;color:#9b1c1c}.unk{background:#fdf0c9;color:#7a5800}
        .none{background:#e9ecf1;color:#555}.muted{color:#8a93a3}
        code,pre{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}
        pre{background:#f6f8fa;border:1px solid #e3e7ee;padding:6px 8px;overflow-x:auto;max-height:360px;white-space:pre-wrap;word-break:break-all}
        .ex{margin:2px 0;padding:3px 6px;background:#fbf7f7;border-left:3px solid #d64545;word-break:break-all}
        svg{display:block;margin:4px 0 10px;background:#fff}
        svg text{font:11px system-ui,sans-serif;fill:#444}
        .legend span{margin-right:14px;font-size:12px;white-space:nowrap}
        .sw{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:-1px;border-radius:2px}
        .note{color:#6a7385;font-size:12px;margin:2px 0 8px}
        nav a{margin-right:12px}
        table.cmp{table-layout:fixed}table.cmp th:first-child{width:170px}table.cmp td,table.cmp th{width:250px;overflow-wrap:anywhere}table.cmp td.n{text-align:center}
        footer{margin-top:30px;color:#8a93a3;font-size:12px}
        details{margin:4px 0}summary{cursor:pointer}
        """
}
