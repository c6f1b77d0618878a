// SVGPlot: a plot frame (axes, ticks, fault shading) that the report's charts draw into, as inline SVG.
import Foundation
import Store

/// SVGPlot maps data to pixels inside a frame with margins and writes axes and shaded fault windows.
/// Charts append their marks to `body` and close with `render()`.
struct SVGPlot {
    let width = 1100.0
    let height: Double
    let left = 62.0, right = 14.0, top = 10.0, bottom = 34.0
    let x0: Double, x1: Double   // seconds
    let y0: Double, y1: Double   // data units (log10 when `logY`)
    let logY: Bool
    var body = ""

    init(height: Double = 260, xs: ClosedRange<Double>, ys: ClosedRange<Double>, logY: Bool = false) {
        self.height = height
        x0 = xs.lowerBound
        x1 = xs.upperBound > xs.lowerBound ? xs.upperBound : xs.lowerBound + 1
        if logY {
            y0 = log10(max(ys.lowerBound, 1e-9))
            y1 = max(log10(max(ys.upperBound, 1e-9)), y0 + 1)
        } else {
            y0 = ys.lowerBound
            y1 = ys.upperBound > ys.lowerBound ? ys.upperBound : ys.lowerBound + 1
        }
        self.logY = logY
    }

    var plotW: Double { width - left - right }
    var plotH: Double { height - top - bottom }

    func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * plotW }
    func py(_ y: Double) -> Double {
        let v = logY ? log10(max(y, 1e-9)) : y
        return top + plotH - (min(max(v, y0), y1) - y0) / (y1 - y0) * plotH
    }

    /// Grey bands for the fault windows, labelled with the fault's name.
    mutating func shade(_ windows: [StoredFaultSpan]) {
        for w in windows {
            let a = px(Double(w.start) / 1e9), b = px(Double(w.end) / 1e9)
            let xa = max(left, a), xb = min(width - right, max(b, a + 1))
            guard xb > xa else { continue }
            body += "<rect x=\"\(f(xa))\" y=\"\(f(top))\" width=\"\(f(xb - xa))\" height=\"\(f(plotH))\" fill=\"#f3c9c9\" fill-opacity=\"0.45\"><title>\(HTML.esc(w.fault)) \(f(Double(w.start) / 1e9)) s – \(f(Double(w.end) / 1e9)) s</title></rect>"
            body += "<text x=\"\(f(xa + 3))\" y=\"\(f(top + 11))\" style=\"fill:#a33\">\(HTML.esc(w.fault))</text>"
        }
    }

    /// The frame, time axis (seconds) and value axis, around the marks already in `body`.
    func render(yLabel: String, yFormat: (Double) -> String) -> String {
        var s = "<svg width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">"
        s += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#c9cfda\"/>"
        // Time ticks: a round step giving about 10 ticks.
        let span = x1 - x0
        let raw = span / 10
        let mag = pow(10, floor(log10(max(raw, 1e-9))))
        let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? raw
        var t = ceil(x0 / step) * step
        while t <= x1 + 1e-9 {
            let x = px(t)
            s += "<line x1=\"\(f(x))\" x2=\"\(f(x))\" y1=\"\(f(top + plotH))\" y2=\"\(f(top + plotH + 4))\" stroke=\"#888\"/>"
            s += "<text x=\"\(f(x))\" y=\"\(f(top + plotH + 16))\" text-anchor=\"middle\">\(fmtTick(t))</text>"
            t += step
        }
        s += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 2))\" text-anchor=\"middle\">time (s)</text>"
        // Value ticks: decades on a log axis, five steps on a linear one.
        var ticks: [Double] = []
        if logY {
            var e = ceil(y0)
            while e <= y1 + 1e-9 { ticks.append(pow(10, e)); e += 1 }
        } else {
            for i in 0...4 { ticks.append(y0 + (y1 - y0) * Double(i) / 4) }
        }
        for v in ticks {
            let y = py(v)
            s += "<line x1=\"\(f(left))\" x2=\"\(f(left + plotW))\" y1=\"\(f(y))\" y2=\"\(f(y))\" stroke=\"#eef0f4\"/>"
            s += "<text x=\"\(f(left - 5))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(yFormat(v))</text>"
        }
        s += "<text transform=\"translate(12 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(HTML.esc(yLabel))</text>"
        s += body
        s += "</svg>"
        return s
    }

    func fmtTick(_ t: Double) -> String {
        t == t.rounded() ? String(Int(t)) : String(format: "%.1f", t)
    }
}

/// Pixel coordinates with one decimal: enough for a chart, and short.
func f(_ d: Double) -> String {
    let r = (d * 10).rounded() / 10
    return r == r.rounded() ? String(Int(r)) : String(r)
}
