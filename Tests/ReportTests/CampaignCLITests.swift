// `faultline campaign`, `--shard` + `faultline report`, and `faultline analyze` after a SIGKILLed controller, as real processes.
import FaultlineTesting
import Foundation
import Store
import Testing

struct CampaignCLITests {
    static let root = CLIProcess.packageRoot()
    static var faultline: String { CLIProcess.binary("faultline") }

    /// A campaign of 2 pipelines (CP and a copy of it under another name, so both verdicts are
    /// deterministic) × register × no fault × 1 seed, 4 s each.
    static func campaignFile(_ dir: String, name: String, expect: String) -> String {
        let cp = try! String(contentsOfFile: root.path + "/pipelines/cp.yml", encoding: .utf8)
        _ = FileManager.default.createFile(atPath: dir + "/cp2.yml", contents: Data(cp.replacingOccurrences(of: "name: cp", with: "name: cp2").utf8))
        let text = """
            name: \(name)
            time_limit: 4s
            seeds: [1]
            pipelines: [pipelines/cp.yml, \(dir)/cp2.yml]
            workloads: [workloads/register.yml]
            nemeses: [none]
            concurrency: 3
            rate: 50
            expect:
            \(expect)

            """
        let path = dir + "/\(name).yml"
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    /// What must be equal between a sharded and an unsharded campaign: runs (test, verdict, checkers) and cells.
    static func summary(_ results: String) -> [String] {
        let t = ResultsTree.scan(results)
        var lines = t.runs.map { r in "run \(r.test) \(r.valid?.rawValue ?? "none") " + r.checkers.map { "\($0.name)=\($0.valid.rawValue)" }.joined(separator: ",") }
        for c in t.campaigns {
            lines.append("campaign \(c.name) \(c.cells.count)/\(c.matrixSize) allHeld=\(c.allHeld)")
            lines += c.cells.map { "cell \($0.pipeline) \($0.workload) \($0.nemesis) \($0.seed) \($0.verdictWord) held=\($0.held) \(($0.run as NSString).deletingLastPathComponent)" }
        }
        return lines.sorted()
    }

    @Test func campaignShardsAndReportMerge() throws {
        let dir = TestSupport.tempDir("campaign")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = Self.campaignFile(dir, name: "mini", expect: "  cp: {valid: true}\n  cp2: {linearizable: valid, availability.ok_ratio: {min: 0.5}}")
        // Unsharded.
        let whole = dir + "/whole"
        let r = try CLIProcess.run(Self.faultline, ["campaign", file, "--results", whole], cwd: Self.root, timeout: 120)
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr.suffix(2000))")
        let page = whole + "/campaigns/mini/comparison.html"
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("register × none"))
        #expect(html.contains("<th>cp<br>") && html.contains("<th>cp2<br>"))
        #expect(r.stdout.contains("comparison page: "))
        let junit = try String(contentsOfFile: whole + "/campaigns/mini/junit.xml", encoding: .utf8)
        #expect(junit.contains("tests=\"2\" failures=\"0\""))
        #expect(junit.components(separatedBy: "<testcase ").count == 3)
        #expect(!junit.contains("<failure"))
        let index = try String(contentsOfFile: whole + "/index.html", encoding: .utf8)
        #expect(index.contains("campaigns/mini/comparison.html"))
        for run in ResultsTree.scan(whole).runs { #expect(run.hasReport, "\(run.path) has report.html") }

        // Two shards into two folders, copied into one, merged by `faultline report`.
        let a = dir + "/a", b = dir + "/b"
        let s1 = try CLIProcess.run(Self.faultline, ["campaign", file, "--results", a, "--shard", "1/2"], cwd: Self.root, timeout: 120)
        let s2 = try CLIProcess.run(Self.faultline, ["campaign", file, "--results", b, "--shard", "2/2"], cwd: Self.root, timeout: 120)
        #expect(s1.status == 0 && s2.status == 0, "\(s1.stderr.suffix(800)) \(s2.stderr.suffix(800))")
        #expect(ResultsTree.scan(a).runs.count == 1 && ResultsTree.scan(b).runs.count == 1)
        let cp = Process()
        cp.executableURL = URL(fileURLWithPath: "/bin/cp")
        cp.arguments = ["-R", b + "/.", a + "/"]
        try cp.run()
        cp.waitUntilExit()
        let rep = try CLIProcess.run(Self.faultline, ["report", a], cwd: Self.root, timeout: 60)
        #expect(rep.status == 0, "\(rep.stderr)")
        #expect(Self.summary(a) == Self.summary(whole))
        #expect(Self.summary(a).count == 2 + 1 + 2)
        let merged = try String(contentsOfFile: a + "/campaigns/mini/junit.xml", encoding: .utf8)
        #expect(merged.contains("tests=\"2\" failures=\"0\""))
        let mergedIndex = try String(contentsOfFile: a + "/index.html", encoding: .utf8)
        #expect(mergedIndex.contains("2/2"))
    }

