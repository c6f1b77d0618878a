import Foundation

/// HistoryLoader reads a history file in any supported format into a `History`.
public enum HistoryLoader {
    /// Reads and parses `path`; `format` nil means detect it from the content.
    public static func load(path: String, format: HistoryFormat? = nil) throws(HistoryLoadError) -> LoadedHistory {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw HistoryLoadError(file: path, reason: exists ? "cannot read the file" : "no such file")
        }
        return try parse(data: data, source: path, format: format)
    }

    /// Parses history text already in memory. `source` names it in errors.
    public static func parse(data: Data, source: String, format: HistoryFormat? = nil) throws(HistoryLoadError) -> LoadedHistory {
        let text = String(decoding: data, as: UTF8.self)
        guard let fmt = format ?? HistoryFormat.detect(text[...]) else {
            if text.allSatisfy({ $0.isWhitespace }) {
                return LoadedHistory(history: History(ops: [], source: source, lines: []), format: .jsonl, warnings: ["\(source): empty history"])
            }
            throw HistoryLoadError(file: source, line: 1, reason: "unrecognised history format (expected JSONL, Jepsen EDN or a Jepsen etcd log); force one with --format")
        }
        switch fmt {
        case .jsonl: return try JSONLHistoryReader.read(data: data, source: source)
        case .edn, .kv: return try EDNHistoryImporter.read(text: text, source: source, format: fmt)
        case .etcdLog: return try EtcdLogImporter.read(text: text, source: source)
        }
    }
}

/// Reads Faultline's `history.jsonl`.
public enum JSONLHistoryReader {
    /// Parses every line. A malformed line is an error naming its line and field, except the
    /// last one when the file does not end in a newline: that is a run that crashed mid-write,
    /// so the line is dropped with a warning and everything before it is kept.
    public static func read(data: Data, source: String) throws(HistoryLoadError) -> LoadedHistory {
        var ops: [Op] = []
        var lines: [Int] = []
        var warnings: [String] = []
        let result: Result<Void, HistoryLoadError> = data.withUnsafeBytes { raw in
            let all = raw.bindMemory(to: UInt8.self)
            let n = all.count
            var start = 0
            var lineNo = 0
            while start < n {
                lineNo += 1
                var end = start
                while end < n && all[end] != 0x0A { end += 1 }
                let terminated = end < n
                var lineEnd = end
                if lineEnd > start && all[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let slice = UnsafeBufferPointer(rebasing: all[start..<lineEnd])
                start = end + 1
                if slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                do {
                    let json = try JSONParser.parse(slice)
                    let op = try Op(json: json)
                    ops.append(op)
                    lines.append(lineNo)
                } catch let e {
                    if !terminated {
                        warnings.append("\(source):\(lineNo): last line is truncated (a run that stopped mid-write?); ignored it")
                        break
                    }
                    if let f = e as? Op.FieldError {
                        return .failure(HistoryLoadError(file: source, line: lineNo, field: f.field, reason: f.reason))
                    }
                    return .failure(HistoryLoadError(file: source, line: lineNo, reason: "malformed JSON: \(e)"))
                }
            }
            return .success(())
        }
        if case .failure(let e) = result { throw e }
        return LoadedHistory(history: History(ops: ops, source: source, lines: lines), format: .jsonl, warnings: warnings)
    }
}
