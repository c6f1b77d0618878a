// Jepsen's Kafka workload with subscribed consumers (workloads/kafka-subscribe.yml) against a real
// Tansu broker (memory storage): members of one consumer group, rebalanced whenever one subscribes
// again, is expelled or comes back; transactions that poll commit their positions with their sends.
// Short runs (7 s, one of them with a 3 s pause); their figures are printed.
import Foundation
import Generator
import History
import Systems
import Testing

@testable import Controller

struct KafkaSubscribeShapeTests {
    /// Subscribe names every key (the partitions of the one topic); with subscribe in the mix, a txn
    /// polls first, then sends.
    @Test func subscribeOpsAndPollingTxns() throws {
        let mix = OpMix(kind: .kafka, weights: [("send", 2), ("txn", 2), ("poll", 2), ("subscribe", 1)], keyCount: 3, seed: 4)
        var txns = 0
        for op in mix.plan(300) {
            switch op.f {
            case "subscribe":
                #expect(op.value == [0, 1, 2])
            case "txn":
                txns += 1
                let mops = try #require(op.value.arrayValue)
                #expect(mops.first == ["poll"] && (2...4).contains(mops.count), "\(op.value)")
                #expect(mops.dropFirst().allSatisfy { $0.arrayValue?.first == "send" }, "\(op.value)")
            default:
                continue
            }
        }
        #expect(txns > 0)
        // Without subscribe, transactions only send (as before).
        let assign = OpMix(kind: .kafka, weights: [("txn", 1), ("assign", 1)], keyCount: 3, seed: 4)
        #expect(assign.plan(50).filter { $0.f == "txn" }.allSatisfy { $0.value.arrayValue?.first?.arrayValue?.first == "send" })
    }

    /// A workload with subscribe tells the log checker (Jepsen's :sub-via), unless it says otherwise.
    @Test func subscribeTurnsOnTheCheckersSubscribeOption() throws {
        let base = "name: k\nkind: kafka\ntarget: queue\nkeys: 2\n"
        let sub = try WorkloadFile.parse(text: base + "functions: {send: 1, poll: 1, subscribe: 1}\n", file: "w.yml")
        #expect(sub.checkerOptions["log"]?["subscribe"] == true)
        let explicit = try WorkloadFile.parse(text: base + "functions: {send: 1, subscribe: 1}\nchecker_options:\n  log: {subscribe: false}\n", file: "w.yml")
        #expect(explicit.checkerOptions["log"]?["subscribe"] == false)
        let assign = try WorkloadFile.parse(text: base + "functions: {send: 1, poll: 1, assign: 1}\n", file: "w.yml")
        #expect(assign.checkerOptions["log"]?["subscribe"] == nil)
        let shipped = try WorkloadFile.load(path: CLIRunner.root.appendingPathComponent("workloads/kafka-subscribe.yml").path)
        #expect(shipped.checkerOptions["log"]?["subscribe"] == true && shipped.functions.contains { $0.f == "subscribe" })
    }
}

@Suite(.serialized, .enabled(if: TansuAvailable.binary != nil, "tansu not found (scripts/test installs it into .tools/bin)"))
struct TansuSubscribeTests {
    static func run(nemesis: String, seed: Int, name: String, workload: String = "workloads/kafka-subscribe.yml") async throws -> ShortFormRun {
        try await ShortFormRun.run(pipeline: "pipelines/tansu-memory.yml", workload: workload, nemesisYAML: nemesis,
                                   seed: seed, name: name, folderTag: "tansu-sub", timeLimit: 7, timeout: 240, system: "tansu")
    }

    /// workloads/kafka-subscribe.yml with a subscribe about every 46 ops instead of 270, so that even a
    /// loaded machine's few ops in 7 s include new members (the rebalances this test is about).
    static func frequentSubscribes() throws -> String {
        let shipped = try String(contentsOfFile: CLIRunner.root.appendingPathComponent("workloads/kafka-subscribe.yml").path, encoding: .utf8)
        let line = try #require(shipped.split(separator: "\n").first { $0.hasPrefix("functions:") })
        let text = shipped.replacingOccurrences(of: String(line), with: "functions: {send: 20, txn: 5, poll: 20, subscribe: 1}")
        let path = CLIRunner.tempDir("tansu-sub-workload") + "/kafka-subscribe-often.yml"
        CLIRunner.write(text, to: path)
        return path
    }

