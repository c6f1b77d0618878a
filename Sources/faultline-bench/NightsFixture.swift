// NightsFixture: `faultline-bench nights DIR`: a generated results folder of N nights of one campaign,
// for bench/trends (the trends page's write time) and the archive round-trip test.
//
// Every run is a synthetic register history (Generator's SyntheticRegisterHistory, a stale read injected
// where the night's story says so) checked by the real linearizable, staleness, availability and perf checkers, so
// results.json, history.jsonl and the figures the trends page reads are what real runs produce. Which
// cells fail, and when, follows a fixed story (below) so that the page has something to show:
// expected anomalies (ap), a regression three nights ago and another tonight (cp), one flaky night
// (mixed), a night where mixed could not start and an interrupted run (harness failures), and changes of
// Faultline version, component version and input files.
import Checker
import Foundation
import Generator
import History
import Store

enum NightsFixture {
    static let pipelines = ["ap", "cp", "mixed"]
    static let nemeses = ["none", "partition-leader", "kill", "pause"]

    static func main(_ args: [String]) {
        guard let dir = args.first else {
            FileHandle.standardError.write(Data("usage: faultline-bench nights DIR [NIGHTS] [OPS]\n".utf8))
            exit(2)
        }
        let nights = args.count > 1 ? Int(args[1]) ?? 30 : 30
        let ops = args.count > 2 ? Int(args[2]) ?? 400 : 400
        guard (1...1000).contains(nights), (20...100_000).contains(ops) else {
            FileHandle.standardError.write(Data("faultline-bench nights: NIGHTS 1-1000, OPS 20-100000\n".utf8))
            exit(2)
        }
        do { try write(dir: dir, nights: nights, ops: ops) } catch {
            FileHandle.standardError.write(Data("faultline-bench nights: \(error)\n".utf8))
            exit(1)
        }
        print("\(nights) nights × \(pipelines.count * nemeses.count) cells written to \(dir)")
    }

    static func stamp(_ d: Date) -> String { RunFolder.stamp(d) }

    static func write(dir: String, nights: Int, ops: Int) throws {
        let fm = FileManager.default
        // Night 0 is the oldest; the newest is 2026-11-30 02:00 UTC.
        let newest = Date(timeIntervalSince1970: 1_796_004_000)  // 2026-11-30T02:00:00Z
        let dayFmt = DateFormatter()
        dayFmt.locale = Locale(identifier: "en_US_POSIX")
        dayFmt.timeZone = TimeZone(identifier: "UTC")
        dayFmt.dateFormat = "yyyy-MM-dd"
        for n in 0..<nights {
            let back = nights - 1 - n  // nights before the newest
            let start = newest.addingTimeInterval(-Double(back) * 86_400)
            let label = dayFmt.string(from: start)
            var cells: [CampaignCell] = []
            for (ci, (nemesis, pipeline)) in nemeses.flatMap({ n in pipelines.map { (n, $0) } }).enumerated() {
                let runStart = start.addingTimeInterval(Double(ci) * 25)
                let test = "nightly-register-\(pipeline)-\(nemesis)-s1"
                let runDir = dir + "/" + test + "/" + stamp(runStart)
                try fm.createDirectory(atPath: runDir + "/nodes", withIntermediateDirectories: true)
                let seed = UInt64(n * 100 + ci + 1)
                try Data("""
                    name: \(test)
                    pipeline: pipelines/\(pipeline).yml
                    workload: workloads/register.yml
                    nemesis: \(nemesis)
                    time_limit: 20
                    seed: \(seed)
                    generated: faultline-bench nights (synthetic history)

                    """.utf8).write(to: URL(fileURLWithPath: runDir + "/test.yml"))
                let story = outcome(pipeline: pipeline, nemesis: nemesis, back: back, seed: seed)
                var cell = CampaignCell(pipeline: pipeline, workload: "register", nemesis: nemesis, seed: 1,
                                        run: test + "/" + stamp(runStart), ending: .checked, verdict: .valid, held: true,
                                        failures: [], seconds: 21.5, ended: stamp(runStart.addingTimeInterval(22)))
                if let harness = story.harness {
                    cell.ending = harness.0
                    cell.verdict = nil
                    cell.held = false
                    cell.failures = [harness.1]
                    cells.append(cell)
                    continue
                }
                var g = SyntheticRegisterHistory()
                g.ops = ops
                g.seed = seed
                g.uniqueValues = true
                // Faults make more ops time out: availability moves with the nemesis and the night.
                g.infoRatio = nemesis == "none" ? 0.005 : 0.02 + Double(seed % 7) / 100
                var h = g.make()
                if story.stale { _ = SyntheticRegisterHistory.injectStaleRead(&h) }
                var text = ""
                for op in h.ops { text += op.jsonLine + "\n" }
                try Data(text.utf8).write(to: URL(fileURLWithPath: runDir + "/history.jsonl"))
                let results = try CheckerRegistry.check(h, checkers: ["linearizable", "staleness", "availability", "perf"], options: [:])
                let folder = RunFolder(runDir)
                try folder.writeResults(results)
                _ = folder.linkLatest()
                cell.verdict = results.valid
                // ap's expectation allows stale reads; cp's and mixed's do not.
                if pipeline != "ap", results.valid != .valid {
                    cell.held = false
                    cell.failures = ["valid = \(results.valid.rawValue), expected valid"]
                }
                cells.append(cell)
            }
            let version = back >= 18 ? "0.8.2" : "0.9.0"
            let etcd = back >= 8 ? "etcd Version: 3.5.16" : "etcd Version: 3.5.17"
            let inputs = back >= 3 ? "inputs-a" : "inputs-b"  // a pipeline file changed three nights ago
            let identity = NightIdentity(label: label, campaignSHA256: SHA256.hex("campaign nightly"), inputsSHA256: SHA256.hex(inputs),
                                         faultlineVersion: version,
                                         components: pipelines.map { ComponentVersion(pipeline: $0, component: "store", command: "etcd --version", version: etcd) })
            let record = CampaignRecord(campaign: "nightly", file: "campaigns/nightly.yml", started: stamp(start),
                                        finished: stamp(start.addingTimeInterval(Double(cells.count) * 25)), shard: 1, shards: 1,
                                        matrixSize: cells.count, cells: cells, night: identity)
            try record.write(results: dir)
        }
    }

    /// The story: (harness failure: how the run ended and its message) or whether a stale read is injected.
    static func outcome(pipeline: String, nemesis: String, back: Int, seed: UInt64) -> (harness: (RunEnding, String)?, stale: Bool) {
        if pipeline == "mixed" && back == 20 { return ((.cannotStart, "cannot start the system under test: store-2 exited with status 1 before it was healthy"), false) }
        if pipeline == "cp" && nemesis == "kill" && back == 11 { return ((.interrupted, "interrupted"), false) }
        switch pipeline {
        case "ap":
            var r = SplitMix64(seed: seed)
            return (nil, nemesis != "none" && r.next() % 10 < 7)
        case "cp": return (nil, (nemesis == "partition-leader" && back <= 2) || (nemesis == "pause" && back == 0))
        default: return (nil, nemesis == "kill" && back == 14)
        }
    }
}
