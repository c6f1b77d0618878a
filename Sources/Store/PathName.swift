// PathName: names from input files that become one folder name under the results folder.
import Foundation

/// A test, pipeline, workload or campaign name becomes a folder under `--results`
/// (`results/<name>/<stamp>`), so it must be exactly one harmless path component: otherwise
/// `name: ../../tmp/x` would write outside the results folder.
public enum PathName {
    /// Longest name accepted (a file name is at most 255 bytes; the run folder adds to it).
    public static let maxBytes = 200

    /// A name refused where a run folder is made (the parsers refuse it earlier, with its line).
    public struct Invalid: Error, CustomStringConvertible {
        public var name: String
        public var reason: String
        public var description: String {
            "name '\(name.unicodeScalars.map { $0.escaped(asASCII: true) }.joined())' \(reason)"
        }
    }

    /// Why `name` cannot be a folder name, or nil when it can.
    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "must not be empty" }
        if name == "." || name == ".." || name.hasPrefix(".") { return "must not start with '.'" }
        if name.contains("/") || name.contains("\\") { return "must not contain a path separator ('/' or '\\')" }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            return "must not contain control characters"
        }
        if name.utf8.count > maxBytes { return "must be at most \(maxBytes) bytes" }
        return nil
    }
}