    /// Ops per function and outcome, and the anomalies found, for the test's printout.
    static func figures(_ h: History, _ log: JSONValue) -> String {
        var n: [String: Int] = [:]
        for op in h.ops where op.type != .invoke && !op.process.isNemesis { n["\(op.f) \(op.type)", default: 0] += 1 }
        let counts = (log["counts"]?.objectValue ?? [:]).filter { ($0.value.intValue ?? 0) > 0 }.map { "\($0.key) \($0.value)" }.sorted()
        return "\(n.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")); log \(log["valid"] ?? .null), found: \(counts)"
    }

    /// Per key, the processes whose ok polls (and polling txns) read it, outside the final poll.
    static func readers(_ h: History) -> [String: Set<Int>] {
        let last = h.ops.last { !$0.process.isNemesis && $0.type == .ok && $0.f == "poll" }?.index
        var out: [String: Set<Int>] = [:]
        for op in h.ops where op.type == .ok && (op.f == "poll" || op.f == "txn") && op.index != last {
            guard case .client(let p) = op.process else { continue }
            for m in op.value.arrayValue ?? [] where m.arrayValue?.first == "poll" {
                for (k, pairs) in m.arrayValue?.last?.objectValue ?? [:] where !(pairs.arrayValue ?? []).isEmpty { out[k, default: []].insert(p) }
            }
        }
        return out
    }

    /// The checks every subscribe run must pass: polling txns completed ok, the final
    /// poll read every key, and the log checker ran with `subscribe` and found nothing outside
    /// Jepsen's allowed set for subscribed consumers.
    static func checkSubscribedRun(_ r: ShortFormRun) throws -> JSONValue {
        let log = try #require(r.results["checkers"]?["log"], "\(r.stderr.suffix(1500))")
        #expect(log["details"]?["options"]?["subscribe"] == true)
        let polledInTxn = r.history.ops.contains { $0.f == "txn" && $0.type == .ok && $0.value.arrayValue?.first?.arrayValue?.first == "poll" }
        #expect(polledInTxn, "no transaction that polled committed")
        let last = try #require(r.history.ops.last { !$0.process.isNemesis })
        #expect(last.f == "poll" && last.type == .ok, "the final poll did not complete ok: \(last)")
        let read = last.value.arrayValue?.first?.arrayValue?[1].objectValue ?? [:]
        #expect(Set(read.keys) == ["0", "1", "2", "3"], "the final poll read keys \(read.keys.sorted())")
        let bad = (log["details"]?["bad_error_types"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(bad.isEmpty && log["valid"] == true, "anomalies beyond rebalances: \(bad) \(log["examples"] ?? .null)")
        return log
    }

    /// Each member's first op joins the group and every `subscribe` op joins again: each join makes the
    /// group rebalance (every member joins again and gets a new share of the partitions), several
    /// times in 7 s. Partitions move between consumers, each new owner starting at the
    /// group's committed offset, and the log checker reports only what Jepsen allows a subscribed
    /// consumer (nonmonotonic-poll, poll-skip): no lost write, no duplicate, no G1a.
    @Test func rebalancesMidRunAreNotAnomalies() async throws {
        let workload = try Self.frequentSubscribes()
        defer { try? FileManager.default.removeItem(atPath: (workload as NSString).deletingLastPathComponent) }
        let r = try await Self.run(nemesis: "name: none\nevents: []\n", seed: 2, name: "tansu-sub-none", workload: workload)
        defer { try? FileManager.default.removeItem(atPath: (r.dir as NSString).deletingLastPathComponent) }
        let log = try Self.checkSubscribedRun(r)
        print("tansu-memory kafka-subscribe, no fault: \(Self.figures(r.history, log))")
        // A completed subscribe is a new member, so a new generation and new owners: some key was read
        // by two consumers. On a loaded machine (other suites running at once) every subscribe can
        // run out of rejoin attempts while the group keeps rebalancing; those are `fail` or `info`,
        // and the handoff check has nothing to check then (said in the output, not passed silently).
        #expect(r.history.ops.contains { $0.f == "subscribe" && $0.type != .invoke }, "no subscribe was tried")
        let moved = Self.readers(r.history).filter { $0.value.count >= 2 }
        if r.history.ops.contains(where: { $0.f == "subscribe" && $0.type == .ok }) {
            #expect(!moved.isEmpty, "no partition changed owner: \(Self.readers(r.history))")
        } else {
            print("tansu-memory kafka-subscribe, no fault: no subscribe completed, so no handoff to check")
        }
        #expect(r.status == 0)
    }

    /// A paused broker: joins and heartbeats get no answer, members come back and rejoin; the log
    /// survives, so the verdict is the same as without the pause.
    @Test func pausedBrokerWithSubscribedConsumers() async throws {
        let r = try await Self.run(nemesis: "name: pause\nevents:\n  - {at: 1s, duration: 3s, fault: pause, target: queue-1}\n", seed: 1, name: "tansu-sub-pause")
        defer { try? FileManager.default.removeItem(atPath: (r.dir as NSString).deletingLastPathComponent) }
        let log = try Self.checkSubscribedRun(r)
        print("tansu-memory kafka-subscribe under a 3 s pause: \(Self.figures(r.history, log))")
        #expect(r.history.ops.contains { ($0.type == .info || $0.type == .fail) && !$0.process.isNemesis }, "no op was slowed by the pause")
        #expect(r.status == 0)
    }
}
