import Foundation
import Testing

/// `faultline check` end to end: the real binary, its output and its exit status.
struct CheckCommandTests {
    static var binary: String {
        let beside = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("faultline").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/faultline").path
    }

    static var corpus: String {
        // Tests/CLITests/<file> -> Tests/Fixtures/porcupine (the corpus lives in the repository).
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/porcupine").path
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func run(_ args: [String]) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = args
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    func temp(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func validHistoryExitsZeroWithOneLinePerFile() throws {
        let r = try run(["check", "\(Self.corpus)/etcd_002.log", "\(Self.corpus)/c01-ok.txt"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        try #require(lines.count == 2)
        #expect(lines[0].contains("etcd_002.log\tlinearizable\t64 ops"))
        #expect(lines[0].hasSuffix("cas-register"))
        #expect(lines[1].contains("c01-ok.txt\tlinearizable") && lines[1].hasSuffix("kv"))
    }

    @Test func invalidHistoryExitsOneWithJSONEvidence() throws {
        let r = try run(["check", "--json", "--model", "cas-register", "\(Self.corpus)/etcd_000.log"])
        #expect(r.status == 1)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(obj["valid"] as? Bool == false)
        #expect(obj["model"] as? String == "cas-register")
        #expect(obj["ops"] as? Int == 65)
        #expect(obj["elapsed_ms"] is Double)
        #expect(obj["file"] as? String == "\(Self.corpus)/etcd_000.log")
        let evidence = try #require(obj["evidence"] as? [[String: Any]])
        try #require(evidence.count == 1)
        #expect((evidence[0]["op"] as? [String: Any])?["at"] as? String == "\(Self.corpus)/etcd_000.log:85")
    }

    @Test func unknownVerdictExitsThree() throws {
        var lines: [String] = []
        var i = 0
        func add(_ p: Int, _ t: String, _ f: String, _ v: String) {
            lines.append("{\"index\":\(i),\"time\":\(i),\"process\":\(p),\"type\":\"\(t)\",\"f\":\"\(f)\",\"key\":\"k\",\"value\":\(v)}")
            i += 1
        }
        for p in 0..<60 { add(p, "invoke", "append", "\"\(p),\"") }
        for p in 0..<60 { add(p, "ok", "append", "\"\(p),\"") }
        add(99, "invoke", "get", "null")
        add(99, "ok", "get", "\"impossible\"")
        let path = try temp("hard.jsonl", lines.joined(separator: "\n") + "\n")
        let r = try run(["check", "--model", "kv", "--time-limit", "0.2", path])
        #expect(r.status == 3, "\(r.stdout) \(r.stderr)")
        #expect(r.stdout.contains("\tunknown\t"))
    }

    @Test func badInputExitsTwoNamingFileAndLine() throws {
        let path = try temp("bad.jsonl", "{\"index\":0,\"time\":0,\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}\n{oops\n{\"index\":2}\n")
        let r = try run(["check", path])
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("faultline: \(path):2: malformed JSON"))
        #expect(r.stderr.split(separator: "\n").count == 1)

        let unpaired = try temp("unpaired.jsonl", "{\"index\":0,\"time\":0,\"process\":4,\"type\":\"ok\",\"f\":\"read\",\"value\":1}\n")
        let u = try run(["check", unpaired])
        #expect(u.status == 2)
        #expect(u.stderr.contains("\(unpaired):1: 'ok read' of process 4 has no open invocation"))

        let missing = try run(["check", "/nonexistent.jsonl"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "faultline: /nonexistent.jsonl: no such file\n")
    }

    /// A completion whose f is not its invocation's is a garbled history, not something to check.
    @Test func completionWithAnotherFExitsTwoNamingTheLine() throws {
        let path = try temp("mixed-f.jsonl", """
            {"index":0,"time":0,"process":0,"type":"invoke","f":"write","value":1}
            {"index":1,"time":1,"process":0,"type":"ok","f":"write","value":1}
            {"index":2,"time":2,"process":1,"type":"invoke","f":"write","value":2}
            {"index":3,"time":3,"process":1,"type":"ok","f":"read","value":2}

            """)
        let r = try run(["check", path])
        #expect(r.status == 2, "\(r.stdout) \(r.stderr)")
        #expect(r.stderr.contains("\(path):4:") && r.stderr.contains("'write'"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try run(["check", "--model", "nope", "x"]).status == 2)
        #expect(try run(["check"]).status == 2)
        #expect(try run(["check", "--format", "yaml", "x"]).status == 2)
        #expect(try run(["no-such-command"]).status == 2)
        #expect(try run(["--help"]).status == 0)
    }

    /// A bad flag value, an unknown flag or subcommand, a number out of range, a missing argument: one
    /// line on stderr naming the flag (no usage block, no option help), exit 2, nothing on stdout.
    @Test func flagErrorsAreOneLineAndExitTwo() throws {
        let run = ["run", "--pipeline", "pipelines/cp.yml", "--workload", "workloads/register.yml", "--nemesis", "none"]
        let cases: [([String], String)] = [
            (["check", "--time-limit", "abc", "x"], "--time-limit"),
            (["check", "--bogus", "x"], "--bogus"),
            (["check"], "<files>"),
            (["check", "--model", "nope", "x"], "--model"),
            (["frobnicate"], "frobnicate"),
            (run + ["--time-limit", "abc"], "--time-limit"),
            (run + ["--time-limit", "1e30"], "--time-limit"),
            (run + ["--time-limit", "5", "--concurrency", "99999"], "--concurrency"),
            (run + ["--time-limit", "5", "--rate", "nan"], "--rate"),
            (run + ["--time-limit", "5", "--seed", "12x"], "--seed"),
            (["synth", "--ops", "0"], "--ops"),
            (["synth", "--ops", "-5"], "--ops"),
            (["serve", "--port", "99999"], "--port"),
            (["serve", "--port", "http"], "--port"),
            (["campaign", "--shard", "3/2", "campaigns/nightly.yml"], "--shard"),
        ]
        for (args, flag) in cases {
            let r = try self.run(args)
            #expect(r.status == 2, "\(args): \(r.status) \(r.stderr)")
            #expect(r.stdout.isEmpty, "\(args): \(r.stdout)")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(args): \(r.stderr)")
            #expect(r.stderr.hasPrefix("faultline: ") && r.stderr.contains(flag), "\(args): \(r.stderr)")
            #expect(!r.stderr.contains("Usage:") && !r.stderr.contains("Help:"), "\(args): \(r.stderr)")
        }
        // Where to look for help is on the same line, for the subcommand that failed.
        #expect(try self.run(["check", "--bogus", "x"]).stderr.contains("(see 'faultline check --help')"))
        // Asking for help is not an error.
        let help = try self.run(["check", "--help"])
        #expect(help.status == 0 && help.stdout.contains("USAGE:"), "\(help.status) \(help.stdout)")
    }

    @Test func truncatedHistoryWarnsAndIsStillChecked() throws {
        let path = try temp("crashed.jsonl", """
            {"index":0,"time":0,"process":0,"type":"invoke","f":"write","value":1}
            {"index":1,"time":1,"process":0,"type":"ok","f":"write","value":1}
            {"index":2,"time":2,"process":1,"type":"invoke","f":"read","value":null}
            {"index":3,"time":3,"process":1,"type":"ok","f":"re
            """)
        let r = try run(["check", path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("warning: \(path):4: last line is truncated"))
    }

    /// A file name holding a newline and a terminal escape cannot forge a line or drive the terminal:
    /// the warning and the verdict line show it escaped, one line each.
    @Test func controlCharactersInAFileNameAreEscaped() throws {
        let path = try temp("a\nfaultline: forged\u{1B}[2J.jsonl", """
            {"index":0,"time":0,"process":0,"type":"invoke","f":"write","value":1}
            {"index":1,"time":1,"process":0,"type":"ok","f":"write","value":1}
            {"index":2,"time":2,"process":0,"type":"ok","f":"wr
            """)
        let r = try run(["check", path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("a\\nfaultline: forged\\u{1B}[2J.jsonl"), "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").count == 1 && r.stdout.contains("a\\nfaultline: forged\\u{1B}[2J.jsonl\tlinearizable"), "\(r.stdout)")
        #expect(!(r.stdout + r.stderr).unicodeScalars.contains { $0.value == 0x1B })
    }

    @Test func otherCheckersAreReachableByModel() throws {
        let path = try temp("set.jsonl", """
            {"index":0,"time":0,"process":0,"type":"invoke","f":"add","value":1}
            {"index":1,"time":1,"process":0,"type":"ok","f":"add","value":1}
            {"index":2,"time":2,"process":0,"type":"invoke","f":"add","value":2}
            {"index":3,"time":3,"process":0,"type":"ok","f":"add","value":2}
            {"index":4,"time":4,"process":1,"type":"invoke","f":"final-read","value":null}
            {"index":5,"time":5,"process":1,"type":"ok","f":"final-read","value":[1]}

            """)
        let r = try run(["check", "--model", "set", path])
        #expect(r.status == 1, "\(r.stdout) \(r.stderr)")
        #expect(r.stdout.contains("\tINVALID\tset\t"))
        #expect(r.stdout.contains("lost=1"))
    }

    /// An option no checker knows, or a value out of its range, is bad usage: one line on stderr, exit 2,
    /// before any file is read (it used to become an "unknown" verdict, exit 3).
    @Test func unknownOrOutOfRangeOptionExitsTwoWithOneLine() throws {
        let path = try temp("set.jsonl", """
            {"index":0,"time":0,"process":0,"type":"invoke","f":"add","value":1}
            {"index":1,"time":1,"process":0,"type":"ok","f":"add","value":1}

            """)
        for args in [["--model", "set", "--option", "max_versions=2"], ["--model", "staleness", "--option", "max_version=2"],
                     ["--model", "cas-register", "--option", "modle=kv"], ["--model", "register", "--time-limit", "1e30"],
                     ["--model", "availability", "--option", "window_seconds=0"], ["--model", "register", "--option", "time_limit=-30"]] {
            let r = try run(["check"] + args + [path])
            #expect(r.status == 2, "\(args): \(r.stdout) \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
        // A known option with a good value is used.
        let ok = try run(["check", "--model", "availability", "--option", "window_seconds=0.5", path])
        #expect(ok.status == 0, "\(ok.stdout) \(ok.stderr)")
    }

    @Test func synthWritesACheckableHistory() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-synth-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        #expect(try run(["synth", "--ops", "500", "--seed", "3", "-o", "\(dir)/g.jsonl"]).status == 0)
        #expect(try run(["check", "\(dir)/g.jsonl"]).status == 0)
        #expect(try run(["synth", "--ops", "500", "--seed", "3", "--stale-read", "-o", "\(dir)/s.jsonl"]).status == 0)
        #expect(try run(["check", "\(dir)/s.jsonl"]).status == 1)
    }
}
