// `system: etcd` end to end: Faultline writes the member commands itself, starts a real 3-member etcd
// cluster, runs a register workload with a leader partition, and finds the leader through the Systems layer.
import Foundation
import History
import Testing

@testable import Controller

@Suite(.serialized, .enabled(if: EtcdInstall.path != nil, "etcd not in PATH: install Debian's etcd-server (scripts/test does)"))
struct EtcdShortFormTests {
    @Test func shortFormRunsARegisterWorkload() async throws {
        let dir = CLIRunner.tempDir("etcd-short")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        CLIRunner.write("name: etcd-short\ncomponents:\n  kv:\n    system: etcd\n    nodes: 3\n", to: dir + "/p.yml")
        let workload = try String(contentsOf: CLIRunner.root.appendingPathComponent("workloads/register.yml"), encoding: .utf8)
            .replacingOccurrences(of: "target: store", with: "target: kv")
            .replacingOccurrences(of: "warmup: 2s", with: "warmup: 1s")
            .replacingOccurrences(of: "recovery: 3s", with: "recovery: 2s")
        CLIRunner.write(workload, to: dir + "/w.yml")
        let r = try await CLIRunner.run(["run", "--pipeline", dir + "/p.yml", "--workload", dir + "/w.yml",
                                   "--nemesis", "partition-leader", "--time-limit", "6", "--seed", "5",
                                   "--name", "short", "--results", dir + "/results", "--quiet"], timeout: 120)
        let run = try InterruptTests.runDir(dir + "/results", "short")
        #expect(r.status == 0, "\(r.stderr.suffix(1500))")
        #expect(try RunTests.results(run)["checkers"]?["linearizable"]?["valid"] == .bool(true))

        // The members were started from the commands Faultline generated.
        for i in 1...3 {
            let line = try String(contentsOfFile: run + "/nodes/kv-\(i)/command.txt", encoding: .utf8)
            #expect(line.contains("--name=kv-\(i)") && line.contains("--initial-cluster=kv-1=http://kv-1.faultline:"), "\(line)")
        }
        // The leader came from etcd's API (EtcdSystem's leader discovery), before the run and for the partition.
        let log = try String(contentsOfFile: run + "/faultline.log", encoding: .utf8)
        #expect(log.contains("nodes of kv healthy; leader kv-"), "no leader found through the Systems layer")
        let h = try HistoryLoader.load(path: run + "/history.jsonl").history
        let part = try #require(h.ops.first { $0.process == .nemesis && $0.f == "start-partition" })
        #expect(part.value["cut"]?.arrayValue?.isEmpty == false, "the leader partition cut nothing: \(part.value)")
        #expect(h.ops.contains { $0.f == "write" && $0.type == .ok && $0.node?.hasPrefix("kv-") == true })
        // Every member is gone after the run.
        for p in try InterruptTests.nodePids(run) { #expect(!EtcdTests.alive(p), "etcd pid \(p) left running") }
    }
}
