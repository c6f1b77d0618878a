// How the Tansu adapter turns a send's per-partition answers into one outcome: ok only when every
// partition appended, fail only when none may have, info otherwise.
import History
import Testing

@testable import Systems

struct TansuOutcomeTests {
    let mops: [(key: Int32, value: Int)] = [(0, 10), (1, 11), (0, 12)]
    let order: [Int32] = [0, 1]

    @Test func everyPartitionAppendedIsOkWithEachRecordsOffset() {
        let done = TansuClient.completion(mops: mops, order: order, outcomes: [0: .appended(7), 1: .appended(3)])
        // Records of one partition are one batch: consecutive offsets from its base, in the op's order.
        #expect(done == .ok([["send", 0, [7, 10]], ["send", 1, [3, 11]], ["send", 0, [8, 12]]]))
    }

    @Test func refusedEverywhereIsFail() {
        let done = TansuClient.completion(mops: mops, order: order, outcomes: [
            0: .refused("UNKNOWN_TOPIC_OR_PARTITION (3)", retriable: true), 1: .refused("not sent: connection refused", retriable: true),
        ])
        guard case .fail(let why) = done else { Issue.record("expected fail, got \(done)"); return }
        #expect(why.contains("partition 0: UNKNOWN_TOPIC_OR_PARTITION") && why.contains("partition 1: not sent"))
    }

    @Test func partlyAppendedOrUnknownIsInfo() {
        let cases: [[Int32: PartitionOutcome]] = [
            [0: .appended(7), 1: .refused("NOT_LEADER_OR_FOLLOWER (6)", retriable: true)],
            [0: .unknown("no response within 1000 ms"), 1: .refused("NOT_LEADER_OR_FOLLOWER (6)", retriable: true)],
            [0: .appended(7), 1: .alreadyWritten],
            [0: .appended(7)],  // a partition without any outcome
        ]
        for outcomes in cases {
            let done = TansuClient.completion(mops: mops, order: order, outcomes: outcomes)
            guard case .info = done else { Issue.record("\(outcomes): expected info, got \(done)"); continue }
        }
    }

    /// Codes that mean "not appended" are refusals; codes that do not say are unknown.
    @Test func brokerCodesAreClassified() {
        for code: Int16 in [2, 3, 5, 6, 10, 19, 45, 47, 59, 90] {
            guard case .refused = PartitionOutcome.of(code: code, message: nil) else { Issue.record("code \(code) should be a refusal"); continue }
        }
        for code: Int16 in [-1, 7, 20, 99] {
            guard case .unknown = PartitionOutcome.of(code: code, message: nil) else { Issue.record("code \(code) should be unknown"); continue }
        }
        #expect(PartitionOutcome.of(code: 46, message: nil) == .alreadyWritten)
    }

    /// Send values that are not Jepsen's [["send", k, v], ...] are rejected before anything is sent.
    @Test func malformedSendsAreRejected() {
        #expect(TansuClient.sends([["send", 1, 5], ["send", 0, 6]])?.map(\.key) == [1, 0])
        for bad: JSONValue in [[], [["poll"]], [["send", "x", 5]], [["send", 1]], "send", [["send", 1, 5.5]]] {
            #expect(TansuClient.sends(bad) == nil, "\(bad)")
        }
    }
}
