// Hand-written register histories with known k-staleness and t-visibility.
import History
import Testing

@testable import Checker

struct StalenessCheckerTests {
    let checker = StalenessChecker()

    @Test func freshReadIsNotStale() {
        var h = HistoryBuilder()
        h.call(0, "write", 1, .ok, from: 0, to: 10)
        h.call(1, "read", nil, .ok, 1, from: 20, to: 30)
        let v = checker.check(h.history)
        #expect(v.valid == .valid)
        #expect(v.count("stale-read") == 0)
        #expect(v.details["versions_behind"]?["max"] == 0)
    }

    @Test func readTwoVersionsBehind() {
        var h = HistoryBuilder()
        h.call(0, "write", 1, .ok, from: 0, to: 10)
        h.call(0, "write", 2, .ok, from: 20, to: 30)
        h.call(0, "cas", [2, 3], .ok, from: 40, to: 50)
        h.call(1, "read", nil, .ok, 1, from: 60, to: 70)
        let v = checker.check(h.history)
        #expect(v.valid == .valid)
        #expect(v.count("stale-read") == 1)
        #expect(v.details["versions_behind"]?["max"] == 2)
        #expect(v.details["time_behind"]?["max"] == .int(Int(30 * ms)))
    }

    @Test func concurrentIndeterminateAndFailedWritesAreNotCounted() {
        var h = HistoryBuilder()
        h.call(0, "write", 1, .ok, from: 0, to: 10)
        h.call(2, "write", 2, .ok, from: 20, to: 80)  // still running when the read began
        h.call(3, "write", 4, .info, from: 20, to: 25)  // may never have happened
        h.call(4, "write", 5, .fail, from: 20, to: 25)  // did not happen
        h.call(1, "read", nil, .ok, 1, from: 60, to: 70)
        h.call(1, "read", nil, .ok, 4, from: 71, to: 72)  // from the info write: nothing certainly newer
        let v = checker.check(h.history)
        #expect(v.valid == .valid)
        #expect(v.count("stale-read") == 0)
    }

    @Test func unwrittenFailedOrFutureValuesAreUnexpected() {
        var h = HistoryBuilder()
        h.call(4, "write", 5, .fail, from: 0, to: 5)
        h.call(1, "read", nil, .ok, 5, from: 10, to: 12)
        h.call(1, "read", nil, .ok, 9, from: 13, to: 14)
        h.call(1, "read", nil, .ok, 6, from: 15, to: 16)
        h.call(0, "write", 6, .ok, from: 20, to: 30)  // invoked after that read completed
        let v = checker.check(h.history)
        #expect(v.valid == .invalid)
        #expect(v.count("unexpected") == 3)
    }

    @Test func initialValueReadAfterAWriteIsStale() {
        var h = HistoryBuilder()
        h.call(1, "read", nil, .ok, .null, from: 0, to: 2)
        h.call(0, "write", 1, .ok, from: 5, to: 10)
        h.call(1, "read", nil, .ok, .null, from: 15, to: 17)
        let v = checker.check(h.history)
        #expect(v.count("stale-read") == 1)
        #expect(v.details["reads"] == 2)
    }

    @Test func boundsCountReadsBeyondThem() {
        var h = HistoryBuilder()
        h.call(0, "write", 1, .ok, from: 0, to: 10)
        h.call(0, "write", 2, .ok, from: 20, to: 30)
        h.call(0, "write", 3, .ok, from: 40, to: 50)
        h.call(1, "read", nil, .ok, 2, from: 60, to: 70)  // 1 behind, 10 ms
        h.call(2, "read", nil, .ok, 1, from: 60, to: 70)  // 2 behind, 30 ms
        #expect(StalenessChecker(maxVersions: 1).check(h.history).count("beyond-bound") == 1)
        #expect(StalenessChecker(maxVersions: 2).check(h.history).valid == .valid)
        let timed = StalenessChecker(maxSeconds: 0.005).check(h.history)
        #expect(timed.count("beyond-bound") == 2)
        #expect(timed.valid == .invalid)
    }

    @Test func keysAreSeparateRegistersAndNoReadsIsUnknown() {
        var h = HistoryBuilder()
        h.call(0, "write", 1, .ok, from: 0, to: 10, key: "a")
        h.call(0, "write", 2, .ok, from: 20, to: 30, key: "b")
        h.call(1, "read", nil, .ok, 1, from: 60, to: 70, key: "a")
        #expect(checker.check(h.history).count("stale-read") == 0)
        var w = HistoryBuilder()
        w.call(0, "write", 1, .ok, from: 0, to: 10)
        #expect(checker.check(w.history).valid == .unknown)
    }
}
