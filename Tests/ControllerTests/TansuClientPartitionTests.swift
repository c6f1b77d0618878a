// TansuClientPartitionTests: the clients cut from a running Tansu broker (memory) for 3 s through
// their client proxy: sends in the window end info or fail (fail only when nothing was sent), the
// broker keeps its log, and the final polls after the heal read it.
import Foundation
import History
import Testing

@Suite(.serialized, .enabled(if: TansuAvailable.binary != nil, "tansu not found (scripts/test installs it into .tools/bin)"))
struct TansuClientPartitionTests {
    /// What a send or txn that certainly sent nothing says (TansuClient; ClientPool for a client that
    /// could not be opened).
    static let notSentPrefixes = ["before sending", "not sent", "no record sent", "cannot open a client"]

    @Test func clientsCutFromTheBrokerEndInfoOrFailAndTheLogSurvives() async throws {
        let r = try await TansuShortFormTests.run(fault: "partition-clients", seed: 3)
        defer { try? FileManager.default.removeItem(atPath: (r.dir as NSString).deletingLastPathComponent) }
        let log = try #require(r.results["checkers"]?["log"], "\(r.stderr.suffix(1500))")
        print("tansu-memory kafka, clients cut from the broker for 3 s: \(TansuShortFormTests.figures(r.history)); log \(log["valid"] ?? .null) \(log["details"]?["error_types"] ?? .null)")
        let (start, stop, from, to) = try ClientProxyRunTests.window(r.history)
        #expect(start.value["cut"] == [["clients", "queue-1"]], "\(start.value)")
        let pairs = try r.history.pairs()
        // Sends and txns invoked inside the window: none acknowledged before the heal (a request held
        // by the cut link reaches the broker when it heals, so an ack after it is fair), and each
        // failure says nothing was sent; the rest are unknown (info).
        let cut = pairs.filter { !$0.process.isNemesis && ["send", "txn"].contains($0.f) && $0.invoke.time > from && $0.invoke.time < to }
        #expect(!cut.isEmpty, "no send was invoked inside the window")
        for p in cut {
            if p.outcome == .ok {
                #expect((p.completion?.time ?? 0) > to, "a send was acknowledged while the clients were cut: \(p.invoke)")
            }
            if p.outcome == .fail {
                let why = p.completion?.error ?? ""
                #expect(Self.notSentPrefixes.contains { why.hasPrefix($0) }, "a send failed although it may have been sent: \(why)")
            }
        }
        #expect(cut.contains { $0.outcome != .ok }, "every send of the window was acknowledged")
        // The broker answered nothing inside the window (`assign` is the client's own business: no request).
        let answered = ClientProxyRunTests.inside(pairs, from: from, to: to, fs: ["send", "txn", "poll"])
        #expect(answered.allSatisfy { $0.outcome != .ok }, "ops succeeded while the clients were cut: \(answered.filter { $0.outcome == .ok }.prefix(3).map(\.invoke))")
        // The broker was never touched: sends succeed again after the heal, and the final poll reads every partition.
        #expect(pairs.contains { $0.f == "send" && $0.invoke.time > stop.time && $0.outcome == .ok }, "no send succeeded after the heal")
        try TansuShortFormTests.checkShape(r.history)
        // Whatever the verdict, a finding carries its count and example ops.
        #expect(log["valid"] == true || log["valid"] == false, "log verdict \(log["valid"] ?? .null): \(log["error"] ?? .null)")
        for name in (log["details"]?["bad_error_types"]?.arrayValue ?? []).compactMap(\.stringValue) {
            #expect((log["counts"]?[name]?.intValue ?? 0) > 0, "\(name) reported without a count")
            #expect(log["examples"]?[name]?.arrayValue?.isEmpty == false, "\(name) reported without example ops")
        }
        #expect(r.status == 0 || r.status == 1, "exit \(r.status): \(r.stderr.suffix(800))")
    }
}
