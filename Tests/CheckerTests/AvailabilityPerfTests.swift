// Availability and perf on a hand-written history with one partition: windows, gaps, recovery, percentiles.
import History
import Testing

@testable import Checker

struct AvailabilityPerfTests {
    /// ok reads every 100 ms for 3 s, except during a partition from 1.0 s to 2.0 s, when they fail;
    /// the first ok after the heal completes at 2.3 s. One write times out (info) outside the fault.
    func history() -> History {
        var h = HistoryBuilder()
        h.nemesis("start-partition", at: 1000, ["cut": [["a", "b"]]])
        h.nemesis("stop-partition", at: 2000)
        var t: Int64 = 0
        while t < 3000 {
            let inFault = t >= 1000 && t < 2300
            h.call(Int(t / 100) + 10, "read", nil, inFault ? .fail : .ok, inFault ? nil : 1, from: t, to: t + 10 * (1 + t / 1000))
            t += 100
        }
        h.call(1, "write", 1, .info, from: 500, to: 900)
        return h.history
    }

    @Test func availabilityFindsTheOutageAndTheRecovery() throws {
        let v = AvailabilityChecker().check(history())
        #expect(v.valid == .valid)
        #expect(v.count("fail") == 13)
        #expect(v.count("fail-in-fault") == 11)
        #expect(v.count("fail-outside-fault") == 2)
        #expect(v.count("info-outside-fault") == 1)
        #expect(v.count("unavailable-windows") == 1)  // 1 s to 2 s: only failures
        let gap = v.details["longest_gap"]?["read"]
        #expect(gap?["from"] == .int(Int(910 * ms)))  // last ok before the fault completes at 910 ms
        #expect(gap?["to"] == .int(Int(2330 * ms)))
        let recovery = v.details["recovery"]?.arrayValue?.first
        #expect(recovery?["f"] == "stop-partition")
        #expect(recovery?["seconds_to_first_ok"] == .double(0.33))
        let windows = v.details["windows"]?.arrayValue ?? []
        try #require(windows.count == 3)
        #expect(windows[1]["fault"] == true && windows[0]["fault"] == false)
    }

    @Test func availabilityBoundsAndBadOptions() {
        #expect(AvailabilityChecker(maxGapSeconds: 1).check(history()).valid == .invalid)  // reads: none ok for 1.42 s
        #expect(AvailabilityChecker(minOkRatio: 0.95).check(history()).valid == .invalid)  // 17 of 20 outside faults
        #expect(AvailabilityChecker(minOkRatio: 0.5, maxGapSeconds: 2.5).check(history()).valid == .valid)
        // The registry refuses the typo before any checking; built directly, the checker says unknown.
        #expect(CheckerRegistry.validate(checker: "availability", options: ["window_secs": 2]).map(\.option) == ["window_secs"])
        let bad = AvailabilityChecker(options: ["window_secs": 2]).check(history())
        #expect(bad.valid == .unknown)
        #expect(bad.error?.contains("window_secs") == true)
        #expect(AvailabilityChecker().check(History(ops: [])).valid == .unknown)
    }

    /// A function's gap ends at its own last op: once the workload stops asking (a pipeline's drain and
    /// final reads, long after), nothing was refused.
    @Test func aGapEndsAtTheFunctionsLastOpNotAtTheEndOfTheHistory() {
        var h = HistoryBuilder()
        h.call(1, "ingest", 1, .ok, from: 0, to: 10)
        h.call(1, "ingest", 2, .fail, from: 100, to: 110)
        h.call(1, "ingest", 3, .ok, from: 200, to: 210)
        h.call(2, "final-read", nil, .ok, [1, 3], from: 5000, to: 5010)
        let gap = AvailabilityChecker().check(h.history).details["longest_gap"]?["ingest"]
        #expect(gap?["from"] == .int(Int(10 * ms)))
        #expect(gap?["to"] == .int(Int(210 * ms)))
        // Still failing when it stopped: the gap runs to that last failure.
        var g = HistoryBuilder()
        g.call(1, "ingest", 1, .ok, from: 0, to: 10)
        g.call(1, "ingest", 2, .fail, from: 100, to: 900)
        g.call(2, "final-read", nil, .ok, [1], from: 5000, to: 5010)
        #expect(AvailabilityChecker().check(g.history).details["longest_gap"]?["ingest"]?["to"] == .int(Int(900 * ms)))
    }

    @Test func perfPercentilesAndThroughput() throws {
        let v = PerfChecker().check(history())
        #expect(v.valid == .valid)
        #expect(v.count("ops") == 31)
        let ok = v.details["latency"]?["read"]?["ok"]
        #expect(ok?["count"] == 17)
        #expect(ok?["min"] == .int(Int(10 * ms)))
        #expect(ok?["max"] == .int(Int(30 * ms)))
        let p50 = ok?["p50"]?.intValue ?? 0
        #expect(abs(p50 - Int(10 * ms)) < Int(ms) / 10)  // ten of 17 took 10 ms (3 significant digits)
        #expect(v.details["latency"]?["write"]?["info"]?["count"] == 1)
        let windows = v.details["windows"]?.arrayValue ?? []
        try #require(windows.count == 3)
        #expect(windows[0]["ok"] == 10)
        #expect(v.details["faults"]?.arrayValue?.count == 1)
    }

    @Test func checkersByName() {
        for name in CheckerRegistry.names { #expect((try? CheckerRegistry.checker(named: name))?.name == name) }
        #expect(throws: CheckerOptionProblem.self) { try CheckerRegistry.checker(named: "nope") }
        #expect(throws: CheckerOptionProblem.self) { try CheckerRegistry.checker(named: "staleness", options: ["max_versions": "two"]) }
        let s = StalenessChecker(options: ["max_versions": "two"]).check(history())
        #expect(s.error?.contains("max_versions") == true)
    }
}

struct CheckerResultsTests {
    @Test func resultsMergeVerdictsAndRoundTrip() throws {
        var h = HistoryBuilder()
        h.call(0, "add", 1, .ok, from: 0, to: 10)
        h.call(1, "final-read", nil, .ok, [], from: 20, to: 30)
        let names = CheckerRegistry.defaultCheckers(forWorkload: "set")
        #expect(names == ["set", "availability", "perf"])
        let r = try CheckerRegistry.check(h.history, checkers: names, options: [:])
        #expect(r.valid == .invalid)  // the set lost element 1
        #expect(r.json["valid"] == false)
        #expect(r.json["checkers"]?["set"]?["counts"]?["lost"] == 1)
        let back = CheckerResults(json: r.json)
        #expect(back?.verdicts.map(\.checker).sorted() == ["availability", "perf", "set"])
        #expect(back?.valid == .invalid)
    }
}
