// Checkers on stored histories: a JSONL round trip gives the same verdicts, and Jepsen EDN imports check as recorded.
import Foundation
import History
import Testing

@testable import Checker

struct StoredHistoryTests {
    @Test(arguments: [("set", "set"), ("queue", "queue"), ("log", "log"), ("pipeline", "pipeline"), ("register", "staleness")])
    func jsonlRoundTripKeepsTheVerdict(workload: String, checker: String) throws {
        let s = SyntheticHistory.make(workload: workload, ops: 20_000, seed: 11)!
        let text = s.history.ops.map(\.jsonLine).joined(separator: "\n") + "\n"
        let loaded = try HistoryLoader.parse(data: Data(text.utf8), source: "history.jsonl")
        let c = try CheckerRegistry.checker(named: checker)
        let before = c.check(s.history)
        let after = c.check(loaded.history)
        #expect(after.valid == before.valid)
        #expect(after.counts == before.counts)
        #expect(after.error == nil || after.error == before.error)
    }

    @Test func jepsenEDNQueueHistory() throws {
        let edn = """
            {:type :invoke, :f :enqueue, :value 1, :process 0, :time 1}
            {:type :ok, :f :enqueue, :value 1, :process 0, :time 2}
            {:type :invoke, :f :enqueue, :value 2, :process 1, :time 3}
            {:type :ok, :f :enqueue, :value 2, :process 1, :time 4}
            {:type :invoke, :f :dequeue, :value nil, :process 0, :time 5}
            {:type :ok, :f :dequeue, :value 1, :process 0, :time 6}
            {:type :info, :f :start, :value nil, :process :nemesis, :time 7}
            {:type :info, :f :stop, :value nil, :process :nemesis, :time 8}
            {:type :invoke, :f :drain, :value nil, :process 2, :time 9}
            {:type :ok, :f :drain, :value [], :process 2, :time 10}
            """
        let h = try HistoryLoader.parse(data: Data(edn.utf8), source: "history.edn").history
        let v = QueueChecker().check(h)
        #expect(v.valid == .invalid)
        #expect(v.count("lost") == 1)
        #expect(v.examples["lost"]?.first?["element"] == 2)
        #expect(AvailabilityChecker().check(h).details["faults"]?.arrayValue?.count == 1)
    }
}
