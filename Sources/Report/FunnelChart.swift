// FunnelChart: where a pipeline run's events went (acknowledged at ingest → each stage's final read),
// and how stale the query API's answers were, from what the pipeline checker stored in results.json.
import Foundation
import Store

/// PipelineFigures: the pipeline verdict's details the report draws (nil when the run has no pipeline verdict).
struct PipelineFigures {
    /// (stage, judged acknowledged events its final read held), in flow order, starting at "ingest".
    var funnel: [(stage: String, events: Int)]
    var lostByHop: [(hop: String, events: Int)]
    var staleAnswers: Int
    var countAnswers: Int
    var staleVersions: JSONValue?
    var staleNs: JSONValue?
    /// Every API answer that carried a warehouse position: versions and nanoseconds behind (0 = fresh).
    var answerVersions: JSONValue?
    var answerNs: JSONValue?

    init?(_ results: StoredResults?) {
        guard let d = results?.verdicts.first(where: { $0.checker == "pipeline" })?.details else { return nil }
        funnel = (d["funnel"]?.arrayValue ?? []).compactMap { s in
            guard let name = s["stage"]?.stringValue, let n = s["events"]?.intValue else { return nil }
            return (name, n)
        }
        lostByHop = (d["lost_by_hop"]?.objectValue ?? [:]).compactMap { k, v in v.intValue.map { (k, $0) } }.sorted { $0.hop < $1.hop }
        staleAnswers = d["stale_answers"]?.intValue ?? 0
        countAnswers = d["count_answers"]?.intValue ?? 0
        staleVersions = d["stale_count_versions"]
        staleNs = d["stale_count_ns"]
        answerVersions = d["staleness_versions"]
        answerNs = d["staleness_ns"]
    }

    /// "1200 → 1190 → 1190 → 1150" with the stage names: the comparison page's one-line funnel.
    var line: String {
        funnel.isEmpty ? "–" : funnel.map { "\($0.stage) \($0.events)" }.joined(separator: " → ")
    }
}

enum FunnelChart {
    /// The funnel as horizontal bars, one per stage, with the events lost at each hop between them.
    static func funnel(_ p: PipelineFigures) -> String {
        guard let top = p.funnel.first?.events, top > 0 else {
            return "<p class=\"note\">No funnel: the run has no judged acknowledged events (no final read of the warehouse, or nothing acknowledged).</p>"
        }
        let width = 1100.0, label = 120.0, barH = 26.0, gap = 22.0
        let h = Double(p.funnel.count) * (barH + gap) + 10
        var s = "<svg class=\"chart\" role=\"img\" width=\"\(f(width))\" height=\"\(f(h))\" viewBox=\"0 0 \(f(width)) \(f(h))\">"
        for (i, st) in p.funnel.enumerated() {
            let y = Double(i) * (barH + gap) + 5
            let w = max(1, (width - label - 260) * Double(st.events) / Double(top))
            s += "<text x=\"0\" y=\"\(f(y + 17))\">\(HTML.esc(st.stage))</text>"
            s += "<rect x=\"\(f(label))\" y=\"\(f(y))\" width=\"\(f(w))\" height=\"\(f(barH))\" fill=\"#4a7fb5\"><title>\(HTML.esc(st.stage)): \(st.events) of \(top) acknowledged events</title></rect>"
            s += "<text x=\"\(f(label + w + 6))\" y=\"\(f(y + 17))\">\(st.events)</text>"
            if i > 0 {
                let lost = p.funnel[i - 1].events - st.events
                if lost != 0 {
                    // The API's step loses nothing (the warehouse holds the events): they were not shown.
                    let what = st.stage == "api" ? "not visible" : "lost"
                    s += "<text x=\"\(f(label + w + 70))\" y=\"\(f(y + 17))\" style=\"fill:#a33\">\(lost > 0 ? "−\(lost) \(what)" : "+\(-lost)") \(HTML.esc(p.funnel[i - 1].stage))→\(HTML.esc(st.stage))</text>"
                }
            }
        }
        return s + "</svg>"
    }

    /// A histogram of one stored distribution's buckets ({"le", "count"}); `ns` buckets shown in seconds.
    static func histogram(_ dist: JSONValue?, title: String, empty: String = "no stale answers") -> String {
        let buckets = (dist?["buckets"]?.arrayValue ?? []).compactMap { b -> (le: Int, n: Int)? in
            guard let le = b["le"]?.intValue, let n = b["count"]?.intValue else { return nil }
            return (le, n)
        }
        guard !buckets.isEmpty, let most = buckets.map(\.n).max(), most > 0 else {
            return "<p class=\"note\">\(HTML.esc(title)): \(HTML.esc(empty)).</p>"
        }
        let ns = dist?["unit"]?.stringValue == "ns"
        let width = 540.0, height = 200.0, bottom = 34.0, top = 18.0
        let slot = (width - 20) / Double(buckets.count)
        var s = "<svg class=\"chart\" role=\"img\" width=\"\(f(width))\" height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\">"
        s += "<text x=\"10\" y=\"12\">\(HTML.esc(title))</text>"
        for (i, b) in buckets.enumerated() {
            let bh = (height - top - bottom) * Double(b.n) / Double(most)
            let x = 10 + Double(i) * slot
            let edge = ns ? "≤ \(HTML.num(Double(b.le) / 1e9, 3)) s" : "≤ \(b.le)"
            s += "<rect x=\"\(f(x + 2))\" y=\"\(f(height - bottom - bh))\" width=\"\(f(max(1, slot - 4)))\" height=\"\(f(bh))\" fill=\"#c0504d\"><title>\(edge): \(b.n) answer(s)</title></rect>"
            s += "<text x=\"\(f(x + 2))\" y=\"\(f(height - bottom - bh - 3))\">\(b.n)</text>"
            s += "<text x=\"\(f(x + 2))\" y=\"\(f(height - bottom + 14))\" style=\"font-size:10px\">\(edge)</text>"
        }
        return s + "</svg>"
    }

    /// The report's section: the funnel, the losses per hop and the staleness histograms.
    static func section(_ results: StoredResults?) -> String {
        guard let p = PipelineFigures(results) else { return "" }
        var b = "<h2 id=\"funnel\">Where the events went</h2>"
        b += "<p class=\"note\">Acknowledged events that can be judged (acknowledged before the warehouse's final read), how many of them each stage's final read held after the drain, and (api) how many the query API showed when asked about each one after the drain.</p>"
        b += funnel(p)
        if !p.lostByHop.isEmpty {
            b += "<p>Lost by hop: " + p.lostByHop.map { "\(HTML.esc($0.hop)) \($0.events)" }.joined(separator: " · ") + "</p>"
        }
        b += "<h2 id=\"staleness\">How stale the query API was</h2>"
        b += "<p class=\"note\">\(p.staleAnswers) stale answer(s); \(p.countAnswers) count answer(s) judged against the counts warehouse nodes had already answered before each query began.</p>"
        b += histogram(p.staleVersions, title: "versions behind (stale count answers)")
        b += histogram(p.staleNs, title: "seconds behind (stale count answers)")
        b += "<p class=\"note\">Every event query answer that carried a warehouse position: how many positions and how long it was behind what warehouse answers had shown before it began (0 = fresh).</p>"
        b += histogram(p.answerVersions, title: "versions behind (event query answers)", empty: "no answers with a position")
        b += histogram(p.answerNs, title: "seconds behind (event query answers)", empty: "no answers with a position")
        return b
    }
}
