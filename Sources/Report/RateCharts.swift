// RateCharts: throughput (completions per second by outcome) and availability (ok share) over time.
import Foundation
import Store

/// Windows are the outcome tallies the checkers stored (results.json), merged into wider windows when a
/// run is long, so that a chart never has more than `maxWindows` windows.
struct Windows {
    var width: Int64
    var ok: [Int] = [], fail: [Int] = [], info: [Int] = []
    static let maxWindows = 400

    init(_ timeline: StoredTimeline) {
        let stored = max(1, Int64((timeline.windowSeconds * 1e9).rounded()))
        var factor = 1
        while (timeline.windows.count + factor - 1) / factor > Windows.maxWindows { factor *= 2 }
        width = stored * Int64(factor)
        for w in timeline.windows {
            let i = max(0, Int((w.start * 1e9 / Double(stored)).rounded())) / factor
            while ok.count <= i {
                ok.append(0)
                fail.append(0)
                info.append(0)
            }
            ok[i] += w.counts.ok
            fail[i] += w.counts.fail
            info[i] += w.counts.info
        }
    }

    var seconds: Double { Double(width) / 1e9 }
}

enum RateCharts {
    static func throughput(_ w: Windows, faults: [StoredFaultSpan], end: Int64) -> String {
        let rates = [w.ok, w.fail, w.info].map { $0.map { Double($0) / w.seconds } }
        let hi = rates.flatMap { $0 }.max() ?? 1
        var plot = SVGPlot(height: 220, xs: 0...(Double(end) / 1e9), ys: 0...max(hi * 1.1, 1))
        plot.shade(faults)
        for (r, color) in zip(rates, ["#2f6fd0", "#d64545", "#e09a00"]) where r.contains(where: { $0 > 0 }) {
            plot.body += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.6\" points=\"\(line(plot, r, w.seconds))\"/>"
        }
        return plot.render(yLabel: "ops/s", yFormat: { String(Int($0.rounded())) })
            + legend(["ok": "#2f6fd0", "fail": "#d64545", "info": "#e09a00"], note: "completions per second, \(fmt(w.seconds)) s windows")
    }

    static func availability(_ w: Windows, faults: [StoredFaultSpan], end: Int64) -> String {
        var plot = SVGPlot(height: 200, xs: 0...(Double(end) / 1e9), ys: 0...1)
        plot.shade(faults)
        var pts = ""
        for i in w.ok.indices {
            let n = w.ok[i] + w.fail[i] + w.info[i]
            guard n > 0 else { continue }
            let x = plot.px((Double(i) + 0.5) * w.seconds), y = plot.py(Double(w.ok[i]) / Double(n))
            pts += "\(f(x)),\(f(y)) "
        }
        plot.body += "<polyline fill=\"none\" stroke=\"#17642d\" stroke-width=\"1.8\" points=\"\(pts)\"/>"
        return plot.render(yLabel: "ok share", yFormat: { String(format: "%.2f", $0) })
            + "<p class=\"note\">Share of completions that were ok, per \(fmt(w.seconds)) s window (windows with no completion are skipped).</p>"
    }

    static func line(_ plot: SVGPlot, _ values: [Double], _ width: Double) -> String {
        var s = ""
        for (i, v) in values.enumerated() { s += "\(f(plot.px((Double(i) + 0.5) * width))),\(f(plot.py(v))) " }
        return s
    }

    static func legend(_ items: KeyValuePairs<String, String>, note: String) -> String {
        var s = "<div class=\"legend\">"
        for (k, c) in items { s += "<span><i class=\"sw\" style=\"background:\(c)\"></i>\(k)</span>" }
        return s + "<span><i class=\"sw\" style=\"background:#f3c9c9\"></i>fault window</span> <span class=\"muted\">\(note)</span></div>"
    }

    static func fmt(_ d: Double) -> String { d == d.rounded() ? String(Int(d)) : String(d) }
}
