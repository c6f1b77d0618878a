// HostileInputTests: bad and hostile input through the real `faultline` executable: each is refused
// before anything starts, with exit 2 and lines naming file, line and field (issues 14 and 15).
import FaultlineTesting
import Foundation
import InputFiles
import Testing

struct HostileInputTests {
    /// `faultline run` on the shipped files except the ones given; nothing may start, so a short timeout.
    func run(pipeline: String = "pipelines/cp.yml", workload: String = "workloads/register.yml",
             nemesis: String = "nemesis/none.yml", extra: [String] = [], results: String) async throws -> CLIRunner.Result {
        try await CLIRunner.run(["run", "--pipeline", pipeline, "--workload", workload, "--nemesis", nemesis,
                           "--time-limit", "2", "--seed", "1", "--results", results, "--quiet"] + extra, timeout: 60)
    }

    func lines(_ s: String) -> [Substring] { s.split(separator: "\n") }

    /// No run folder was made: the input was refused before the test started.
    func nothingRecorded(_ results: String) -> Bool {
        ((try? FileManager.default.contentsOfDirectory(atPath: results)) ?? []).isEmpty
    }

    @Test func malformedYAMLNamesFileTrueLineAndReason() async throws {
        let dir = CLIRunner.tempDir("malformed")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        CLIRunner.write("name: p\ncomponents:\n  store:\n    role: store\n    replicas: 3\n   bugs: []\n", to: dir + "/p.yml")
        let r = try await run(pipeline: dir + "/p.yml", results: dir + "/results")
        #expect(r.status == 2)
        #expect(lines(r.stderr).count == 1)
        // libyaml's own words, at the line of the badly indented key (not "invalid YAML:   ^").
        #expect(r.stderr.contains("\(dir)/p.yml:6: field yaml: invalid YAML: did not find expected key"))
        #expect(nothingRecorded(dir + "/results"))
    }

    @Test func aliasBombsAreRefusedQuickly() async throws {
        let dir = CLIRunner.tempDir("bomb")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
        let names = "abcdefghij".map(String.init)
        for i in 1...9 { bomb.append("\(names[i]): &\(names[i]) [" + Array(repeating: "*\(names[i - 1])", count: 10).joined(separator: ", ") + "]") }
        CLIRunner.write("name: p\ncomponents:\n  store:\n    role: store\n    settings:\n"
                        + bomb.map { "      " + $0 }.joined(separator: "\n") + "\n", to: dir + "/p.yml")
        CLIRunner.write("name: w\nkind: register\ntarget: store\nchecker_options:\n  linearizable:\n"
                        + bomb.map { "    " + $0 }.joined(separator: "\n") + "\n", to: dir + "/w.yml")
        for (p, w, file) in [(dir + "/p.yml", "workloads/register.yml", "p.yml"), ("pipelines/cp.yml", dir + "/w.yml", "w.yml")] {
            let r = try await run(pipeline: p, workload: w, results: dir + "/results")
            #expect(r.status == 2)
            #expect(lines(r.stderr).count == 1)
            #expect(r.stderr.contains("\(dir)/\(file):"))
            #expect(r.stderr.contains("field yaml: more than 100000 values once aliases are expanded"))
        }
        #expect(nothingRecorded(dir + "/results"))
    }

    @Test func duplicateKeysNameTheirLine() async throws {
        let dir = CLIRunner.tempDir("dupkey")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        CLIRunner.write("name: w\nkind: register\ntarget: store\nkeys: 2\nkeys: 3\n", to: dir + "/w.yml")
        let r = try await run(workload: dir + "/w.yml", results: dir + "/results")
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(dir)/w.yml:4: field yaml: invalid YAML: duplicate key 'keys' in one mapping"))
    }

