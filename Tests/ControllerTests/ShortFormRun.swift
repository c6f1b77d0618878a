// ShortFormRun: one `faultline run` against a real system started from a `system:` block, as the
// short-form tests of every system run it (Redis, PostgreSQL, Tansu, SeaweedFS).
import Foundation
import History
import Testing

/// The run's folder, exit status, stderr, results and history. `run` also checks that no node the run
/// started is left running.
struct ShortFormRun {
    let dir: String
    let status: Int32
    let stderr: String
    let results: JSONValue
    let history: History

    /// Runs `pipeline` with `workload` and the nemesis file `nemesisYAML` for `timeLimit` seconds of
    /// operations, in a temporary folder `faultline-ctl-<folderTag>-*`; `system` names the nodes in a
    /// failed "left running" expectation.
    static func run(pipeline: String, workload: String, nemesisYAML: String, seed: Int, name: String,
                    folderTag: String, timeLimit: Int, timeout: Double, system: String) async throws -> ShortFormRun {
        let dir = CLIRunner.tempDir(folderTag)
        CLIRunner.write(nemesisYAML, to: dir + "/n.yml")
        let r = try await CLIRunner.run(["run", "--pipeline", pipeline, "--workload", workload, "--nemesis", dir + "/n.yml",
                                         "--time-limit", "\(timeLimit)", "--seed", "\(seed)", "--name", name,
                                         "--results", dir + "/results", "--quiet"], timeout: timeout)
        let run = try InterruptTests.runDir(dir + "/results", name)
        guard FileManager.default.fileExists(atPath: run + "/results.json") else {
            throw PipelineRunTests.RunLeftNoResults(status: r.status, timeout: timeout, stderr: String(r.stderr.suffix(3000)))
        }
        let results = try RunTests.results(run)
        let h = try HistoryLoader.load(path: run + "/history.jsonl").history
        for p in try InterruptTests.nodePids(run) { #expect(!EtcdTests.alive(p), "\(system) pid \(p) left running") }
        return ShortFormRun(dir: run, status: r.status, stderr: r.stderr, results: results, history: h)
    }
}
