// The pipeline section of a run's report: the funnel with its losses per hop and the staleness histograms,
// drawn from a pipeline verdict's stored details only, as inline SVG with every text escaped.
import Checker
import Foundation
import History
import Testing

@testable import Report

struct FunnelChartTests {
    static func results(hop: String = "ingest->broker") -> CheckerResults {
        let details: [String: JSONValue] = [
            "funnel": [["stage": "ingest", "events": 100], ["stage": "broker", "events": 90],
                       ["stage": "store", "events": 90], ["stage": "warehouse", "events": 88], ["stage": "api", "events": 85]],
            "lost_by_hop": .object([hop: 10, "store->warehouse": 2]),
            "stale_answers": 7, "count_answers": 40,
            "stale_count_versions": ["unit": "versions", "count": 7, "max": 9, "buckets": [["le": 2, "count": 4], ["le": 16, "count": 3]]],
            "stale_count_ns": ["unit": "ns", "count": 7, "max": 900_000_000, "buckets": [["le": 1_073_741_824, "count": 7]]],
            "staleness_versions": ["unit": "versions", "count": 30, "max": 3, "buckets": [["le": 0, "count": 25], ["le": 4, "count": 5]]],
            "staleness_ns": ["unit": "ns", "count": 30, "max": 3_000_000, "buckets": [["le": 1_000_000, "count": 26], ["le": 4_000_000, "count": 4]]],
        ]
        return CheckerResults(verdicts: [Verdict(checker: "pipeline", valid: .invalid, counts: ["lost": 12], details: details)])
    }

    @Test func theSectionShowsEachStageItsLossesAndTheHistograms() throws {
        let html = FunnelChart.section(Self.results())
        #expect(html.contains("Where the events went"))
        for s in ["ingest", "broker", "store", "warehouse", "api"] { #expect(html.contains(">\(s)</text>")) }
        #expect(html.contains("−3 not visible warehouse→api"))
        #expect(html.contains("≤ 0: 25 answer(s)"))
        #expect(html.contains("≤ 0.004 s: 4 answer(s)"))
        #expect(html.contains("−10 lost ingest→broker"))
        #expect(html.contains("−2 lost store→warehouse"))
        #expect(html.contains("ingest-&gt;broker 10"))
        #expect(html.contains("7 stale answer(s)"))
        #expect(html.contains("≤ 16: 3 answer(s)"))
        #expect(html.contains("≤ 1.074 s: 7 answer(s)"))
        #expect(!html.contains("<script"))
        let line = try #require(PipelineFigures(Self.results())).line
        #expect(line == "ingest 100 → broker 90 → store 90 → warehouse 88 → api 85")
    }

    @Test func stageAndHopNamesAreEscaped() {
        let html = FunnelChart.section(Self.results(hop: "<b>x</b>"))
        #expect(!html.contains("<b>x</b>"))
        #expect(html.contains("&lt;b&gt;x&lt;/b&gt;"))
    }

    @Test func aRunWithoutPipelineVerdictHasNoSection() {
        #expect(FunnelChart.section(CheckerResults(verdicts: [])).isEmpty)
        #expect(FunnelChart.section(nil).isEmpty)
    }
}
