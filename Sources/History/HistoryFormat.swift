/// The formats a history can be read from, chosen by content or forced with `--format`.
public enum HistoryFormat: String, CaseIterable, Sendable {
    /// Faultline's own `history.jsonl`: one JSON op per line.
    case jsonl
    /// Jepsen EDN: a vector or list of ops, or one op per line (maps or `#jepsen.history.Op{…}`).
    case edn
    /// Jepsen's etcd test log: `INFO  jepsen.util - <process> <type> <f> <value>` per line.
    case etcdLog = "etcd-log"
    /// Porcupine's kv histories: one EDN op map per line with `:key` (read as EDN).
    case kv

    /// Guesses the format from the first non-blank line of the text.
    public static func detect(_ text: Substring) -> HistoryFormat? {
        for raw in text.split(separator: "\n", omittingEmptySubsequences: true).prefix(20) {
            let line = raw.drop(while: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if line.isEmpty || line.hasPrefix(";") { continue }
            if line.contains(" jepsen.util - ") { return .etcdLog }
            if line.hasPrefix("{\"") || line.hasPrefix("{ \"") { return .jsonl }
            // EDN: a vector, a list (Knossos' data files) or a map per line; `#jepsen.history.Op{`.
            if line.hasPrefix("[") || line.hasPrefix("{") || line.hasPrefix("(") || line.hasPrefix("#") { return .edn }
            return nil
        }
        return nil
    }
}

/// Why a history file could not be read: names the file, the line and, where known, the field.
public struct HistoryLoadError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int?
    public var field: String?
    public var reason: String

    public init(file: String, line: Int? = nil, field: String? = nil, reason: String) {
        self.file = file
        self.line = line
        self.field = field
        self.reason = reason
    }

    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        s += ": "
        if let field { s += "field '\(field)': " }
        return s + reason
    }
}

/// A history read from a file, with the format it was read as and any warnings (a truncated
/// last line, skipped log noise).
public struct LoadedHistory: Sendable {
    public var history: History
    public var format: HistoryFormat
    public var warnings: [String]
}
