// PageLinks: every href/src of the HTML pages under a folder, resolved: broken relative links and any
// reference that would leave the folder (a URL scheme, a protocol-relative or absolute path).
import Foundation

enum PageLinks {
    struct Problems {
        var pages = 0
        var links = 0
        var broken: [String] = []
        var external: [String] = []
    }

    static func check(root: String) -> Problems {
        var p = Problems()
        let fm = FileManager.default
        let rootAbs = URL(fileURLWithPath: root).standardizedFileURL.path
        let pages = (fm.enumerator(atPath: root)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".html") }
        let attr = try! NSRegularExpression(pattern: "(?:href|src)\\s*=\\s*\"([^\"]*)\"", options: [.caseInsensitive])
        for page in pages {
            p.pages += 1
            let text = (try? String(contentsOfFile: root + "/" + page, encoding: .utf8)) ?? ""
            if text.contains("url(") || text.contains("@import") { p.external.append("\(page): CSS url()/@import") }
            let ns = text as NSString
            for m in attr.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
                let raw = ns.substring(with: m.range(at: 1)).replacingOccurrences(of: "&amp;", with: "&")
                p.links += 1
                if raw.hasPrefix("#") { continue }
                if raw.range(of: "^[A-Za-z][A-Za-z0-9+.-]*:", options: .regularExpression) != nil || raw.hasPrefix("//") || raw.hasPrefix("/") {
                    p.external.append("\(page): \(raw)")
                    continue
                }
                var path = raw
                if let i = path.firstIndex(where: { $0 == "#" || $0 == "?" }) { path = String(path[..<i]) }
                path = path.removingPercentEncoding ?? path
                let dir = (page as NSString).deletingLastPathComponent
                let target = URL(fileURLWithPath: rootAbs + "/" + dir + "/" + path).standardizedFileURL.path
                if !target.hasPrefix(rootAbs) { p.external.append("\(page): \(raw) leaves the folder"); continue }
                if !fm.fileExists(atPath: target) { p.broken.append("\(page): \(raw)") }
            }
        }
        return p
    }
}
