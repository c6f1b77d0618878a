// LatencyChart: every completed op as a point (time, latency), colour by outcome, shape by function (Jepsen's latency plot).
import Foundation
import Store

/// LatencyChart draws the latency scatter. Points are collapsed onto the pixel grid per series (a pixel
/// holding a point already holds them all) and each series is capped, so a million ops stay a few
/// hundred kilobytes; the page says how many points were drawn.
enum LatencyChart {
    static let outcomeColor: [Op.Kind: String] = [.ok: "#2f6fd0", .fail: "#d64545", .info: "#e09a00"]
    static let shapes = ["circle", "square", "triangle", "diamond", "cross", "plus"]
    static let capPerSeries = 6000

    static func render(pairs: [CompletedOp], faults: [StoredFaultSpan], end: Int64) -> String {
        let done = pairs.filter { $0.latency != nil }
        guard !done.isEmpty else { return "<p class=\"note\">No completed client op.</p>" }
        var functions: [String] = []
        for p in done where !functions.contains(p.f) {
            functions.append(p.f)
            if functions.count > 40 { break }
        }
        let lats = done.map { max(Double($0.latency!) / 1e6, 0.001) }
        let lo = lats.min()!, hi = lats.max()!
        var plot = SVGPlot(height: 320, xs: 0...(Double(end) / 1e9), ys: (lo * 0.8)...(hi * 1.25), logY: true)
        plot.shade(faults)
        // One path per (function, outcome), points deduplicated on the pixel grid.
        struct Key: Hashable { var f: Int; var k: Op.Kind }
        var seen: [Key: Set<Int>] = [:]
        var paths: [Key: String] = [:]
        var drawn = 0, total = 0
        for (i, p) in done.enumerated() {
            guard let fi = functions.firstIndex(of: p.f) else { continue }
            total += 1
            let key = Key(f: fi, k: p.outcome)
            let x = plot.px(Double(p.completion!.time) / 1e9), y = plot.py(lats[i])
            let cell = Int(x) * 4096 + Int(y)
            if seen[key, default: []].insert(cell).inserted == false { continue }
            if seen[key]!.count > capPerSeries { continue }
            paths[key, default: ""] += mark(shapes[fi % shapes.count], x, y)
            drawn += 1
        }
        for (key, d) in paths.sorted(by: { ($0.key.f, $0.key.k.rawValue) < ($1.key.f, $1.key.k.rawValue) }) {
            let color = outcomeColor[key.k] ?? "#555"
            let shape = shapes[key.f % shapes.count]
            switch shape {
            case "circle": plot.body += "<path d=\"\(d)\" stroke=\"\(color)\" stroke-width=\"5\" stroke-linecap=\"round\" stroke-opacity=\"0.7\"/>"
            case "square": plot.body += "<path d=\"\(d)\" stroke=\"\(color)\" stroke-width=\"5\" stroke-linecap=\"square\" stroke-opacity=\"0.7\"/>"
            case "cross", "plus": plot.body += "<path d=\"\(d)\" stroke=\"\(color)\" stroke-width=\"1.5\" fill=\"none\"/>"
            default: plot.body += "<path d=\"\(d)\" fill=\"\(color)\" fill-opacity=\"0.7\"/>"
            }
        }
        var s = plot.render(yLabel: "latency (ms)", yFormat: { v in v >= 1 ? String(Int(v)) : String(format: "%g", v) })
        s += "<div class=\"legend\">"
        for (k, c) in [(Op.Kind.ok, "ok"), (.fail, "fail"), (.info, "info")] {
            s += "<span><i class=\"sw\" style=\"background:\(outcomeColor[k]!)\"></i>\(c)</span>"
        }
        for (i, fn) in functions.enumerated() { s += "<span>\(symbol(shapes[i % shapes.count])) \(HTML.esc(fn))</span>" }
        s += "<span><i class=\"sw\" style=\"background:#f3c9c9\"></i>fault window</span></div>"
        if drawn < total {
            s += "<p class=\"note\">\(drawn) of \(total) points drawn: points falling on the same pixel are drawn once (at most \(capPerSeries) per function and outcome).</p>"
        }
        return s
    }

    /// Path data of one marker at (x, y).
    static func mark(_ shape: String, _ x: Double, _ y: Double) -> String {
        switch shape {
        case "circle", "square": return "M\(f(x)) \(f(y))h0"
        case "triangle": return "M\(f(x)) \(f(y - 3))l3 5h-6z"
        case "diamond": return "M\(f(x)) \(f(y - 3.5))l3.5 3.5-3.5 3.5-3.5-3.5z"
        case "cross": return "M\(f(x - 3)) \(f(y - 3))l6 6m0-6l-6 6"
        default: return "M\(f(x - 3.5)) \(f(y))h7m-3.5-3.5v7"
        }
    }

    static func symbol(_ shape: String) -> String {
        ["circle": "●", "square": "■", "triangle": "▲", "diamond": "◆", "cross": "✕", "plus": "+"][shape] ?? "•"
    }
}
