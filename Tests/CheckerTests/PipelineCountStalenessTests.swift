// Hand-written histories of the pipeline's `count` answers with known staleness, and the funnel.
import History
import Testing

@testable import Checker

struct PipelineCountStalenessTests {
    let checker = PipelineChecker()

    func count(_ h: inout HistoryBuilder, _ p: Int, _ key: String, _ n: Int, _ source: String, from: Int64, to: Int64) {
        h.call(p, "count", ["key": .string(key)], .ok, ["key": .string(key), "count": .int(n), "source": .string(source)], from: from, to: to)
    }

    func base() -> HistoryBuilder {
        var h = HistoryBuilder()
        for id in 1...4 { h.call(id, "ingest", .int(id), .ok, from: 0, to: 5) }
        h.call(90, "final-read", ["stage": "warehouse"], .ok, ["stage": "warehouse", "ids": [1, 2, 3, 4]], from: 5000, to: 5005)
        return h
    }

    @Test func aFreshCachedCountIsNotStale() {
        var h = base()
        count(&h, 10, "k1", 2, "warehouse", from: 100, to: 110)
        count(&h, 11, "k1", 2, "cache", from: 200, to: 205)   // same as the warehouse showed: fresh
        count(&h, 12, "k1", 3, "cache", from: 300, to: 305)   // newer than any truth known: fresh
        let v = checker.check(h.history)
        #expect(v.count("stale-count") == 0)
        #expect(v.details["stale_answers"] == 0)
        #expect(v.valid == .valid)
    }

    @Test func aCountBehindTheWarehouseIsStaleByItsDistance() throws {
        var h = base()
        count(&h, 10, "k1", 2, "warehouse", from: 100, to: 110)
        count(&h, 11, "k1", 5, "replica", from: 150, to: 200)  // a warehouse node showed 5 at 200 ms
        count(&h, 12, "k1", 2, "cache", from: 700, to: 705)    // 3 versions behind, since 200 ms: 0.5 s
        count(&h, 13, "k2", 0, "cache", from: 700, to: 705)    // another key: no truth known, not judged
        count(&h, 14, "k1", 4, "cache", from: 180, to: 190)    // began before the 5 completed: not stale
        let v = checker.check(h.history)
        #expect(v.count("stale-count") == 1)
        #expect(v.details["stale_answers"] == 1)
        let ex = try #require(v.examples["stale-count"]?.first)
        #expect(ex["versions_behind"] == 3)
        #expect(ex["seconds_behind"]?.doubleValue == 0.5)
        #expect(v.details["stale_count_versions"]?["max"] == 3)
        #expect(v.details["stale_count_ns"]?["max"]?.intValue == Int(500 * ms))
        #expect(v.valid == .valid)  // stale answers are reported; only a bound makes them invalid
    }

    @Test func warehouseCountProbesAreTheTruthAndAreNeverJudged() throws {
        var h = base()
        h.call(20, "warehouse-count", ["key": "k3"], .ok, ["key": "k3", "count": 7, "source": "replica"], from: 100, to: 120)
        h.call(21, "warehouse-count", ["key": "k3"], .ok, ["key": "k3", "count": 5, "source": "replica"], from: 200, to: 220)  // a lagging replica: truth only
        count(&h, 10, "k3", 6, "cache", from: 1120, to: 1130)   // 1 version behind, for 1 s
        let v = checker.check(h.history)
        #expect(v.count("stale-count") == 1)
        #expect(v.details["count_answers"] == 1)
        let ex = try #require(v.examples["stale-count"]?.first)
        #expect(ex["versions_behind"] == 1)
        #expect(ex["seconds_behind"]?.doubleValue == 1.0)
    }

    @Test func aBoundOnVersionsMakesStaleCountsInvalid() {
        var h = base()
        count(&h, 10, "k1", 4, "warehouse", from: 100, to: 110)
        count(&h, 11, "k1", 1, "cache", from: 200, to: 205)
        let v = PipelineChecker(maxStaleVersions: 2).check(h.history)
        #expect(v.count("beyond-bound") == 1)
        #expect(v.valid == .invalid)
    }

    @Test func theFunnelCountsJudgedAcknowledgedEventsPerStage() {
        var h = HistoryBuilder()
        for id in 1...4 { h.call(id, "ingest", .int(id), .ok, from: 0, to: 5) }
        h.call(90, "final-read", ["stage": "broker"], .ok, ["stage": "broker", "ids": [1, 2, 3]], from: 5000, to: 5005)
        h.call(91, "final-read", ["stage": "store"], .ok, ["stage": "store", "ids": [1, 2]], from: 5000, to: 5005)
        h.call(92, "final-read", ["stage": "warehouse"], .ok, ["stage": "warehouse", "ids": [1]], from: 5000, to: 5005)
        let v = checker.check(h.history)
        #expect(v.details["funnel"] == [["stage": "ingest", "events": 4], ["stage": "broker", "events": 3],
                                        ["stage": "store", "events": 2], ["stage": "warehouse", "events": 1]])
    }
}
