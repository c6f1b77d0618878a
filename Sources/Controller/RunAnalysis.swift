// RunAnalysis: re-checks a stored run from its history.jsonl and workload.yml alone (`faultline analyze`).
import Checker
import Foundation
import InputFiles
import Store

/// RunAnalysis recomputes results.json of a run folder with the checkers its workload.yml names. It
/// needs nothing but the folder, so it works on a run whose controller died (no results.json, a
/// truncated last history line, no `latest` link) and on a copy made on another machine.
public enum RunAnalysis {
    /// Checks the folder's history, writes its results.json, links `latest` if the run never did.
    /// Throws `InputError` (exit 2) when the folder lacks a file or its workload or history cannot be
    /// read; then nothing is written, so a stored verdict is never replaced by "unknown".
    public static func recheck(runDir: String) throws -> CheckerResults {
        let folder = RunFolder(runDir)
        let fm = FileManager.default
        for f in [folder.testSpec, folder.workload, folder.history] where !fm.fileExists(atPath: f) {
            throw InputError(file: f, line: 0, field: "file", message: "missing: not a complete run folder")
        }
        let workload = try WorkloadFile.load(path: folder.workload)
        let results: CheckerResults
        do {
            results = try RunCheck.results(historyPath: folder.history, workload: workload)
        } catch let e as RunCheck.UnreadableHistory {
            throw InputError(file: folder.history, line: 0, field: "history", message: "cannot be checked: \(e)")
        } catch let e as CheckerOptionProblem {
            throw InputError(file: folder.workload, line: 0, field: "checker_options", message: "\(e)")
        }
        try folder.writeResults(results)
        if (try? fm.destinationOfSymbolicLink(atPath: folder.latestLink)) == nil { folder.linkLatest() }
        return results
    }
}
