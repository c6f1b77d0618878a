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

    @Test func storedTestRerunsTheSameOpPlan() throws {
        let dir = CLIRunner.tempDir("rerun")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try CLIRunner.run(["run", "--pipeline", "pipelines/cp.yml", "--workload", "workloads/register.yml",
                                       "--nemesis", "none", "--time-limit", "4", "--seed", "11", "--rate", "80",
                                       "--name", "rerun", "--results", dir + "/a", "--quiet"], timeout: 90)
        #expect(first.status == 0, "\(first.stderr.suffix(1500))")
        let runA = dir + "/a/rerun/" + (try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/a/rerun/latest"))
        let again = try CLIRunner.run(["run", "--test", runA + "/test.yml", "--results", dir + "/b", "--quiet"], timeout: 90)
        #expect(again.status == 0, "\(again.stderr.suffix(1500))")
        let runB = dir + "/b/rerun/" + (try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/b/rerun/latest"))
        #expect(try String(contentsOfFile: runB + "/test.yml", encoding: .utf8).contains("seed: 11"))
        let a = try Self.invocations(runA), b = try Self.invocations(runB)
        #expect(a.count > 150 && b.count > 150)
        // Ops are handed out in plan order; two clients may record their invocations in swapped order,
        // so compare the first 150 of one run as a multiset within the first 160 of the other.
        var pool: [String: Int] = [:]
        for s in b.prefix(160) { pool[s, default: 0] += 1 }
        var missing: [String] = []
        for s in a.prefix(150) {
            if let n = pool[s], n > 0 { pool[s] = n - 1 } else { missing.append(s) }
        }
        #expect(missing.isEmpty, "ops of the first run missing from the re-run's plan: \(missing.prefix(5))")
    }
}
