// `run`, `analyze` and `check` build their checkers from one registry: the same history and options give
// the same verdict, the workload's linearizable options are honoured by `run`, and bad input is exit 2.
import Foundation
import History
import Testing

struct CheckerRegistryRunTests {
    /// Reads of never-written keys return null; with `initial: 0` and the register model no read of
    /// null can be linearized, so the verdict shows whether the options reached the checker.
    static let readsWithInitialZero = """
        name: reads
        kind: register
        target: store
        keys: 2
        functions: {read: 1}
        concurrency: 2
        rate: 40
        op_timeout: 1s
        warmup: 0s
        recovery: 0s
        final_reads: false
        checkers: [linearizable, availability, perf]
        checker_options:
          linearizable: {model: register, initial: 0}
        """

    static func linearizable(_ runDir: String) throws -> JSONValue? {
        let res = try JSONParser.parse(try String(contentsOfFile: runDir + "/results.json", encoding: .utf8))
        return res["checkers"]?["linearizable"]
    }

    @Test func runHonoursTheWorkloadsLinearizableOptionsAndAgreesWithAnalyzeAndCheck() throws {
        let dir = CLIRunner.tempDir("registry")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        CLIRunner.write(Self.readsWithInitialZero, to: dir + "/reads.yml")
        let r = try CLIRunner.run(["run", "--pipeline", "pipelines/cp.yml", "--workload", dir + "/reads.yml",
                                   "--nemesis", "none", "--time-limit", "2", "--seed", "5",
                                   "--name", "reads", "--results", dir, "--quiet"], timeout: 120)
        let runDir = dir + "/reads/" + (try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/reads/latest"))
        let history = try HistoryLoader.load(path: runDir + "/history.jsonl").history
        let okReads = history.ops.filter { $0.type == .ok && $0.f == "read" }
        try #require(!okReads.isEmpty, "no read succeeded: \(r.stderr.suffix(1500))")
        #expect(okReads.allSatisfy { $0.value.isNull })

        // run: the model and the initial value of the workload were used (cas-register with a null
        // initial value, the old hard-wired choice, would call these reads linearizable).
        let ran = try #require(try Self.linearizable(runDir))
        #expect(ran["details"]?["model"] == "register")
        #expect(ran["details"]?["initial"] == 0)
        #expect(ran["valid"] == false)
        #expect(r.status == 1, "stderr: \(r.stderr.suffix(1500))")

        // analyze: the same verdict from the stored folder.
        let a = try CLIRunner.run(["analyze", runDir, "--quiet"])
        #expect(a.status == 1, "stderr: \(a.stderr)")
        let analyzed = try #require(try Self.linearizable(runDir))
        // (counts of unchecked partitions may differ: keys are searched in parallel and the first invalid
        // one decides, so the verdict is compared, not how many keys were left unchecked.)
        #expect(analyzed["valid"] == ran["valid"])
        #expect(analyzed["counts"]?["ops"] == ran["counts"]?["ops"])

        // check: the same options on the same history give the same verdict; other options another one.
        let c = try CLIRunner.run(["check", "--model", "register", "--initial", "0", "--json", runDir + "/history.jsonl"])
        #expect(c.status == 1, "stderr: \(c.stderr)")
        let checked = try JSONParser.parse(c.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(checked["valid"] == ran["valid"])
        #expect(checked["ops"] == ran["counts"]?["ops"])
        let plain = try CLIRunner.run(["check", "--model", "register", runDir + "/history.jsonl"])
        #expect(plain.status == 0, "stdout: \(plain.stdout) stderr: \(plain.stderr)")
    }

    /// A run folder made by hand: test.yml, workload.yml, history.jsonl (no nodes needed to analyze it).
    static func handMadeRun(_ dir: String, history: String, workload: String = readsWithInitialZero) -> String {
        let run = dir + "/hand/20261130T000000Z"
        try? FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        CLIRunner.write("name: hand\nseed: 1\n", to: run + "/test.yml")
        CLIRunner.write(workload, to: run + "/workload.yml")
        CLIRunner.write(history, to: run + "/history.jsonl")
        return run
    }

    static let twoReads = """
        {"index":0,"time":0,"process":0,"type":"invoke","f":"read","key":"k1","value":null}
        {"index":1,"time":10,"process":0,"type":"ok","f":"read","key":"k1","value":0}
        {"index":2,"time":20,"process":1,"type":"invoke","f":"read","key":"k1","value":null}
        {"index":3,"time":30,"process":1,"type":"ok","f":"read","key":"k1","value":0}

        """

    @Test func analyzeAndCheckAgreeOnAHandMadeHistory() throws {
        let dir = CLIRunner.tempDir("agree")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = Self.handMadeRun(dir, history: Self.twoReads)
        // initial 0: reads of 0 are linearizable; with check's default (null) they are not.
        let a = try CLIRunner.run(["analyze", run, "--quiet"])
        #expect(a.status == 0, "stderr: \(a.stderr)")
        #expect(try Self.linearizable(run)?["valid"] == true)
        let c = try CLIRunner.run(["check", "--model", "register", "--option", "initial=0", run + "/history.jsonl"])
        #expect(c.status == 0, "stdout: \(c.stdout) stderr: \(c.stderr)")
        let d = try CLIRunner.run(["check", "--model", "register", run + "/history.jsonl"])
        #expect(d.status == 1, "stdout: \(d.stdout)")
    }

    @Test func analyzeOfAnUnreadableHistoryKeepsTheStoredVerdict() throws {
        let dir = CLIRunner.tempDir("keep")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = Self.handMadeRun(dir, history: Self.twoReads)
        let first = try CLIRunner.run(["analyze", run, "--quiet"])
        #expect(first.status == 0, "stderr: \(first.stderr)")
        let results = try Data(contentsOf: URL(fileURLWithPath: run + "/results.json"))
        let report = try Data(contentsOf: URL(fileURLWithPath: run + "/report.html"))
        // A garbled line in the middle (not a truncated last line, which a crash leaves and is dropped).
        CLIRunner.write("{\"index\":0,\"time\":0,\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k1\",\"value\":null}\nnot json\n"
                        + Self.twoReads.split(separator: "\n").dropFirst().joined(separator: "\n") + "\n", to: run + "/history.jsonl")
        let second = try CLIRunner.run(["analyze", run])
        #expect(second.status == 2)
        let lines = second.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(second.stderr)")
        #expect(second.stderr.contains("history.jsonl"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: run + "/results.json")) == results)
        #expect(try Data(contentsOf: URL(fileURLWithPath: run + "/report.html")) == report)
        // Ops that do not pair up cannot be checked either: exit 2, nothing replaced.
        CLIRunner.write(Self.twoReads.split(separator: "\n").dropFirst().joined(separator: "\n") + "\n", to: run + "/history.jsonl")
        let third = try CLIRunner.run(["analyze", run])
        #expect(third.status == 2, "stderr: \(third.stderr)")
        #expect(third.stderr.contains("no open invocation"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: run + "/results.json")) == results)
    }

    @Test func unknownOrOutOfRangeCheckerOptionInAWorkloadIsExit2WithItsLine() throws {
        let dir = CLIRunner.tempDir("wlopt")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (options, field) in [("linearizable: {modle: register}", "checker_options.linearizable.modle"),
                                 ("linearizable: {time_limit: -30}", "checker_options.linearizable.time_limit"),
                                 ("availability: {window_seconds: 1e30}", "checker_options.availability.window_seconds")] {
            let w = Self.readsWithInitialZero.replacingOccurrences(of: "linearizable: {model: register, initial: 0}", with: options)
            CLIRunner.write(w, to: dir + "/w.yml")
            let r = try CLIRunner.run(["run", "--pipeline", "pipelines/cp.yml", "--workload", dir + "/w.yml",
                                       "--nemesis", "none", "--time-limit", "1", "--seed", "1", "--results", dir + "/res"])
            #expect(r.status == 2, "\(options): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
            #expect(r.stderr.contains("w.yml:14"), "\(r.stderr)")
            #expect(r.stderr.contains(field), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/res"))  // nothing started
        }
    }
}
