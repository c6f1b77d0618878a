// RunFolder: the store layout of one run (docs/design.md "Store layout") and the `latest` link.
import Checker
import Foundation
import History

/// RunFolder creates and writes the files of `results/<test>/<UTC timestamp>/`:
/// test.yml (+ pipeline.yml, workload.yml, nemesis.yml copies), history.jsonl, results.json, report.html,
/// faultline.log, nodes/<node>/; and `results/<test>/latest` → the newest run.
public enum RunFolder {
    /// The UTC timestamp a run folder is named by, e.g. 20261125T043029Z.
    public static func stamp(_ date: Date = Date()) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return f.string(from: date)
    }

    /// Creates `results/<test>/<UTC timestamp>/` (a suffix keeps two runs in one second apart).
    public static func create(results: String, test: String) throws -> String {
        let stamp = stamp()
        let base = (results as NSString).appendingPathComponent(test)
        let fm = FileManager.default
        var dir = (base as NSString).appendingPathComponent(stamp)
        var n = 2
        while fm.fileExists(atPath: dir) {
            dir = (base as NSString).appendingPathComponent("\(stamp)-\(n)")
            n += 1
        }
        try fm.createDirectory(atPath: dir + "/nodes", withIntermediateDirectories: true)
        return URL(fileURLWithPath: dir).standardizedFileURL.path
    }

    /// Writes results.json (`CheckerResults.json`, one line).
    public static func writeResults(runDir: String, results: CheckerResults) throws {
        var text = ""
        results.json.write(to: &text)
        try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: runDir + "/results.json"))
    }

    /// `results/<test>/latest` → this run's folder name (relative, so the tree can be moved).
    public static func linkLatest(runDir: String) {
        let parent = (runDir as NSString).deletingLastPathComponent
        let link = parent + "/latest"
        try? FileManager.default.removeItem(atPath: link)
        try? FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: (runDir as NSString).lastPathComponent)
    }

    /// Writes `text` to `path` atomically (a reader never sees half a page).
    public static func writeText(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