    @Test func failedExpectationExits1WithAFailedCase() throws {
        let dir = TestSupport.tempDir("campaign-fail")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // At most one op: certainly broken. Only cp runs (--shard 1/2 takes the first cell).
        let file = Self.campaignFile(dir, name: "strict", expect: "  cp: {perf.ops: {max: 1}}")
        let r = try CLIProcess.run(Self.faultline, ["campaign", file, "--results", dir + "/r", "--shard", "1/2"], cwd: Self.root, timeout: 120)
        #expect(r.status == 1, "\(r.stdout)\n\(r.stderr.suffix(1500))")
        #expect(r.stdout.contains("FAILED cp"))
        let junit = try String(contentsOfFile: dir + "/r/campaigns/strict/junit.xml", encoding: .utf8)
        #expect(junit.contains("failures=\"1\""))
        #expect(junit.contains("<failure message=\"perf.ops = "))
        let html = try String(contentsOfFile: dir + "/r/campaigns/strict/comparison.html", encoding: .utf8)
        #expect(html.contains("above max 1"))
    }

    @Test func badCampaignFileExits2NamingTheField() throws {
        let dir = TestSupport.tempDir("campaign-bad")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = Self.campaignFile(dir, name: "bad", expect: "  ap: {valid: true}")
        let r = try CLIProcess.run(Self.faultline, ["campaign", file, "--results", dir + "/r"], cwd: Self.root, timeout: 30)
        #expect(r.status == 2)
        #expect(r.stderr.contains("bad.yml:") && r.stderr.contains("field expect.ap"), "\(r.stderr)")
    }

    @Test func analyzeReportsARunWhoseControllerWasKilled() throws {
        let dir = TestSupport.tempDir("analyze-kill")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try CLIProcess.run(Self.faultline, ["run", "--pipeline", "pipelines/cp.yml", "--workload", "workloads/register.yml",
                                                    "--nemesis", "partition-leader", "--time-limit", "30", "--seed", "5",
                                                    "--name", "killed", "--results", dir, "--quiet"],
                                   cwd: Self.root, timeout: 60, signal: (SIGKILL, 6))
        #expect(r.status == 9 || r.status == 137)
        let stamps = try FileManager.default.contentsOfDirectory(atPath: dir + "/killed").filter { $0 != "latest" }
        let run = dir + "/killed/" + (try #require(stamps.first))
        #expect(!FileManager.default.fileExists(atPath: run + "/results.json"))
        // Nodes die with their controller (parent-death signal); give the kernel a moment.
        let log = try String(contentsOfFile: run + "/faultline.log", encoding: .utf8)
        let pids = log.split(separator: "\n").filter { $0.contains("started node") }.compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("pid=") }.flatMap { Int32($0.dropFirst(4)) }
        }
        #expect(pids.count == 3)
        #expect(TestSupport.waitDead(pids, timeout: 5).isEmpty, "a node outlived its controller")
        let a = try CLIProcess.run(Self.faultline, ["analyze", run], cwd: Self.root, timeout: 90)
        #expect([0, 1, 3].contains(a.status), "\(a.stdout) \(a.stderr)")
        #expect(a.stdout.contains("report: "))
        let html = try String(contentsOfFile: run + "/report.html", encoding: .utf8)
        #expect(html.contains("linearizable"))
        #expect(html.contains("<svg"))
        #expect(FileManager.default.fileExists(atPath: run + "/results.json"))
        #expect(FileManager.default.fileExists(atPath: dir + "/killed/latest"))
    }
}
