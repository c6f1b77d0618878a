// campaigns/etcd.yml through `faultline campaign` (issue 10 "Done when"; 11 s per run, so that the leader
// partition lasts its full 5 s even on a loaded machine): linearizable reads stay
// linearizable under every schedule, serializable reads go stale under the leader partition, and the
// comparison page puts both side by side.
import Foundation
import History
import Testing

@Suite(.enabled(if: EtcdInstall.path != nil, "etcd not in PATH: install Debian's etcd-server (scripts/test does)"))
struct EtcdCampaignTests {
    /// The shipped campaign with a shorter time limit and one seed (the shipped file: 10 s, 2 seeds).
    /// A run's nemesis ops and its reads by node and outcome: what a failed expectation about a fault
    /// shows (once seen in CI, not here: serializable reads under the leader partition that were never stale).
    static func describe(_ run: String) -> String {
        guard let h = try? HistoryLoader.load(path: run + "/history.jsonl").history else { return "no history in \(run)" }
        var reads: [String: Int] = [:]
        for o in h.ops where o.f == "read" && o.type != .invoke { reads["\(o.node ?? "?") \(o.type)", default: 0] += 1 }
        return "nemesis \(PipelineRunTests.nemesisOps(h)); reads \(reads.sorted { $0.key < $1.key })"
    }

    static func shortCampaign(dir: String) throws -> String {
        var text = try String(contentsOfFile: CLIRunner.root.appendingPathComponent("campaigns/etcd.yml").path, encoding: .utf8)
        text = text.replacingOccurrences(of: "time_limit: 10s", with: "time_limit: 11s")
            .replacingOccurrences(of: "seeds: 2", with: "seeds: [1]")
        #expect(text.contains("time_limit: 11s") && text.contains("seeds: [1]"), "campaigns/etcd.yml changed shape")
        let path = dir + "/etcd.yml"
        CLIRunner.write(text, to: path)
        return path
    }

    @Test func etcdCampaignComparesLinearizableAndSerializableReads() async throws {
        let dir = CLIRunner.tempDir("etcd-campaign")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = try Self.shortCampaign(dir: dir)
        let r = try await CLIRunner.run(["campaign", file, "--results", dir + "/results"], timeout: 600)
        // Every expectation held: etcd-linearizable valid everywhere, etcd-serializable's staleness bounded.
        #expect(r.status == 0, "stdout: \(r.stdout.suffix(3000)) stderr: \(r.stderr.suffix(2000))")

        let fm = FileManager.default
        let results = dir + "/results"
        var staleUnderLeaderPartition = 0
        var partitionRun = ""
        var linearizableRuns = 0
        for nemesis in ["partition-leader", "partition-ring", "pause", "kill"] {
            for pipeline in ["etcd-linearizable", "etcd-serializable"] {
                let test = "etcd-register-\(pipeline)-\(nemesis)-s1"
                guard let stamp = try? fm.destinationOfSymbolicLink(atPath: "\(results)/\(test)/latest") else {
                    Issue.record("no run \(test) under \(results): \((try? fm.contentsOfDirectory(atPath: results)) ?? [])")
                    continue
                }
                let run = "\(results)/\(test)/\(stamp)"
                let res = try RunTests.results(run)
                let lin = res["checkers"]?["linearizable"]?["valid"]
                if pipeline == "etcd-linearizable" {
                    #expect(lin == .bool(true), "\(test): linearizable \(String(describing: lin))")
                    linearizableRuns += 1
                } else if nemesis == "partition-leader" {
                    staleUnderLeaderPartition = res["checkers"]?["staleness"]?["counts"]?["stale-read"]?.intValue ?? 0
                    if staleUnderLeaderPartition == 0 { partitionRun = Self.describe(run) }
                    // The staleness distribution counts each stale read.
                    let dist = res["checkers"]?["staleness"]?["details"]?["time_behind_stale_reads"]?["count"]?.intValue ?? -1
                    #expect(dist == staleUnderLeaderPartition)
                }
                #expect(fm.fileExists(atPath: run + "/report.html"))
            }
        }
        #expect(linearizableRuns == 4)
        #expect(staleUnderLeaderPartition > 0, "serializable reads under the leader partition showed no stale read: \(partitionRun)")

        // The comparison page: both pipelines side by side, every schedule, links to the runs.
        let page = try String(contentsOfFile: results + "/campaigns/etcd/comparison.html", encoding: .utf8)
        for s in ["etcd-linearizable", "etcd-serializable", "partition-leader", "partition-ring", "pause", "kill", "report.html"] {
            #expect(page.contains(s), "comparison page lacks \(s)")
        }
        #expect(fm.fileExists(atPath: results + "/campaigns/etcd/junit.xml"))
    }
}
