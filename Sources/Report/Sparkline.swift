// Sparkline: a small inline-SVG line of one figure over nights (oldest left), for the trends table.
import Foundation

/// Sparkline draws values over nights as a polyline, broken where a night has no value, with a dot on
/// the newest value. The scale is the values' own range (or a fixed one, e.g. 0…1 for a share).
enum Sparkline {
    static let width = 64.0, height = 20.0

    /// `values` oldest first; nil where the night has no figure.
    static func svg(_ values: [Double?], fixed: ClosedRange<Double>? = nil, color: String, title: String) -> String {
        let known = values.compactMap { $0 }.filter(\.isFinite)
        guard !known.isEmpty else { return "<span class=\"muted\">–</span>" }
        var lo = fixed?.lowerBound ?? min(0, known.min()!)
        var hi = fixed?.upperBound ?? known.max()!
        if hi <= lo { hi = lo + 1 }
        if let fixed { lo = min(lo, fixed.lowerBound) }
        let n = values.count
        let pad = 2.0
        func x(_ i: Int) -> Double { n == 1 ? width / 2 : pad + Double(i) / Double(n - 1) * (width - 2 * pad) }
        func y(_ v: Double) -> Double { pad + (1 - (min(max(v, lo), hi) - lo) / (hi - lo)) * (height - 2 * pad) }
        var s = "<svg class=\"spark\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\"><title>\(HTML.esc(title))</title>"
        s += "<line x1=\"0\" x2=\"\(Int(width))\" y1=\"\(f(y(lo)))\" y2=\"\(f(y(lo)))\" stroke=\"#e3e7ee\"/>"
        var run: [String] = []
        func flush() {
            if run.count > 1 { s += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" points=\"\(run.joined(separator: " "))\"/>" }
            run = []
        }
        for (i, v) in values.enumerated() {
            if let v, v.isFinite { run.append("\(f(x(i))),\(f(y(v)))") } else { flush() }
        }
        flush()
        if let i = values.lastIndex(where: { $0 != nil }), let v = values[i] {
            s += "<circle cx=\"\(f(x(i)))\" cy=\"\(f(y(v)))\" r=\"2.2\" fill=\"\(color)\"/>"
        }
        return s + "</svg>"
    }
}
