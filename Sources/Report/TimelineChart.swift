// TimelineChart: the ops of every process around one anomalous op, as bars from invocation to completion.
import Foundation
import Store

/// TimelineChart draws what each process was doing around an op a checker named (Jepsen's timeline):
/// one row per process, one bar per op (invocation to completion, colour by outcome, the op's function,
/// key and value as its label and tooltip), the named op outlined, nemesis events as vertical lines.
enum TimelineChart {
    static let maxOps = 40
    static let maxRows = 24

    /// - Parameters:
    ///   - target: position in `history.ops` of the op the anomaly names (invocation or completion).
    ///   - pairs: the history's paired client ops, in invocation order.
    static func render(history: History, pairs: [CompletedOp], pairAt: [Int: Int], target: Int) -> String {
        guard let pi = pairAt[target] else { return "" }
        let center = pairs[pi]
        let end = history.ops.last?.time ?? 0
        // A time window a few times the target op's own duration around it (at least 50 ms each side);
        // the ops overlapping it, nearest to the target first, capped.
        let t0 = center.invoke.time, t1 = center.completion?.time ?? end
        let pad = max(3 * (t1 - t0), 50_000_000)
        let start = max(0, t0 - pad), stop = t1 + pad
        var chosen = [pi]
        var lo = pi - 1, hi = pi + 1
        func overlaps(_ p: CompletedOp) -> Bool { p.invoke.time <= stop && (p.completion?.time ?? end) >= start }
        // Pairs are in invocation order: walk outwards; an op invoked after `stop` ends the upward walk,
        // and the downward walk stops a generous distance past `start` (long ops may still overlap).
        while chosen.count < maxOps && (lo >= 0 || hi < pairs.count) {
            if hi < pairs.count {
                if pairs[hi].invoke.time > stop { hi = pairs.count } else { if overlaps(pairs[hi]) { chosen.append(hi) }; hi += 1 }
            }
            if lo >= 0 && chosen.count < maxOps {
                if pairs[lo].invoke.time < start - 10 * pad { lo = -1 } else { if overlaps(pairs[lo]) { chosen.append(lo) }; lo -= 1 }
            }
        }
        let ops = chosen.map { pairs[$0] }
        var procs = Array(Set(ops.map(\.process))).sorted()
        if procs.count > maxRows {
            // Keep the target's process and the busiest others.
            let keep = Set([center.process] + procs.filter { $0 != center.process }.prefix(maxRows - 1))
            procs = procs.filter { keep.contains($0) }
        }
        // Layout by event order, as Jepsen's timeline: every invocation, completion and nemesis event in
        // the window gets one equal slot, so a 1 ms op next to a 500 ms one stays visible and the order
        // of events (what linearizability is about) is exact; times are in the tooltips and the table.
        let inWindow = ops.filter { procs.contains($0.process) }
        let nemesisOps = history.ops.filter { $0.process == .nemesis && $0.time >= start && $0.time <= stop }
        var times = Set<Int64>(nemesisOps.map(\.time))
        for op in inWindow {
            times.insert(max(op.invoke.time, start))
            times.insert(min(op.completion?.time ?? stop, stop))
        }
        let order = times.sorted()
        var rank: [Int64: Int] = [:]
        for (i, t) in order.enumerated() { rank[t] = i }
        let rowH = 24.0, left = 80.0, width = 1100.0, right = 10.0, top = 22.0
        let slot = (width - left - right) / Double(max(order.count, 1))
        func px(_ t: Int64) -> Double { left + Double(rank[t] ?? 0) * slot }
        let height = top + Double(procs.count) * rowH + 22
        var s = "<svg width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">"
        for (r, p) in procs.enumerated() {
            let y = top + Double(r) * rowH
            s += "<text x=\"4\" y=\"\(f(y + 16))\">process \(HTML.esc(p.description))</text>"
            s += "<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y + rowH))\" y2=\"\(f(y + rowH))\" stroke=\"#f0f2f5\"/>"
        }
        for op in nemesisOps {
            let x = px(op.time) + slot / 2
            s += "<line x1=\"\(f(x))\" x2=\"\(f(x))\" y1=\"\(f(top - 6))\" y2=\"\(f(height - 18))\" stroke=\"#c0392b\" stroke-dasharray=\"3 2\"><title>\(HTML.short(op.f + " " + op.value.description, 300))</title></line>"
            s += "<text x=\"\(f(x + 2))\" y=\"\(f(top - 9))\" style=\"fill:#c0392b\">\(HTML.short(op.f, 24))</text>"
        }
        var rows = ""
        for op in inWindow.sorted(by: { $0.invoke.time < $1.invoke.time }) {
            guard let r = procs.firstIndex(of: op.process) else { continue }
            let y = top + Double(r) * rowH + 3
            let xa = px(max(op.invoke.time, start)) + 1, xb = px(min(op.completion?.time ?? stop, stop)) + slot - 1
            let color = LatencyChart.outcomeColor[op.outcome] ?? "#555"
            let isTarget = op.invokeIndex == center.invokeIndex
            var label = op.f
            if let k = op.key { label += " " + k }
            label += " " + op.value.description
            let tip = "\(op.outcome.rawValue) \(label) (op \(op.invoke.index)\(op.completion.map { "–\($0.index)" } ?? ""), \(f(Double(op.invoke.time) / 1e6)) ms\(op.completion?.node.map { ", node " + $0 } ?? ""))"
            s += "<g><title>\(HTML.short(tip, 400))</title>"
            s += "<rect x=\"\(f(xa))\" y=\"\(f(y))\" width=\"\(f(max(xb - xa, 2)))\" height=\"\(f(rowH - 6))\" rx=\"3\" fill=\"\(color)\" fill-opacity=\"\(isTarget ? 0.45 : 0.22)\" stroke=\"\(isTarget ? "#111" : color)\" stroke-width=\"\(isTarget ? 2.5 : 1)\"/>"
            if xb - xa > 24 {
                let chars = Int((xb - xa - 6) / 6.2)
                s += "<text x=\"\(f(xa + 3))\" y=\"\(f(y + 13))\">\(HTML.short(label, max(chars, 1)))</text>"
            }
            s += "</g>"
            let ms = { (t: Int64) in String(format: "%.3f", Double(t) / 1e6) }
            rows += "<tr\(isTarget ? " style=\"font-weight:600\"" : "")><td class=\"n\">\(op.invoke.index)</td><td>\(HTML.esc(op.process.description))</td><td>\(HTML.esc(op.f))</td><td>\(HTML.esc(op.key ?? ""))</td><td><code>\(HTML.short(op.value.description, 120))</code></td><td>\(op.outcome.rawValue)</td><td class=\"n\">\(ms(op.invoke.time))</td><td class=\"n\">\(op.completion.map { ms($0.time) } ?? "–")</td><td>\(HTML.esc(op.completion?.node ?? ""))</td><td>\(HTML.short(op.completion?.error ?? "", 80))</td></tr>"
        }
        s += "<text x=\"\(f(left))\" y=\"\(f(height - 4))\">\(String(format: "%.3f", Double(start) / 1e9)) s</text>"
        s += "<text x=\"\(f(width - right))\" y=\"\(f(height - 4))\" text-anchor=\"end\">\(String(format: "%.3f", Double(stop) / 1e9)) s (events in order, not to scale)</text>"
        s += "</svg>"
        s += "<details><summary>these \(inWindow.count) ops as a table</summary><table><tr><th>op</th><th>process</th><th>f</th><th>key</th><th>value</th><th>outcome</th><th>invoked (ms)</th><th>completed (ms)</th><th>node</th><th>error</th></tr>\(rows)</table></details>"
        return s
    }

    /// The op positions an example names: `index`, `invoke_index`, `complete_index` at its top level or
    /// inside `op`, `read`, `write` (the shapes the checkers write).
    static func opIndex(in example: JSONValue) -> Int? {
        for k in ["complete_index", "index", "invoke_index"] { if let i = example[k]?.intValue { return i } }
        for k in ["op", "read", "write", "completion", "invoke"] {
            if let inner = example[k], inner.objectValue != nil, let i = opIndex(in: inner) { return i }
        }
        return nil
    }
}
