// StoredRun: one run folder read back: its test parameters, verdicts, history and node logs.
import Checker
import Foundation
import History
import InputFiles
import Yams

/// StoredRun is what a run folder holds, read from the files alone (no controller state), so that a run
/// can be re-reported later or on another machine.
public struct StoredRun: Sendable {
    /// Absolute path of the run folder.
    public var dir: String
    /// The test's name (the parent folder's name) and the run's UTC stamp (the folder's name).
    public var test: String
    public var stamp: String
    /// test.yml's fields in file order (name, pipeline, workload, nemesis, time_limit, seed, …).
    public var parameters: [(key: String, value: String)]
    /// results.json; nil when the run never finished (a crashed controller) or the file is unreadable.
    public var results: CheckerResults?

    public init(dir: String, test: String, stamp: String, parameters: [(key: String, value: String)], results: CheckerResults?) {
        self.dir = dir
        self.test = test
        self.stamp = stamp
        self.parameters = parameters
        self.results = results
    }

    /// Reads a run folder; throws `StoreError` when it has no readable test.yml.
    public static func load(dir: String) throws -> StoredRun {
        let abs = URL(fileURLWithPath: dir).standardizedFileURL.resolvingSymlinksInPath().path
        let folder = RunFolder(abs)
        let params = try readParameters(folder.testSpec)
        return StoredRun(dir: abs, test: ((abs as NSString).deletingLastPathComponent as NSString).lastPathComponent,
                         stamp: (abs as NSString).lastPathComponent, parameters: params,
                         results: readResults(folder.results))
    }

    /// A test.yml field, e.g. `parameter("seed")`.
    public func parameter(_ key: String) -> String? { parameters.first { $0.key == key }?.value }

    /// The verdict of the whole run: results.json's, or nil when there is none.
    public var valid: Validity? { results?.valid }

    /// The history as recorded; a truncated last line (a crashed run) is dropped with a warning.
    public func loadHistory() throws -> LoadedHistory {
        try HistoryLoader.load(path: RunFolder(dir).history, format: .jsonl)
    }

    /// Files under nodes/<node>/ that are logs (relative to the run folder), per node, sorted.
    public func nodeLogs() -> [(node: String, files: [String])] {
        let fm = FileManager.default
        let folder = RunFolder(dir)
        let nodes = (try? fm.contentsOfDirectory(atPath: folder.nodes))?.sorted() ?? []
        return nodes.map { n in
            let files = ((try? fm.contentsOfDirectory(atPath: folder.node(n))) ?? [])
                .filter { $0.hasSuffix(".log") || $0.hasSuffix(".json") }.sorted()
            return (n, files.map { RunFolder.nodeFile(n, $0) })
        }
    }

    static func readParameters(_ path: String) throws -> [(key: String, value: String)] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(path: path, message: "missing (not a run folder)")
        }
        // The one YAML reader: a copied or edited run folder gets the same limits as any input file.
        let root: Node
        do { (_, root) = try YAMLReader.load(path: path) } catch let e as InputError {
            throw StoreError(path: path, message: "line \(e.line): \(e.message)")
        }
        guard let m = root.mapping else { throw StoreError(path: path, message: "expected a mapping") }
        return m.map { (k, v) in (k.string ?? "?", v.scalar?.string ?? (try? Yams.serialize(node: v)) ?? "") }
    }

    static func readResults(_ path: String) -> CheckerResults? {
        guard let data = FileManager.default.contents(atPath: path),
            let json = try? JSONParser.parse(String(decoding: data, as: UTF8.self))
        else { return nil }
        return CheckerResults(json: json)
    }
}

/// StoreError: a results folder or file that cannot be read, naming the path.
public struct StoreError: Error, CustomStringConvertible {
    public var path: String
    public var message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}
