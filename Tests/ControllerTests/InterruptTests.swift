// SIGINT stops a run in order (exit 130, results written); SIGKILL leaves a checkable history and no node.
import Foundation
import History
import Testing

struct InterruptTests {
    /// Pids of the nodes a run started, from the supervisor's lines in faultline.log.
    static func nodePids(_ runDir: String) throws -> [Int32] {
        let log = try String(contentsOfFile: runDir + "/faultline.log", encoding: .utf8)
        return log.split(separator: "\n").filter { $0.contains("started node") }.compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("pid=") }.flatMap { Int32($0.dropFirst(4)) }
        }
    }

    static func runDir(_ results: String, _ name: String) throws -> String {
        let stamps = try FileManager.default.contentsOfDirectory(atPath: results + "/" + name).filter { $0 != "latest" }
        return results + "/" + name + "/" + (try #require(stamps.sorted().last, "no run folder under \(results)/\(name)"))
    }

    @Test func sigintStopsInOrderAndExits130() async throws {
        let dir = CLIRunner.tempDir("sigint")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try await CLIRunner.run(["run", "--pipeline", "pipelines/cp.yml", "--workload", "workloads/register.yml",
                                   "--nemesis", "partition-leader", "--time-limit", "30", "--seed", "3",
                                   "--name", "int", "--results", dir, "--quiet"], timeout: 60, signal: (SIGINT, 5))
        #expect(r.status == 130, "\(r.stderr.suffix(1500))")
        let run = try Self.runDir(dir, "int")
        #expect(FileManager.default.fileExists(atPath: run + "/results.json"))
        let h = try HistoryLoader.load(path: run + "/history.jsonl").history
        #expect(h.ops.contains { $0.process == .nemesis && $0.f == "heal" })
        let pids = try Self.nodePids(run)
        #expect(pids.count == 3)
        for pid in pids { #expect(kill(pid, 0) != 0, "node pid \(pid) still alive") }
    }

    @Test func sigkillLeavesCheckableHistoryAndNoNode() async throws {
        let dir = CLIRunner.tempDir("sigkill")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try await CLIRunner.run(["run", "--pipeline", "pipelines/cp.yml", "--workload", "workloads/register.yml",
                                   "--nemesis", "none", "--time-limit", "30", "--seed", "3",
                                   "--name", "kill", "--results", dir, "--quiet"], timeout: 60, signal: (SIGKILL, 5))
        #expect(r.status == 9 || r.status == 137)
        let run = try Self.runDir(dir, "kill")
        let pids = try Self.nodePids(run)
        #expect(pids.count == 3)
        // The parent-death signal takes the nodes down; give the kernel a moment.
        let deadline = Date().addingTimeInterval(5)
        while pids.contains(where: { kill($0, 0) == 0 }) && Date() < deadline { usleep(100_000) }
        for pid in pids { #expect(kill(pid, 0) != 0, "node pid \(pid) outlived the controller") }
        let check = try await CLIRunner.run(["check", "--model", "cas-register", run + "/history.jsonl"], timeout: 60)
        #expect(check.status == 0, "\(check.stdout) \(check.stderr)")
        #expect(check.stdout.contains("linearizable"))
    }
}