    @Test func nemesisTargetAndComponentErrorsNameTheirLine() async throws {
        let dir = CLIRunner.tempDir("nemline")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        CLIRunner.write("name: n\nevents:\n  - at: 1s\n    duration: 1s\n    fault: kill\n    target: store-9\n", to: dir + "/t.yml")
        CLIRunner.write("name: n\nevents:\n  - at: 1s\n    duration: 1s\n    fault: kill\n    component: nope\n", to: dir + "/c.yml")
        let t = try await run(nemesis: dir + "/t.yml", results: dir + "/results")
        #expect(t.status == 2)
        #expect(t.stderr.contains("\(dir)/t.yml:3: field target: 'store-9' is not a node of this test"))
        let c = try await run(nemesis: dir + "/c.yml", results: dir + "/results")
        #expect(c.status == 2)
        #expect(c.stderr.contains("\(dir)/c.yml:6: field component: 'nope' is not a component of this test"))
        #expect(nothingRecorded(dir + "/results"))
    }

    @Test func aHugeFileFailsFastWithAShortError() async throws {
        let dir = CLIRunner.tempDir("huge")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // 50 MB, a million components.
        let h = try #require(FileHandle(forWritingAtPath: { CLIRunner.write("name: p\ncomponents:\n", to: dir + "/p.yml"); return dir + "/p.yml" }()))
        h.seekToEndOfFile()
        var chunk = ""
        for i in 0..<1_000_000 {
            chunk += "  c\(i): {role: store, replicas: 3, x: 1}\n"
            if i % 10_000 == 9_999 { h.write(Data(chunk.utf8)); chunk = "" }
        }
        try h.close()
        let r = try await run(pipeline: dir + "/p.yml", results: dir + "/results")
        #expect(r.status == 2)
        #expect(r.stderr == "faultline: \(dir)/p.yml:0: field file: too big (over 1048576 bytes)\n")
        // Under the size limit, a file with thousands of bad components prints 20 lines and a count.
        var many = "name: p\ncomponents:\n"
        for i in 0..<20_000 { many += "  c\(i): {role: nope}\n" }
        CLIRunner.write(many, to: dir + "/many.yml")
        let m = try await run(pipeline: dir + "/many.yml", results: dir + "/results")
        #expect(m.status == 2)
        #expect(lines(m.stderr).count == 21)
        #expect(m.stderr.hasSuffix("p.yml: and 19980 more problem(s)\n") || m.stderr.hasSuffix("many.yml: and 19980 more problem(s)\n"))
        #expect(lines(m.stderr).allSatisfy { $0.count <= InputText.maxLineLength + 100 })
    }

    @Test func numbersOutOfRangeExit2WithFileLineAndField() async throws {
        let dir = CLIRunner.tempDir("numbers")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cases: [(String, String, String)] = [
            ("op_timeout: 99999999999999999999s", "op_timeout", "must be between"),
            ("recovery: 99999999999999999999s", "recovery", "must be between"),
            ("op_timeout: 0", "op_timeout", "must be between"),
            ("rate: .nan", "rate", "must be between"),
            ("checker_options: {linearizable: {time_limit: -30}}", "checker_options.linearizable.time_limit", "must be between"),
            ("checker_options: {linearizable: {time_limit: 1e30}}", "checker_options.linearizable.time_limit", "must be between"),
        ]
        for (i, (line, field, message)) in cases.enumerated() {
            CLIRunner.write("name: w\nkind: register\ntarget: store\n\(line)\n", to: dir + "/w\(i).yml")
            let r = try await run(workload: dir + "/w\(i).yml", results: dir + "/results")
            #expect(r.status == 2, "\(line)")
            #expect(r.stderr.contains("\(dir)/w\(i).yml:4: field \(field): "), "\(line): \(r.stderr)")
            #expect(r.stderr.contains(message), "\(line): \(r.stderr)")
        }
        // Flags: refused by validation, before anything is read or started.
        for flags in [["--time-limit", "1e30"], ["--rate", "nan"], ["--rate", "-1"]] {
            let r = try await CLIRunner.run(["run", "--pipeline", "pipelines/cp.yml", "--workload", "workloads/register.yml",
                                       "--nemesis", "none", "--seed", "1", "--results", dir + "/results"]
                                      + (flags[0] == "--time-limit" ? flags : ["--time-limit", "2"] + flags), timeout: 60)
            #expect(r.status == 2, "\(flags)")
            #expect(r.stderr.contains(flags[0]), "\(flags): \(r.stderr)")
        }
        CLIRunner.write("{\"type\":\"invoke\",\"f\":\"read\",\"process\":0,\"time\":1,\"index\":0}\n", to: dir + "/h.jsonl")
        let check = try await CLIRunner.run(["check", "--time-limit", "1e30", dir + "/h.jsonl"], timeout: 60)
        #expect(check.status == 2)
        #expect(check.stderr.contains("time_limit") && check.stderr.split(separator: "\n").count == 1)
        // A campaign's time limit.
        CLIRunner.write("name: c\ntime_limit: 1e30\npipelines: [pipelines/cp.yml]\nworkloads: [workloads/register.yml]\nnemeses: [none]\n", to: dir + "/c.yml")
        let camp = try await CLIRunner.run(["campaign", dir + "/c.yml", "--results", dir + "/results"], timeout: 60)
        #expect(camp.status == 2)
        #expect(camp.stderr.contains("\(dir)/c.yml:2: field time_limit: must be between 0.001 s and 604800 s (got 1e30)"))
        #expect(nothingRecorded(dir + "/results"))
    }

