// RunAnalysis: re-checks a stored run from its history.jsonl and workload.yml alone (`faultline analyze`).
import Checker
import Foundation
import InputFiles
import Logging
import Store

/// RunAnalysis recomputes results.json of a run folder with the checkers its workload.yml names. It
/// needs nothing but the folder, so it works on a run whose controller died (no results.json, a
/// truncated last history line, no `latest` link) and on a copy made on another machine.
public enum RunAnalysis {
    /// Checks `runDir/history.jsonl`, writes `runDir/results.json`, links `latest` if the run never did;
    /// throws `InputError` (exit 2) when the folder lacks its workload or history.
    public static func recheck(runDir: String) throws -> CheckerResults {
        let fm = FileManager.default
        for f in ["test.yml", "workload.yml", "history.jsonl"] where !fm.fileExists(atPath: runDir + "/" + f) {
            throw InputError(file: runDir + "/" + f, line: 0, field: "file", message: "missing: not a complete run folder")
        }
        let workload = try WorkloadFile.load(path: runDir + "/workload.yml")
        let logger = Logger(label: "analyze") { _ in SwiftLogNoOpLogHandler() }
        let results = TestRunner.check(historyPath: runDir + "/history.jsonl", workload: workload, logger: logger)
        try RunFolder.writeResults(runDir: runDir, results: results)
        let latest = (runDir as NSString).deletingLastPathComponent + "/latest"
        if (try? fm.destinationOfSymbolicLink(atPath: latest)) == nil { RunFolder.linkLatest(runDir: runDir) }
        return results
    }
}
