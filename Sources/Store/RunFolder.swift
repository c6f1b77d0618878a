// RunFolder: the store layout of one run (docs/design.md "Store layout"): every file name of a run folder, and the `latest` link.
import Checker
import Foundation
import History

/// RunFolder is one `results/<test>/<UTC timestamp>/` folder. It owns every file name in it; nothing
/// else spells them. Layout:
///
///     test.yml                                  the resolved test (re-run with `faultline run --test`)
///     pipeline.yml, workload.yml, nemesis.yml   copies of the input files
///     history.jsonl                             every op, as recorded
///     results.json                              the verdicts (`CheckerResults`)
///     report.html                               the page made from the above
///     faultline.log                             the controller's log
///     nodes/<node>/                             each node's data and logs
///
/// and `results/<test>/latest` → the newest run of that test.
public struct RunFolder: Sendable, Equatable {
    /// A file of a run folder, by its name in the folder.
    public enum File: String, CaseIterable, Sendable {
        case testSpec = "test.yml"
        case pipeline = "pipeline.yml"
        case workload = "workload.yml"
        case nemesis = "nemesis.yml"
        case history = "history.jsonl"
        case results = "results.json"
        case report = "report.html"
        case log = "faultline.log"
        case nodes = "nodes"

        /// The name inside the folder (also the relative link a page uses).
        public var name: String { rawValue }
    }

    /// The name of the link to a test's newest run, beside its run folders.
    public static let latestName = "latest"

    /// The folder's path.
    public let path: String

    public init(_ path: String) { self.path = path }

    public func path(_ file: File) -> String { (path as NSString).appendingPathComponent(file.name) }

    public var testSpec: String { path(.testSpec) }
    public var pipeline: String { path(.pipeline) }
    public var workload: String { path(.workload) }
    public var nemesis: String { path(.nemesis) }
    public var history: String { path(.history) }
    public var results: String { path(.results) }
    public var report: String { path(.report) }
    public var log: String { path(.log) }
    public var nodes: String { path(.nodes) }
    /// A node's own folder, `nodes/<node>`.
    public func node(_ name: String) -> String { (nodes as NSString).appendingPathComponent(name) }
    /// A path under `nodes/` relative to the run folder (for links in pages).
    public static func nodeFile(_ node: String, _ file: String) -> String { "\(File.nodes.name)/\(node)/\(file)" }
    /// `results/<test>/latest`.
    public var latestLink: String { ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(Self.latestName) }

    /// The UTC timestamp a run folder is named by, e.g. 20261125T043029Z.
    public static func stamp(_ date: Date = Date()) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return f.string(from: date)
    }

    /// Creates `results/<test>/<UTC timestamp>/` with its `nodes/` (a suffix keeps two runs in one second apart).
    public static func create(results: String, test: String) throws -> RunFolder {
        if let why = PathName.problem(test) { throw PathName.Invalid(name: test, reason: why) }
        let stamp = stamp()
        let base = (results as NSString).appendingPathComponent(test)
        let fm = FileManager.default
        var dir = (base as NSString).appendingPathComponent(stamp)
        var n = 2
        while fm.fileExists(atPath: dir) {
            dir = (base as NSString).appendingPathComponent("\(stamp)-\(n)")
            n += 1
        }
        let folder = RunFolder(URL(fileURLWithPath: dir).standardizedFileURL.path)
        try fm.createDirectory(atPath: folder.nodes, withIntermediateDirectories: true)
        return folder
    }

    /// The run folders of a test folder `results/<test>`, by name (the `latest` link left out).
    public static func runs(ofTest testDir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: testDir)) ?? []).filter { $0 != latestName }
    }

    /// Writes results.json (`CheckerResults.json`, one line).
    public func writeResults(_ results: CheckerResults) throws {
        var text = ""
        results.json.write(to: &text)
        try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: self.results))
    }

    /// `results/<test>/latest` → this run's folder name (relative, so the tree can be moved). Only a
    /// symbolic link is replaced: a real file or folder of that name is recorded data and is left alone.
    /// Returns false when the link could not be made.
    @discardableResult
    public func linkLatest() -> Bool {
        let fm = FileManager.default
        if (try? fm.destinationOfSymbolicLink(atPath: latestLink)) != nil {
            try? fm.removeItem(atPath: latestLink)
        } else if fm.fileExists(atPath: latestLink) {
            return false
        }
        return (try? fm.createSymbolicLink(atPath: latestLink, withDestinationPath: (path as NSString).lastPathComponent)) != nil
    }

    /// Writes `text` to `path` atomically (a reader never sees half a page).
    public static func writeText(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
