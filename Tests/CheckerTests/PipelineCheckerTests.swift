// Hand-written pipeline histories with known answers: loss and duplication per hop, freshness, API staleness.
import History
import Testing

@testable import Checker

struct PipelineCheckerTests {
    let checker = PipelineChecker()

    func ingested(_ ids: [Int]) -> HistoryBuilder {
        var h = HistoryBuilder()
        for (i, id) in ids.enumerated() { h.call(i, "ingest", .int(id), .ok, from: Int64(i), to: Int64(i) + 10) }
        return h
    }

    func finals(_ h: inout HistoryBuilder, broker: [Int]?, store: [Int]?, warehouse: [Int]?, at: Int64 = 100) {
        for (n, (stage, ids)) in [("broker", broker), ("store", store), ("warehouse", warehouse)].enumerated() {
            guard let ids else { continue }
            h.call(50 + n, "final-read", ["stage": .string(stage)], .ok, ["stage": .string(stage), "ids": .array(ids.map { .int($0) })], from: at, to: at + 5)
        }
    }

    @Test func everyEventOnceEverywhereIsValid() {
        var h = ingested([1, 2])
        finals(&h, broker: [1, 2], store: [2, 1], warehouse: [1, 2])
        let v = checker.check(h.history)
        #expect(v.valid == .valid)
        #expect(v.count("lost") == 0 && v.count("duplicated") == 0)
    }

    @Test func lossIsAttributedToTheHopWhereTheEventWentMissing() {
        var h = ingested([1, 2, 3])
        finals(&h, broker: [1, 2], store: [1], warehouse: [])
        let v = checker.check(h.history)
        #expect(v.valid == .invalid)
        #expect(v.count("lost") == 3)
        #expect(v.details["lost_by_hop"] == ["ingest->broker": 1, "broker->store": 1, "store->warehouse": 1])
    }

