// Each known bug of the built-in components, switched on in a CP profile, is found by the checker that
// names it; the same test with the bug off finds nothing. Real nodes, real `faultline run`.
import Foundation
import History
import Testing

struct BugDetectionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var component: String
        var settings: String
        var bug: String
        var workload: String
        /// The checker that must flag the bug, and the count in its verdict that must be > 0 (nil: only invalid).
        var checker: String
        var count: String?
        /// A nemesis schedule (YAML text) the bug needs to show, or nil for none.
        var nemesis: String? = nil
        var testDescription: String { "\(component) \(bug) → \(checker)" }
    }

    static let cases: [Case] = [
        Case(component: "store", settings: "{write_quorum: 2, read_quorum: 2, fsync: always}",
             bug: "ack_without_store", workload: "workloads/register.yml", checker: "linearizable", count: nil),
        Case(component: "warehouse", settings: "{commit: majority, read_from_followers: false, fsync: always}",
             bug: "stale_reads", workload: "workloads/register-warehouse.yml", checker: "staleness", count: "stale-read"),
        Case(component: "warehouse", settings: "{commit: majority, read_from_followers: false, fsync: always}",
             bug: "ack_without_store", workload: "workloads/set.yml", checker: "set", count: "lost"),
        Case(component: "broker", settings: "{acks: all, min_insync_replicas: 2, unclean_leader_election: false, fsync: always}",
             bug: "ack_without_store", workload: "workloads/log.yml", checker: "log", count: "lost"),
        // Every replica crashes at once and restarts without its last 5 log entries: acknowledged messages vanish.
        Case(component: "broker", settings: "{acks: all, min_insync_replicas: 2, unclean_leader_election: false, fsync: always}",
             bug: "lose_tail_on_restart", workload: "workloads/log.yml", checker: "log", count: "lost",
             nemesis: "events:\n  - {at: 2s, duration: 1s, fault: kill, target: all}\n"),
    ]

    /// Runs one short test (no faults unless the case needs some) of `c` with or without its bug; returns exit status and results.json.
    static func run(_ c: Case, bugOn: Bool) async throws -> (Int32, JSONValue, String) {
        let dir = CLIRunner.tempDir("bug")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pipeline = dir + "/pipeline.yml"
        CLIRunner.write("""
            name: cp-\(bugOn ? c.bug : "no-bug")
            components:
              \(c.component):
                role: \(c.component)
                replicas: 3
                settings: \(c.settings)
                bugs: [\(bugOn ? c.bug : "")]

            """, to: pipeline)
        var nemesis = "none"
        if let text = c.nemesis {
            nemesis = dir + "/nemesis.yml"
            CLIRunner.write(text, to: nemesis)
        }
        let r = try await CLIRunner.run(["run", "--pipeline", pipeline, "--workload", c.workload, "--nemesis", nemesis,
                                   "--time-limit", "5", "--seed", "3", "--name", "bug", "--results", dir, "--quiet"],
                                  timeout: 120)
        let runDir = dir + "/bug/" + ((try? FileManager.default.destinationOfSymbolicLink(atPath: dir + "/bug/latest")) ?? "?")
        let res = try RunTests.results(runDir)
        return (r.status, res, r.stderr)
    }

    @Test(arguments: cases) func bugIsFoundByItsChecker(_ c: Case) async throws {
        let (status, res, stderr) = try await Self.run(c, bugOn: true)
        let verdict = res["checkers"]?[c.checker]
        #expect(status == 1, "stderr: \(stderr.suffix(1500))")
        if let count = c.count {
            #expect((verdict?["counts"]?[count]?.intValue ?? 0) > 0, "\(c.checker) counts: \(String(describing: verdict?["counts"]))")
        } else {
            #expect(verdict?["valid"] == .bool(false))
        }
        // The verdict carries concrete evidence: at least one example op for some anomaly.
        let examples = verdict?["examples"]?.objectValue ?? [:]
        #expect(examples.values.contains { !($0.arrayValue ?? []).isEmpty }, "examples: \(examples)")
    }

    @Test(arguments: cases) func sameTestWithoutTheBugIsValid(_ c: Case) async throws {
        let (status, res, stderr) = try await Self.run(c, bugOn: false)
        #expect(status == 0, "stderr: \(stderr.suffix(1500)) results: \(res)")
        #expect(res["valid"] == .bool(true))
        #expect(res["checkers"]?[c.checker]?["valid"] == .bool(true))
    }
}
