// Hand-written log (offset) histories with known answers.
import History
import Testing

@testable import Checker

struct LogCheckerTests {
    let checker = LogChecker()

    /// Three acknowledged produces at offsets 0, 1, 2.
    func produced() -> HistoryBuilder {
        var h = HistoryBuilder()
        h.call(0, "produce", 10, .ok, ["value": 10, "offset": 0], from: 0, to: 2)
        h.call(0, "produce", 11, .ok, ["value": 11, "offset": 1], from: 3, to: 4)
        h.call(0, "produce", 12, .ok, ["value": 12, "offset": 2], from: 5, to: 6)
        return h
    }

    @Test func consistentPollsAndDrainAreValid() {
        var h = produced()
        h.call(1, "poll", nil, .ok, [[0, 10], [1, 11]], from: 10, to: 11)
        h.call(1, "poll", nil, .ok, [[2, 12]], from: 12, to: 13)
        h.call(1, "poll", nil, .ok, [], from: 14, to: 15)
        h.call(2, "drain", nil, .ok, [[0, 10], [1, 11], [2, 12]], from: 20, to: 21)
        let v = checker.check(h.history)
        #expect(v.valid == .valid)
        #expect(v.counts.values.allSatisfy { $0 == 0 })
    }

    @Test func acknowledgedProduceMissingFromDrainIsLost() {
        var h = produced()
        h.call(2, "drain", nil, .ok, [[0, 10], [1, 11]], from: 20, to: 21)
        let v = checker.check(h.history)
        #expect(v.valid == .invalid)
        #expect(v.count("lost") == 1)
        #expect(v.examples["lost"]?.first?["value"] == 12)
    }

    @Test func valueAtTwoOffsetsIsDuplicated() {
        var h = produced()
        h.call(2, "drain", nil, .ok, [[0, 10], [1, 11], [2, 12], [3, 10]], from: 20, to: 21)
        let v = checker.check(h.history)
        #expect(v.count("duplicated") == 1)
        #expect(v.count("lost") == 0)
    }

    @Test func pollWithDecreasingOffsetsIsOutOfOrder() {
        var h = produced()
        h.call(1, "poll", nil, .ok, [[1, 11], [0, 10]], from: 10, to: 11)
        h.call(2, "drain", nil, .ok, [[0, 10], [1, 11], [2, 12]], from: 20, to: 21)
        let v = checker.check(h.history)
        #expect(v.count("out-of-order") == 1)
        #expect(v.valid == .invalid)
    }

    @Test func gapsOverExistingEntriesAreSkips() {
        var h = produced()
        h.call(1, "poll", nil, .ok, [[0, 10], [2, 12]], from: 10, to: 11)  // skips offset 1 inside a poll
        h.call(3, "poll", nil, .ok, [[0, 10]], from: 10, to: 11)
        h.call(3, "poll", nil, .ok, [[2, 12]], from: 12, to: 13)  // skips offset 1 between polls
        h.call(2, "drain", nil, .ok, [[0, 10], [1, 11], [2, 12]], from: 20, to: 21)
        let v = checker.check(h.history)
        #expect(v.count("skipped-in-poll") == 1)
        #expect(v.count("skipped-between-polls") == 1)
        #expect(v.count("non-monotonic-poll") == 0)
    }

    @Test func consumerGoingBackIsNonMonotonic() {
        var h = produced()
        h.call(1, "poll", nil, .ok, [[0, 10], [1, 11]], from: 10, to: 11)
        h.call(1, "poll", nil, .ok, [[1, 11], [2, 12]], from: 12, to: 13)
        h.call(2, "poll", nil, .ok, [[0, 10]], from: 12, to: 13)  // another consumer: its own position
        h.call(2, "drain", nil, .ok, [[0, 10], [1, 11], [2, 12]], from: 20, to: 21)
        let v = checker.check(h.history)
        #expect(v.count("non-monotonic-poll") == 1)
    }

    @Test func readOfAnEntryLaterTruncatedIsRolledBack() {
        var h = produced()
        h.call(1, "poll", nil, .ok, [[0, 10], [1, 11], [2, 12]], from: 10, to: 11)
        h.call(2, "drain", nil, .ok, [[0, 10], [1, 11]], from: 20, to: 21)
        let v = checker.check(h.history)
        #expect(v.count("rolled-back") == 1)
        #expect(v.examples["rolled-back"]?.first?["offset"] == 2)
        #expect(v.count("lost") == 1)
    }

    @Test func offsetWithTwoValuesIsInconsistent() {
        var h = produced()
        h.call(0, "produce", 13, .info, from: 7, to: 8)
        h.call(1, "poll", nil, .ok, [[2, 13]], from: 10, to: 11)
        h.call(2, "drain", nil, .ok, [[0, 10], [1, 11], [2, 12]], from: 20, to: 21)
        let v = checker.check(h.history)
        #expect(v.count("inconsistent-offset") == 1)
        #expect(v.count("rolled-back") == 1)
        #expect(v.count("unexpected") == 0)  // 13 was produced, indeterminately
    }

    @Test func unproducedValueIsUnexpectedAndFailedProducesAreIgnored() {
        var h = produced()
        h.call(0, "produce", 14, .fail, from: 7, to: 8)
        h.call(2, "drain", nil, .ok, [[0, 10], [1, 11], [2, 12], [3, 99]], from: 20, to: 21)
        let v = checker.check(h.history)
        #expect(v.count("unexpected") == 1)
        #expect(v.count("lost") == 0)
    }

    @Test func produceAfterTheDrainIsNotLostAndNoDrainIsUnknown() {
        var h = produced()
        h.call(2, "drain", nil, .ok, [[0, 10], [1, 11], [2, 12]], from: 20, to: 21)
        h.call(0, "produce", 15, .ok, ["value": 15, "offset": 3], from: 30, to: 31)
        #expect(checker.check(h.history).valid == .valid)
        #expect(checker.check(produced().history).valid == .unknown)
    }
}
