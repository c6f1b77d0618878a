// The checker registry: names, option rules, defaults per workload, and the typed summaries in results.json.
import History
import Testing

@testable import Checker

struct CheckerRegistryTests {
    @Test func defaultsPerWorkload() {
        #expect(CheckerRegistry.defaultCheckers(forWorkload: "register") == ["linearizable", "staleness", "availability", "perf"])
        #expect(CheckerRegistry.defaultCheckers(forWorkload: "set") == ["set", "availability", "perf"])
        #expect(CheckerRegistry.defaultCheckers(forWorkload: "log") == ["log", "availability", "perf"])
        #expect(CheckerRegistry.defaultCheckers(forWorkload: "pipeline") == ["pipeline", "availability", "perf"])
        // A kind no safety checker knows is still measured.
        #expect(CheckerRegistry.defaultCheckers(forWorkload: "no-such-kind") == ["availability", "perf"])
        #expect(Set(CheckerRegistry.names).count == CheckerRegistry.names.count)
    }

    @Test func optionRules() {
        func problems(_ c: String, _ o: [String: JSONValue]) -> [String?] { CheckerRegistry.validate(checker: c, options: o).map(\.option) }
        #expect(problems("linearizable", ["model": "register", "initial": 0, "time_limit": 5]).isEmpty)
        #expect(problems("linearizable", ["modle": "register"]) == ["modle"])
        #expect(problems("linearizable", ["model": "registers"]) == ["model"])
        #expect(problems("linearizable", ["time_limit": -30]) == ["time_limit"])
        #expect(problems("linearizable", ["time_limit": 1e30]) == ["time_limit"])
        #expect(problems("availability", ["window_seconds": 0]) == ["window_seconds"])
        #expect(problems("availability", ["min_ok_ratio": 1.5]) == ["min_ok_ratio"])
        #expect(problems("staleness", ["max_versions": 1.5]) == ["max_versions"])
        #expect(problems("pipeline", ["stages": []]) == ["stages"])
        #expect(problems("set", ["anything": 1]) == ["anything"])
        #expect(problems("nope", [:]) == [nil])
        // Every problem is one line naming the checker and the option.
        let p = CheckerRegistry.validate(checker: "linearizable", options: ["time_limit": -30])[0]
        #expect(p.description.contains("linearizable") && p.description.contains("time_limit") && !p.description.contains("\n"))
    }

    @Test func defaultsAreFilledIn() throws {
        let lin = try #require(try CheckerRegistry.checker(named: "linearizable") as? LinearizableChecker)
        #expect(lin.model == .casRegister)
        #expect(lin.initial == nil)
        #expect(lin.timeLimit == 30)
        let reg = try #require(try CheckerRegistry.checker(named: "linearizable", options: ["model": "register", "initial": 0, "time_limit": 2])
            as? LinearizableChecker)
        #expect(reg.model == .register)
        #expect(reg.initial == 0)
        #expect(reg.timeLimit == 2)
    }

    /// Every option the registry declares is one its checker reads: a valid value never turns into an
    /// "unknown option" verdict (the registry and the checkers cannot drift apart silently).
    @Test(arguments: CheckerRegistry.names)
    func declaredOptionsAreReadByTheChecker(name: String) throws {
        let e = try #require(CheckerRegistry.entry(named: name))
        var options: [String: JSONValue] = [:]
        for o in e.options {
            switch o.rule {
            case .seconds(let r), .number(let r): options[o.name] = .double(r.upperBound)
            case .integer(let r): options[o.name] = .int(r.upperBound)
            case .names: options[o.name] = ["broker", "store", "warehouse"]
            case .choice(let all): options[o.name] = .string(all[0])
            case .anyValue: options[o.name] = .null
            case .flag: options[o.name] = .bool(true)
            }
        }
        #expect(CheckerRegistry.validate(checker: name, options: options).isEmpty)
        var h = HistoryBuilder()
        h.call(0, "read", nil, .ok, 1, from: 0, to: 10)
        let v = try CheckerRegistry.checker(named: name, options: options).check(h.history)
        #expect(v.checker == name)
        #expect(!(v.error ?? "").contains("not known"), "\(v.error ?? "")")
    }
}

struct SummaryTests {
    /// Two ok writes, a partition with a failed and an info op inside, then an ok read.
    static func history() -> History {
        var h = HistoryBuilder()
        h.call(0, "write", 1, .ok, from: 0, to: 100)
        h.nemesis("start", at: 500)
        h.call(1, "write", 2, .fail, from: 600, to: 700)
        h.call(2, "write", 3, .info, from: 800, to: 900)
        h.nemesis("stop", at: 1500)
        h.call(3, "read", nil, .ok, 1, from: 2000, to: 2100)
        return h.history
    }

    @Test func summariesAreTypedAndSurviveResultsJSON() throws {
        let r = try CheckerRegistry.check(Self.history(), checkers: ["availability", "perf"], options: [:])
        let s = r.summary
        let a = try #require(s.availability)
        #expect(a.inFault == OutcomeCounts(ok: 0, fail: 1, info: 1))
        #expect(a.outsideFault == OutcomeCounts(ok: 2, fail: 0, info: 0))
        #expect(s.okRatio == 0.5)
        #expect(a.slowestRecoverySeconds == 0.6)  // stop at 1.5 s, next ok at 2.1 s
        // Jepsen's plain start/stop is one fault window, stored for the report.
        #expect(a.timeline.faults == [FaultSpan(fault: "fault", start: 500_000_000, end: 1_500_000_000, endedBy: "stop")])
        #expect(a.timeline.windows.map(\.fault) == [true, true, false])
        #expect(a.timeline.windows.map(\.counts.ok) == [1, 0, 1])
        let p = try #require(s.perf)
        #expect(p.outcomes == OutcomeCounts(ok: 2, fail: 1, info: 1))
        #expect(p.p50Ms != nil)
        // Written and read back: the same typed summary, stored in results.json.
        var text = ""
        r.json.write(to: &text)
        let back = try #require(CheckerResults(json: try JSONParser.parse(text)))
        #expect(back.summary == s)
        #expect(try JSONParser.parse(text)["summary"]?["availability"]?["in_fault"]?["fail"] == 1)
    }
}

struct LegacySummaryTests {
    /// A results.json written before typed summaries: its figures still read, from the old details.
    @Test func oldResultsWithoutSummariesStillHaveTheirFigures() throws {
        let r = try CheckerRegistry.check(SummaryTests.history(), checkers: ["availability", "perf"], options: [:])
        var old = r
        for i in old.verdicts.indices { old.verdicts[i].summary = nil }
        var text = ""
        old.json.write(to: &text)
        #expect(!text.contains("\"summary\":{\"availability\""))
        let back = try #require(CheckerResults(json: try JSONParser.parse(text)))
        #expect(back.summary.availability?.inFault == r.summary.availability?.inFault)
        #expect(back.summary.availability?.slowestRecoverySeconds == r.summary.availability?.slowestRecoverySeconds)
        #expect(back.summary.availability?.longestGapSeconds == r.summary.availability?.longestGapSeconds)
        #expect(back.summary.availability?.timeline.faults == r.summary.availability?.timeline.faults)
        #expect(back.summary.availability?.timeline.windows == r.summary.availability?.timeline.windows)
        #expect(back.summary.perf?.outcomes == r.summary.perf?.outcomes)
        #expect(back.summary.perf?.p50Ms == r.summary.perf?.p50Ms)
    }
}
