// `faultline run --test <run>/test.yml` re-runs a stored test: same seed, same files, same op plan.
import Foundation
import History
import Testing

struct RerunTests {
    /// Invocations of clients in history order, as comparable strings, before the final reads.
    static func invocations(_ runDir: String) throws -> [String] {
        let h = try HistoryLoader.load(path: runDir + "/history.jsonl").history
        return h.ops.filter { $0.type == .invoke && $0.process != .nemesis }.map { op in
            var v = ""
            op.value.write(to: &v)
            return "\(op.f) \(op.key ?? "-") \(v)"
        }
    }

    @Test func storedTestRerunsTheSameOpPlan() async throws {
        let dir = CLIRunner.tempDir("rerun")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try await CLIRunner.run(["run", "--pipeline", "pipelines/cp.yml", "--workload", "workloads/register.yml",
                                       "--nemesis", "none", "--time-limit", "4", "--seed", "11", "--rate", "80",
                                       "--name", "rerun", "--results", dir + "/a", "--quiet"], timeout: 90)
        #expect(first.status == 0, "\(first.stderr.suffix(1500))")
        let runA = dir + "/a/rerun/" + (try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/a/rerun/latest"))
        let again = try await CLIRunner.run(["run", "--test", runA + "/test.yml", "--results", dir + "/b", "--quiet"], timeout: 90)
        #expect(again.status == 0, "\(again.stderr.suffix(1500))")
        let runB = dir + "/b/rerun/" + (try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/b/rerun/latest"))
        #expect(try String(contentsOfFile: runB + "/test.yml", encoding: .utf8).contains("seed: 11"))
        try Self.expectSamePlan(runA, runB)
    }

    /// The first run's invocations, as far as both runs got, are the re-run's: ops are handed out
    /// in plan order, but two clients may record their invocations in swapped order, so the first n
    /// of one run are compared as a multiset within the first n + 10 of the other. How far a run
    /// gets in its time limit depends on the machine, so n is what the shorter run did.
    static func expectSamePlan(_ runA: String, _ runB: String) throws {
        let a = try invocations(runA), b = try invocations(runB)
        let n = min(a.count, b.count) - 10
        try #require(n > 0, "runs recorded \(a.count) and \(b.count) invocations")
        var pool: [String: Int] = [:]
        for s in b.prefix(n + 10) { pool[s, default: 0] += 1 }
        var missing: [String] = []
        for s in a.prefix(n) {
            if let k = pool[s], k > 0 { pool[s] = k - 1 } else { missing.append(s) }
        }
        #expect(missing.isEmpty, "ops of the first run missing from the re-run's plan: \(missing.prefix(5))")
    }

    /// `faultline run` with neither --seed nor --nemesis: no faults, a random seed that is printed and
    /// stored in test.yml, and `--test` on that file replays the same op plan.
    @Test func runWithoutSeedOrNemesisPrintsItsSeedAndReplays() async throws {
        let dir = CLIRunner.tempDir("noseed")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try await CLIRunner.run(["run", "--pipeline", "pipelines/cp.yml", "--workload", "workloads/register.yml",
                                       "--time-limit", "5", "--name", "noseed", "--results", dir + "/a"], timeout: 120)
        #expect(first.status == 0, "\(first.stderr.suffix(1500))")
        let seedLine = try #require(first.stdout.split(separator: "\n").first { $0.hasPrefix("seed: ") }, "\(first.stdout.prefix(500))")
        let seed = try #require(seedLine.dropFirst("seed: ".count).split(separator: " ").first.flatMap { UInt64($0) })
        let runA = dir + "/a/noseed/" + (try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/a/noseed/latest"))
        let stored = try String(contentsOfFile: runA + "/test.yml", encoding: .utf8)
        #expect(stored.contains("seed: \(seed)\n"), "\(stored)")
        #expect(stored.contains("nemesis/none.yml"), "\(stored)")
        let history = try HistoryLoader.load(path: runA + "/history.jsonl").history
        #expect(!history.ops.contains { $0.process == .nemesis && $0.f.hasPrefix("start-") }, "no faults by default")

        let again = try await CLIRunner.run(["run", "--test", runA + "/test.yml", "--results", dir + "/b", "--quiet"], timeout: 120)
        #expect(again.status == 0, "\(again.stderr.suffix(1500))")
        #expect(!again.stdout.contains("seed: "), "a stored seed is not drawn again")
        let runB = dir + "/b/noseed/" + (try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/b/noseed/latest"))
        #expect(try String(contentsOfFile: runB + "/test.yml", encoding: .utf8).contains("seed: \(seed)\n"))
        try Self.expectSamePlan(runA, runB)
    }
}