    @Test func controlCharactersAreEscapedAndCannotForgeALine() async throws {
        let dir = CLIRunner.tempDir("escape")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        CLIRunner.write("name: w\nkind: register\ntarget: store\n\"x\\nfaultline: forged.yml:1: field y: \\e[2J\": 1\n", to: dir + "/w.yml")
        let r = try await run(workload: dir + "/w.yml", results: dir + "/results")
        #expect(r.status == 2)
        #expect(lines(r.stderr).count == 1)
        #expect(r.stderr.contains("field x\\nfaultline: forged.yml:1: field y: \\u{1B}[2J: unknown field"))
        #expect(!r.stderr.dropLast().unicodeScalars.contains { $0.value < 0x20 })
    }

    @Test func resultsThatIsAFileIsOneClearLine() async throws {
        let dir = CLIRunner.tempDir("resfile")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        CLIRunner.write("not a folder\n", to: dir + "/results")
        let r = try await run(results: dir + "/results")
        #expect(r.status == 2)
        #expect(r.stderr == "faultline: \(dir)/results:0: field --results: is a file, not a folder\n")
        let under = try await run(results: dir + "/results/sub")
        #expect(under.status == 2)
        #expect(under.stderr.contains("field --results: cannot be created: \(dir)/results is a file, not a folder"))
    }

    @Test func aNodeDataDirThatIsAFileIsOneClearLine() async throws {
        let dir = CLIRunner.tempDir("datadir")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        CLIRunner.write("x\n", to: dir + "/data")
        CLIRunner.write("{\"name\": \"store-1\", \"role\": \"store\", \"port\": 7999, \"data_dir\": \"\(dir)/data\"}", to: dir + "/config.json")
        let node = CLIRunner.binary.replacingOccurrences(of: "/faultline", with: "/faultline-node", options: .backwards)
        let r = try await CLIProcess.run(node, ["store", "--config", dir + "/config.json"], cwd: CLIRunner.root, timeout: 30)
        #expect(r.status == 2)
        #expect(lines(r.stderr).count == 1)
        #expect(r.stderr.contains("data_dir"))
        #expect(r.stderr.contains("is a file, not a folder"))
    }

    /// faultline-node's own usage errors (an unknown role, a missing or unknown flag, a role holding a
    /// terminal escape) are one escaped line and exit 2, like the controller's.
    @Test func nodeUsageErrorsAreOneLineAndExit2() async throws {
        let node = CLIRunner.binary.replacingOccurrences(of: "/faultline", with: "/faultline-node", options: .backwards)
        for args in [["nope", "--config", "x.json"], ["store"], ["store", "--config", "x.json", "--bogus"], ["\u{1B}[2Jx\ny", "--config", "x.json"]] {
            let r = try await CLIProcess.run(node, args, cwd: CLIRunner.root, timeout: 30)
            #expect(r.status == 2, "\(args): \(r.status) \(r.stderr)")
            #expect(lines(r.stderr).count == 1, "\(args): \(r.stderr)")
            #expect(r.stderr.hasPrefix("faultline-node: ") && !r.stderr.contains("Usage:"), "\(args): \(r.stderr)")
            #expect(!r.stderr.dropLast().unicodeScalars.contains { $0.value < 0x20 }, "\(args): \(r.stderr)")
        }
    }
}