    @Test func theAPIsFinalReadIsTheFunnelsLastStepAndDoesNotMakeTheRunInvalid() throws {
        var h = ingested([1, 2, 3, 4])
        finals(&h, broker: [1, 2, 3, 4], store: [1, 2, 3, 4], warehouse: [1, 2, 3])
        h.call(60, "final-read", ["stage": "api", "ids_through": 4], .ok, ["stage": "api", "ids": [1, 3]], from: 110, to: 115)
        let v = checker.check(h.history)
        #expect(v.details["funnel"] == [["stage": "ingest", "events": 4], ["stage": "broker", "events": 4], ["stage": "store", "events": 4],
                                        ["stage": "warehouse", "events": 3], ["stage": "api", "events": 2]])
        // 4 was lost before the warehouse; 2 is in the warehouse but the API did not show it.
        #expect(v.count("lost") == 1)
        #expect(v.count("not-visible") == 1)
        let example = try #require(v.examples["not-visible"]?.first)
        #expect(example["id"] == 2)
        #expect(v.details["stages"]?["api"]?["events"] == 2)
        // Without the loss the run is valid even though the API did not show event 2.
        var clean = ingested([1, 2])
        finals(&clean, broker: [1, 2], store: [1, 2], warehouse: [1, 2])
        clean.call(60, "final-read", ["stage": "api", "ids_through": 2], .ok, ["stage": "api", "ids": [1]], from: 110, to: 115)
        let w = checker.check(clean.history)
        #expect(w.valid == .valid)
        #expect(w.count("not-visible") == 1)
    }

    /// The drain ended before events 3 and 4 reached the warehouse: its final read missed them, and the
    /// API's final read (after it) found 3 answered by the warehouse leader: 3 is late, not lost. Event 4,
    /// found only in the cache (which may hold what the warehouse lost), and event 2 (not found), are lost.
    @Test func anEventTheWarehouseShowedAfterItsFinalReadIsLateNotLost() throws {
        var h = ingested([1, 2, 3, 4])
        finals(&h, broker: [1, 2, 3, 4], store: [1, 3, 4], warehouse: [1])
        h.call(60, "final-read", ["stage": "api", "ids_through": 4], .ok,
               ["stage": "api", "ids": [1, 3, 4], "warehouse_ids": [1, 3]], from: 110, to: 115)
        let v = checker.check(h.history)
        #expect(v.valid == .invalid)
        #expect(v.count("late") == 1)
        #expect(try #require(v.examples["late"]?.first)["id"] == 3)
        #expect(v.count("lost") == 2)
        #expect(Set((v.examples["lost"] ?? []).compactMap { $0["id"]?.intValue }) == [2, 4])
        // Evidence from a read that began before the warehouse's own final read proves nothing about
        // what the warehouse held when it was read.
        var early = ingested([1, 2])
        finals(&early, broker: [1, 2], store: [1, 2], warehouse: [1], at: 100)
        early.call(60, "final-read", ["stage": "api", "ids_through": 2], .ok,
                   ["stage": "api", "ids": [1, 2], "warehouse_ids": [1, 2]], from: 90, to: 95)
        let w = checker.check(early.history)
        #expect(w.count("late") == 0 && w.count("lost") == 1)
        // Every missing event shown late: nothing lost, valid.
        var allLate = ingested([1, 2])
        finals(&allLate, broker: [1, 2], store: [1, 2], warehouse: [1])
        allLate.call(60, "final-read", ["stage": "api", "ids_through": 2], .ok,
                     ["stage": "api", "ids": [1, 2], "warehouse_ids": [2]], from: 110, to: 115)
        #expect(checker.check(allLate.history).valid == .valid)
    }

    @Test func aStageNotReadIsSkippedInTheAttribution() {
        var h = ingested([1, 2])
        finals(&h, broker: [1, 2], store: nil, warehouse: [1])
        let v = checker.check(h.history)
        #expect(v.details["lost_by_hop"] == ["broker->warehouse": 1])
    }

    @Test func duplicationIsAttributedToTheHopThatDoubledIt() {
        var h = ingested([1, 2])
        finals(&h, broker: [1, 2, 2], store: [1, 1, 2, 2], warehouse: [1, 1, 2, 2])
        let v = checker.check(h.history)
        #expect(v.count("duplicated") == 2)
        #expect(v.details["duplicated_by_hop"] == ["ingest->broker": 1, "broker->store": 1])
    }

    @Test func unexpectedRecoveredAndFailedIngests() {
        var h = ingested([1])
        h.call(7, "ingest", 2, .info, from: 1, to: 20)  // timed out, but made it
        h.call(8, "ingest", 3, .info, from: 1, to: 20)  // timed out, did not
        h.call(9, "ingest", 4, .fail, from: 1, to: 20)  // refused: no effect
        finals(&h, broker: [1, 2], store: [1, 2], warehouse: [1, 2, 9])
        let v = checker.check(h.history)
        #expect(v.count("unexpected") == 1)
        #expect(v.count("recovered") == 1)
        #expect(v.count("lost") == 0)
    }

    @Test func ingestAfterTheFinalReadIsUnchecked() {
        var h = ingested([1])
        finals(&h, broker: [1], store: [1], warehouse: [1])
        h.call(9, "ingest", 5, .ok, from: 110, to: 120)
        let v = checker.check(h.history)
        #expect(v.valid == .valid)
        #expect(v.count("unchecked") == 1)
    }

    @Test func withoutAWarehouseReadTheVerdictIsUnknown() {
        var h = ingested([1])
        h.call(50, "final-read", ["stage": "warehouse"], .info, from: 100, to: 200)
        #expect(checker.check(h.history).valid == .unknown)
    }

    @Test func freshnessAndStalenessOfAPIAnswers() {
        var h = ingested([1])  // acknowledged at 10 ms
        h.call(20, "query", ["id": 1], .ok, ["id": 1, "found": false, "source": "cache", "position": 5], from: 20, to: 22)
        h.call(21, "query", ["id": 1], .ok, ["id": 1, "found": true, "source": "warehouse", "position": 7], from: 30, to: 40)
        h.call(20, "query", ["id": 1], .ok, ["id": 1, "found": false, "source": "cache", "position": 5], from: 50, to: 52)
        finals(&h, broker: [1], store: [1], warehouse: [1])
        let v = checker.check(h.history)
        #expect(v.valid == .valid)
        #expect(v.count("stale-answer") == 1)
        #expect(v.details["freshness_warehouse"]?["max"] == .int(Int(30 * ms)))
        #expect(v.details["staleness_versions"]?["max"] == 2)
        #expect(v.details["staleness_ns"]?["max"] == .int(Int(10 * ms)))
        let bounded = PipelineChecker(maxStaleVersions: 1).check(h.history)
        #expect(bounded.valid == .invalid)
        #expect(bounded.count("beyond-bound") == 1)
    }

    @Test func unknownStageIsAnInputError() {
        var h = ingested([1])
        h.call(50, "final-read", ["stage": "lake"], .ok, ["stage": "lake", "ids": [1]], from: 100, to: 105)
        let v = checker.check(h.history)
        #expect(v.valid == .unknown)
        #expect(v.error?.contains("value.stage") == true)
    }
}
