// Fault windows from nemesis ops (common contract), distributions, and the documented example lines.
import Foundation
import History
import Testing

@testable import Checker

struct FaultWindowsTests {
    @Test func windowsEndAtStopHealOrTheEndOfTheHistory() {
        var h = HistoryBuilder()
        h.nemesis("start-partition", at: 10)
        h.nemesis("start-kill", at: 20, ["nodes": ["n1"]])
        h.nemesis("stop-partition", at: 30)
        h.nemesis("start-pause", at: 40)
        h.nemesis("heal", at: 50)  // ends kill and pause
        h.nemesis("start-latency", at: 60)  // never stopped: runs to the end
        h.call(0, "read", nil, .ok, 1, from: 70, to: 80)
        let t = FaultTimeline(h.history)
        let w = t.windows.map { "\($0.fault) \($0.start / ms)-\($0.end / ms) \($0.endedBy ?? "end")" }
        #expect(w == ["partition 10-30 stop-partition", "kill 20-50 heal", "pause 40-50 heal", "latency 60-80 end"])
        #expect(t.heals.map(\.f) == ["stop-partition", "heal"])
        #expect(t.contains(25 * ms) && t.contains(50 * ms) && !t.contains(55 * ms) && t.contains(79 * ms) && !t.contains(5 * ms))
    }

    @Test func distributionSummaryIsExactAtTheEnds() {
        var d = Distribution(unit: "ns")
        for v in [3 * ms, 1 * ms, 2 * ms, 100 * ms] { d.record(v) }
        d.record(-5)  // clock skew counts as zero
        let j = d.json
        #expect(j["count"] == 5 && j["min"] == 0 && j["max"] == .int(Int(100 * ms)))
        let buckets = j["buckets"]?.arrayValue?.compactMap { $0["count"]?.intValue } ?? []
        #expect(buckets.reduce(0, +) == 5)
        #expect(j["buckets"]?.arrayValue?.first?["le"] == .int(Int(ms)))
    }

    /// Every example line in docs/history-conventions.md is a valid history line (clients copy them).
    @Test func documentedExampleLinesParse() throws {
        let doc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/history-conventions.md")
        let text = try String(contentsOf: doc, encoding: .utf8)
        let lines = text.split(separator: "\n").filter { $0.hasPrefix("    {") }.map { $0.dropFirst(4) }
        #expect(lines.count >= 20)
        let loaded = try HistoryLoader.parse(data: Data(lines.joined(separator: "\n").utf8), source: "history-conventions.md")
        #expect(loaded.history.ops.count == lines.count)
    }
}
