// RunFolder: the store layout of one run (DESIGN.md "Store layout of one run") and the `latest` link.
import Checker
import Foundation
import History

enum RunFolder {
    /// Creates `results/<test>/<UTC timestamp>/` (a suffix keeps two runs in one second apart).
    static func create(results: String, test: String) throws -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let stamp = f.string(from: Date())
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

    /// test.yml plus copies of the pipeline, workload and nemesis files it names.
    static func writeInputs(runDir: String, spec: TestSpec, name: String, concurrency: Int, rate: Double) throws {
        let fm = FileManager.default
        for (src, dst) in [(spec.pipeline, "pipeline.yml"), (spec.workload, "workload.yml"), (spec.nemesis, "nemesis.yml")] {
            try fm.copyItem(atPath: src, toPath: runDir + "/" + dst)
        }
        try Data(spec.resolvedYAML(name: name, concurrency: concurrency, rate: rate).utf8)
            .write(to: URL(fileURLWithPath: runDir + "/test.yml"))
    }

    static func writeResults(runDir: String, results: CheckerResults) throws {
        var text = ""
        results.json.write(to: &text)
        try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: runDir + "/results.json"))
    }

    /// `results/<test>/latest` → this run's folder name (relative, so the tree can be moved).
    static func linkLatest(runDir: String) {
        let parent = (runDir as NSString).deletingLastPathComponent
        let link = parent + "/latest"
        try? FileManager.default.removeItem(atPath: link)
        try? FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: (runDir as NSString).lastPathComponent)
    }
}
