// Hand-written queue histories with known answers.
import History
import Testing

@testable import Checker

struct QueueCheckerTests {
    let checker = QueueChecker()

    @Test func everythingDequeuedOrDrainedIsValid() {
        var h = HistoryBuilder()
        h.call(0, "enqueue", 1, .ok, from: 0, to: 5)
        h.call(0, "enqueue", 2, .ok, from: 6, to: 8)
        h.call(1, "dequeue", nil, .ok, 1, from: 10, to: 12)
        h.call(1, "dequeue", nil, .ok, .null, from: 13, to: 14)  // an empty dequeue is not an element
        h.call(1, "drain", nil, .ok, [2], from: 20, to: 22)
        let v = checker.check(h.history)
        #expect(v.valid == .valid)
        #expect(v.details["returned"] == 2)
    }

    @Test func acknowledgedEnqueueNeverReturnedIsLost() {
        var h = HistoryBuilder()
        h.call(0, "enqueue", 1, .ok, from: 0, to: 5)
        h.call(0, "enqueue", 2, .ok, from: 6, to: 8)
        h.call(1, "dequeue", nil, .ok, 1, from: 10, to: 12)
        h.call(1, "drain", nil, .ok, [], from: 20, to: 22)
        let v = checker.check(h.history)
        #expect(v.valid == .invalid)
        #expect(v.count("lost") == 1)
        #expect(v.examples["lost"]?.first?["element"] == 2)
    }

    @Test func elementReturnedTwiceIsDuplicated() {
        var h = HistoryBuilder()
        h.call(0, "enqueue", 1, .ok, from: 0, to: 5)
        h.call(1, "dequeue", nil, .ok, 1, from: 10, to: 12)
        h.call(1, "drain", nil, .ok, [1], from: 20, to: 22)
        let v = checker.check(h.history)
        #expect(v.valid == .invalid)
        #expect(v.count("duplicated") == 1)
    }

    @Test func neverOrOnlyFailedEnqueuesAreUnexpected() {
        var h = HistoryBuilder()
        h.call(0, "enqueue", 4, .fail, from: 0, to: 5)
        h.call(1, "drain", nil, .ok, [4, 5], from: 20, to: 22)
        let v = checker.check(h.history)
        #expect(v.valid == .invalid)
        #expect(v.count("unexpected") == 2)
    }

    @Test func infoEnqueuesMayOrMayNotTakeEffect() {
        var h = HistoryBuilder()
        h.call(0, "enqueue", 3, .info, from: 0, to: 5)
        h.call(2, "enqueue", 4, .info, from: 0, to: 5)
        h.call(1, "drain", nil, .ok, [3], from: 20, to: 22)
        let v = checker.check(h.history)
        #expect(v.valid == .valid)
        #expect(v.count("recovered") == 1)
        #expect(v.count("lost") == 0)
    }

    @Test func indeterminateDequeueMakesAMissingElementPossiblyLost() {
        var h = HistoryBuilder()
        h.call(0, "enqueue", 1, .ok, from: 0, to: 5)
        h.call(1, "dequeue", nil, .info, from: 10, to: 15)
        h.call(2, "drain", nil, .ok, [], from: 20, to: 22)
        let v = checker.check(h.history)
        #expect(v.count("possibly-lost") == 1 && v.count("lost") == 0)
        #expect(v.valid == .unknown)
        // Two missing elements but only one indeterminate dequeue: one is certainly lost.
        h.call(3, "enqueue", 2, .ok, from: 1, to: 6)
        #expect(checker.check(h.history).valid == .invalid)
    }

    @Test func withoutADrainTheVerdictIsUnknown() {
        var h = HistoryBuilder()
        h.call(0, "enqueue", 1, .ok, from: 0, to: 5)
        h.call(1, "drain", nil, .fail, from: 20, to: 22)  // a failed drain returned nothing
        #expect(checker.check(h.history).valid == .unknown)
    }

    @Test func enqueueAfterTheDrainBeganIsUncheckedNotLost() {
        var h = HistoryBuilder()
        h.call(0, "enqueue", 1, .ok, from: 0, to: 5)
        h.op(.invoke, 1, "drain", nil, at: 20)
        h.call(0, "enqueue", 2, .ok, from: 21, to: 25)
        h.op(.ok, 1, "drain", [1], at: 30)
        let v = checker.check(h.history)
        #expect(v.valid == .valid)
        #expect(v.count("unchecked") == 1 && v.count("lost") == 0)
    }
}
