import Foundation

/// Imports the text log of Jepsen's etcd test, one op per line:
/// `INFO  jepsen.util - <process> <type> <f> <value>` (fields split by tabs or spaces).
///
/// A `:timed-out` (or other keyword) value on a fail or info line is the error, not a value:
/// the op keeps its invocation's value. Lines that are not `jepsen.util` op lines are log
/// noise and are skipped with a warning.
public enum EtcdLogImporter {
    public static func read(text: String, source: String) throws(HistoryLoadError) -> LoadedHistory {
        var ops: [Op] = []
        var lines: [Int] = []
        var warnings: [String] = []
        var skipped = 0
        var openValue: [ProcessID: JSONValue] = [:]
        var lineNo = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            guard let marker = raw.range(of: "jepsen.util - ") else {
                if !raw.allSatisfy({ $0.isWhitespace }) { skipped += 1 }
                continue
            }
            let rest = raw[marker.upperBound...]
            var fields: [Substring] = []
            var s = rest[...]
            for _ in 0..<3 {
                s = s.drop(while: { $0 == " " || $0 == "\t" })
                guard let end = s.firstIndex(where: { $0 == " " || $0 == "\t" || $0 == "\r" }) else {
                    fields.append(s)
                    s = s[s.endIndex...]
                    break
                }
                fields.append(s[..<end])
                s = s[end...]
            }
            let valueText = s.trimmingCharacters(in: .whitespacesAndNewlines)
            guard fields.count == 3, !fields[2].isEmpty else {
                throw HistoryLoadError(file: source, line: lineNo, reason: "expected '<process> <type> <f> <value>' after 'jepsen.util - '")
            }
            let process: ProcessID
            if let n = Int(fields[0]) {
                process = .client(n)
            } else if fields[0] == ":nemesis" {
                process = .nemesis
            } else {
                throw HistoryLoadError(file: source, line: lineNo, field: "process", reason: "expected an integer or :nemesis, got '\(fields[0])'")
            }
            guard fields[1].hasPrefix(":"), let type = Op.Kind(rawValue: String(fields[1].dropFirst())) else {
                throw HistoryLoadError(file: source, line: lineNo, field: "type", reason: "expected :invoke, :ok, :fail or :info, got '\(fields[1])'")
            }
            let f = fields[2].hasPrefix(":") ? String(fields[2].dropFirst()) : String(fields[2])
            var value: JSONValue = .null
            var error: String?
            if !valueText.isEmpty {
                var r = EDNReader(valueText)
                let next: (value: EDNValue, line: Int)?
                do { next = try r.next() } catch let e {
                    throw HistoryLoadError(file: source, line: lineNo, field: "value", reason: "malformed EDN value '\(valueText)': \(e.reason)")
                }
                guard let parsed = next?.value else {
                    throw HistoryLoadError(file: source, line: lineNo, field: "value", reason: "empty value")
                }
                if case .keyword(let k) = parsed, type == .fail || type == .info {
                    error = k
                    value = openValue[process] ?? .null
                } else {
                    value = parsed.json
                }
            }
            if type == .invoke { openValue[process] = value } else { openValue[process] = nil }
            ops.append(Op(index: ops.count, time: Int64(ops.count), process: process, type: type, f: f, value: value, error: error))
            lines.append(lineNo)
        }
        if skipped > 0 { warnings.append("\(source): skipped \(skipped) line(s) that are not jepsen.util op lines") }
        return LoadedHistory(history: History(ops: ops, source: source, lines: lines, importedFrom: .etcdLog), format: .etcdLog, warnings: warnings)
    }
}
