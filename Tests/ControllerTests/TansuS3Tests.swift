// `system: tansu` with `storage: s3` end to end: three real Tansu brokers sharing one log in a real
// SeaweedFS bucket (one `weed server` node), each broker's S3 traffic through its own proxy. One
// short run: broker queue-2 killed for 3 s. Its figures are printed.
import Foundation
import History
import Testing

@testable import Controller

enum SeaweedAvailable {
    static let binary: String? = {
        let env = ProcessInfo.processInfo.environment
        var candidates = [CLIRunner.root.appendingPathComponent(".tools/bin/weed").path]
        candidates += (env["PATH"] ?? "").split(separator: ":").map { "\($0)/weed" }
        return candidates.first { access($0, X_OK) == 0 }
    }()
}

@Suite(.serialized, .enabled(if: TansuAvailable.binary != nil && SeaweedAvailable.binary != nil,
                             "tansu or weed not found (scripts/test installs both into .tools/bin)"))
struct TansuS3Tests {
    /// A killed broker loses nothing: the log is in S3. Sends acknowledged by queue-2 before its kill
    /// are read by the final polls, which run on every broker; whatever the analysis reports comes
    /// with example ops.
    @Test func killedBrokerLosesNothingOfTheSharedLog() throws {
        let dir = CLIRunner.tempDir("tansu-s3")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        CLIRunner.write("name: kill-broker\nevents:\n  - {at: 1s, duration: 3s, fault: kill, target: queue-2}\n", to: dir + "/n.yml")
        let r = try CLIRunner.run(["run", "--pipeline", "pipelines/tansu-s3.yml", "--workload", "workloads/kafka.yml",
                                   "--nemesis", dir + "/n.yml", "--time-limit", "7", "--seed", "1", "--name", "s3-kill",
                                   "--results", dir + "/results", "--quiet"], timeout: 300)
        #expect(r.status == 0 || r.status == 1, "the run did not reach a verdict (\(r.status)): \(r.stderr.suffix(1500))")
        let run = try InterruptTests.runDir(dir + "/results", "s3-kill")
        let results = try RunTests.results(run)
        let h = try HistoryLoader.load(path: run + "/history.jsonl").history
        for p in try InterruptTests.nodePids(run) { #expect(!EtcdTests.alive(p), "pid \(p) left running") }
        let log = try #require(results["checkers"]?["log"], "\(r.stderr.suffix(1500))")
        let kill = try #require(h.ops.first { $0.f == "start-kill" })
        let okSends = h.ops.filter { ($0.f == "send" || $0.f == "txn") && $0.type == .ok }
        let brokers = Set(okSends.compactMap(\.node))
        print("tansu-s3 kafka, queue-2 killed 3 s: \(okSends.count) acknowledged send/txn on \(brokers.sorted()); log \(log["valid"] ?? .null) \(log["details"]?["error_types"] ?? .null)")
        #expect(brokers.count == 3, "acknowledged sends came from \(brokers.sorted())")
        // One final poll per broker, all ok.
        let finals = h.ops.suffix(6).filter { $0.f == "poll" && $0.type != .invoke }
        #expect(finals.count == 3 && finals.allSatisfy { $0.type == .ok }, "final polls: \(finals.map { "\($0.node ?? "-") \($0.type)" })")
        // What queue-2 acknowledged before its kill is still in the log afterwards.
        var finalRead = Set<Int>()
        for f in finals {
            for (_, pairs) in f.value.arrayValue?.first?.arrayValue?[1].objectValue ?? [:] {
                for p in pairs.arrayValue ?? [] { if let v = p.arrayValue?[1].intValue { finalRead.insert(v) } }
            }
        }
        let beforeKill = okSends.filter { $0.node == "queue-2" && $0.time < kill.time }.flatMap { op in
            (op.value.arrayValue ?? []).compactMap { $0.arrayValue?[2].arrayValue?[1].intValue }
        }
        #expect(!beforeKill.isEmpty, "queue-2 acknowledged nothing before its kill")
        let missing = beforeKill.filter { !finalRead.contains($0) }
        #expect(missing.isEmpty, "acknowledged by queue-2 before its kill, not in any final poll: \(missing.prefix(10))")
        for name in (log["details"]?["error_types"]?.arrayValue ?? []).compactMap(\.stringValue) {
            #expect(log["examples"]?[name]?.arrayValue?.isEmpty == false, "\(name) reported without example ops")
        }
    }
}
