// Hand-written set histories with known answers, one per anomaly and edge case.
import History
import Testing

@testable import Checker

struct SetCheckerTests {
    let checker = SetChecker()

    @Test func everyAcknowledgedElementReadIsValid() {
        var h = HistoryBuilder()
        h.call(0, "add", 1, .ok, from: 0, to: 10)
        h.call(1, "add", 2, .ok, from: 5, to: 12)
        h.call(2, "read", nil, .ok, [1, 2], from: 20, to: 25)
        h.call(2, "final-read", nil, .ok, [1, 2], from: 30, to: 35)
        let v = checker.check(h.history)
        #expect(v.valid == .valid)
        #expect(v.count("lost") == 0 && v.count("unexpected") == 0 && v.count("duplicated") == 0)
        #expect(v.count("stable") == 2)
    }

    @Test func acknowledgedAddMissingFromFinalReadIsLost() {
        var h = HistoryBuilder()
        h.call(0, "add", 1, .ok, from: 0, to: 10)
        h.call(1, "add", 2, .ok, from: 5, to: 12)
        h.call(2, "final-read", nil, .ok, [1], from: 30, to: 35)
        let v = checker.check(h.history)
        #expect(v.valid == .invalid)
        #expect(v.count("lost") == 1)
        #expect(v.examples["lost"]?.first?["element"] == 2)
        #expect(v.count("stable") == 1)
    }

    @Test func elementReadThenMissingInFinalReadIsLostAndRecovered() {
        var h = HistoryBuilder()
        h.op(.invoke, 0, "add", 3, at: 0)
        h.op(.info, 0, "add", 3, at: 10)  // timed out: may or may not have happened
        h.call(1, "read", nil, .ok, [3], from: 20, to: 25)
        h.call(1, "final-read", nil, .ok, [], from: 40, to: 45)
        let v = checker.check(h.history)
        #expect(v.valid == .invalid)
        #expect(v.count("lost") == 1)
        #expect(v.count("recovered") == 1)
    }

    @Test func infoAddThatTookEffectIsRecoveredAndValid() {
        var h = HistoryBuilder()
        h.op(.invoke, 0, "add", 3, at: 0)
        h.op(.info, 0, "add", 3, at: 10)
        h.call(1, "final-read", nil, .ok, [3], from: 40, to: 45)
        let v = checker.check(h.history)
        #expect(v.valid == .valid)
        #expect(v.count("recovered") == 1 && v.count("lost") == 0)
    }

    @Test func infoAddThatDidNotTakeEffectIsNeitherLostNorRecovered() {
        var h = HistoryBuilder()
        h.op(.invoke, 0, "add", 3, at: 0)  // never completed: same as info
        h.call(1, "add", 4, .ok, from: 1, to: 5)
        h.call(1, "final-read", nil, .ok, [4], from: 40, to: 45)
        let v = checker.check(h.history)
        #expect(v.valid == .valid)
        #expect(v.count("recovered") == 0 && v.count("lost") == 0 && v.count("unexpected") == 0)
    }

    @Test func readOfAnElementNeverAddedOrOnlyFailedIsUnexpected() {
        var h = HistoryBuilder()
        h.call(0, "add", 4, .fail, from: 0, to: 5)
        h.call(1, "final-read", nil, .ok, [4, 9], from: 40, to: 45)
        let v = checker.check(h.history)
        #expect(v.valid == .invalid)
        #expect(v.count("unexpected") == 2)
    }

    @Test func failedAddsAreIgnored() {
        var h = HistoryBuilder()
        h.call(0, "add", 5, .fail, from: 0, to: 5)
        h.call(1, "final-read", nil, .ok, [], from: 40, to: 45)
        let v = checker.check(h.history)
        #expect(v.valid == .valid)
        #expect(v.count("lost") == 0)
    }

    @Test func emptyReadsBeforeTheAckAndNullReadsAreFine() {
        var h = HistoryBuilder()
        h.call(1, "read", nil, .ok, .null, from: 0, to: 2)
        h.call(1, "read", nil, .ok, [], from: 3, to: 4)
        h.call(0, "add", 1, .ok, from: 5, to: 10)
        h.call(1, "final-read", nil, .ok, [1], from: 40, to: 45)
        let v = checker.check(h.history)
        #expect(v.valid == .valid)
        #expect(v.count("stable") == 1)
    }

    @Test func duplicatesInTheFinalReadAreDuplicated() {
        var h = HistoryBuilder()
        h.call(0, "add", 1, .ok, from: 0, to: 10)
        h.call(1, "final-read", nil, .ok, [1, 1], from: 40, to: 45)
        let v = checker.check(h.history)
        #expect(v.valid == .invalid)
        #expect(v.count("duplicated") == 1)
        #expect(v.count("lost") == 0)
    }

    @Test func addsAfterOrConcurrentWithTheFinalReadAreNeverReadNotLost() {
        var h = HistoryBuilder()
        h.call(0, "add", 1, .ok, from: 0, to: 10)
        h.op(.invoke, 2, "add", 2, at: 35)  // begins before the final read, acknowledged after it began
        h.op(.invoke, 1, "final-read", nil, at: 40)
        h.op(.ok, 2, "add", 2, at: 42)
        h.op(.ok, 1, "final-read", [1], at: 45)
        h.call(0, "add", 3, .ok, from: 50, to: 60)  // after the final read
        let v = checker.check(h.history)
        #expect(v.valid == .valid)
        #expect(v.count("lost") == 0)
        #expect(v.count("never-read") == 2)
    }

    @Test func withoutAFinalReadTheVerdictIsUnknown() {
        var h = HistoryBuilder()
        h.call(0, "add", 1, .ok, from: 0, to: 10)
        h.call(1, "read", nil, .ok, [1], from: 20, to: 25)
        let v = checker.check(h.history)
        #expect(v.valid == .unknown)
        #expect(v.error?.contains("final-read") == true)
    }

    @Test func stableLatencyRunsFromAckToTheFirstReadOfTheFinalRun() {
        var h = HistoryBuilder()
        h.call(0, "add", 1, .ok, from: 0, to: 10)
        h.call(1, "read", nil, .ok, [1], from: 12, to: 14)  // seen, then missed by a stale read
        h.call(1, "read", nil, .ok, [], from: 15, to: 17)
        h.call(1, "read", nil, .ok, [1], from: 30, to: 32)
        h.call(1, "final-read", nil, .ok, [1], from: 50, to: 52)
        let v = checker.check(h.history)
        #expect(v.valid == .valid)
        let d = v.details["stable_latency"]
        #expect(d?["count"] == 1)
        #expect(d?["max"] == .int(Int(20 * ms)))
    }

    @Test func keysAreSeparateSets() {
        var h = HistoryBuilder()
        h.call(0, "add", 1, .ok, from: 0, to: 10, key: "a")
        h.call(0, "add", 1, .ok, from: 11, to: 12, key: "b")
        h.call(1, "final-read", nil, .ok, [], from: 40, to: 45, key: "a")
        h.call(2, "final-read", nil, .ok, [1], from: 40, to: 45, key: "b")
        let v = checker.check(h.history)
        #expect(v.count("lost") == 1)
        #expect(v.examples["lost"]?.first?["add"]?["key"] == "a")
    }

    @Test func badValueShapeIsUnknownNamingTheField() {
        var h = HistoryBuilder()
        h.call(0, "add", "x", .ok, from: 0, to: 10)
        let v = checker.check(h.history)
        #expect(v.valid == .unknown)
        #expect(v.error?.contains("field 'value'") == true)
        #expect(v.error?.contains("op 0") == true)
    }
}
