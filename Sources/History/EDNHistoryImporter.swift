/// Imports Jepsen EDN histories: the whole file as one vector or list of ops (Knossos' data files
/// are lists with `;` comments), or one op per line (Porcupine's kv histories, Jepsen's
/// `history.edn`). An op is a map or a record `#jepsen.history.Op{...}`. Ops without `:index` or
/// `:time` are numbered by position. Values keep EDN's meaning (`EDNValue.historyValue`). Keys
/// Faultline does not model (`:debug`, …) are ignored.
public enum EDNHistoryImporter {
    public static func read(text: String, source: String, format: HistoryFormat = .edn) throws(HistoryLoadError) -> LoadedHistory {
        var reader = EDNReader(text)
        var forms: [(value: EDNValue, line: Int)] = []
        var warnings: [String] = []
        var itemLines: [Int] = []  // lines of the items of the first form, when it is a vector or list
        do {
            if let first = try reader.nextRecordingItemLines(&itemLines) { forms.append(first) }
            while let v = try reader.next() { forms.append(v) }
        } catch let e {
            // A crashed writer leaves an unterminated last form: keep what came before it.
            if e.reason.contains("never closes") || e.reason.contains("unterminated"), !forms.isEmpty,
                forms.last!.value.opMap != nil
            {
                warnings.append("\(source):\(e.line): last form is truncated; ignored it")
            } else {
                throw HistoryLoadError(file: source, line: e.line, reason: "malformed EDN: \(e.reason)")
            }
        }
        // A single top-level vector or list holds the whole history.
        if forms.count == 1, let items = forms[0].value.sequenceItems {
            forms = itemLines.count == items.count ? zip(items, itemLines).map { (value: $0, line: $1) } : items.map { (value: $0, line: forms[0].line) }
        }
        var ops: [Op] = []
        var lines: [Int] = []
        ops.reserveCapacity(forms.count)
        for (pos, form) in forms.enumerated() {
            let op = try op(from: form.value, position: pos, source: source, line: form.line)
            ops.append(op)
            lines.append(form.line)
        }
        return LoadedHistory(history: History(ops: ops, source: source, lines: lines, importedFrom: format), format: format, warnings: warnings)
    }

    static func op(from v: EDNValue, position: Int, source: String, line: Int) throws(HistoryLoadError) -> Op {
        func bad(_ field: String, _ reason: String) -> HistoryLoadError {
            HistoryLoadError(file: source, line: line, field: field, reason: reason)
        }
        guard let v = v.opMap else { throw HistoryLoadError(file: source, line: line, reason: "expected an op map, got \(v)") }
        let process: ProcessID
        switch v["process"] {
        case .int(let n)?: process = .client(n)
        case .bigint(let d)?: throw bad(":process", "out of range: \(d)")
        case .keyword("nemesis")?, .string("nemesis")?, .symbol("nemesis")?: process = .nemesis
        case nil: throw bad(":process", "missing")
        case let other?: throw bad(":process", "expected an integer or :nemesis, got \(other)")
        }
        let type: Op.Kind
        switch v["type"] {
        case .keyword(let k)?, .string(let k)?:
            guard let t = Op.Kind(rawValue: k) else { throw bad(":type", "expected :invoke, :ok, :fail or :info, got :\(k)") }
            type = t
        case nil: throw bad(":type", "missing")
        case let other?: throw bad(":type", "expected a keyword, got \(other)")
        }
        let f: String
        switch v["f"] {
        case .keyword(let k)?, .string(let k)?, .symbol(let k)?: f = k
        case nil: throw bad(":f", "missing")
        case let other?: f = other.description
        }
        var key: String?
        switch v["key"] {
        case nil, .null?: key = nil
        case .string(let s)?, .keyword(let s)?, .symbol(let s)?: key = s
        case .int(let n)?: key = String(n)
        case let other?: key = other.description
        }
        // Ops are numbered by their position in the file: Jepsen's `:index` is the position in a
        // whole history, while hand-written histories often repeat or omit it.
        let index = position
        if let i = v["index"], i != .null {
            guard case .int(let n) = i, n >= 0 else { throw bad(":index", "expected a non-negative integer, got \(i)") }
        }
        var time = Int64(index)
        if let t = v["time"], t != .null {
            guard case .int(let n) = t else { throw bad(":time", "expected an integer (ns), got \(t)") }
            time = Int64(n)
        }
        var node: String?
        if let n = v["node"], n != .null { node = n.json.stringValue ?? n.description }
        var error: String?
        if let e = v["error"], e != .null { error = e.json.stringValue ?? e.description }
        return Op(index: index, time: time, process: process, type: type, f: f, key: key, value: v["value"]?.historyValue ?? .null, node: node, error: error)
    }
}

extension EDNValue {
    /// The op map of a form: a map, or a record written as `#jepsen.history.Op{...}`.
    var opMap: EDNValue? {
        switch self {
        case .map: return self
        case .tagged(_, let inner): if case .map = inner { return inner } else { return nil }
        default: return nil
        }
    }

    var sequenceItems: [EDNValue]? {
        switch self {
        case .vector(let a), .list(let a): return a
        default: return nil
        }
    }
}
