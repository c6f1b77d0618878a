/// The JSONL encoding of an op (docs/design.md "History format"): one object per line, fields in a
/// fixed order so that histories diff well.
extension Op {
    /// The op as one line of JSON, without the trailing newline.
    public var jsonLine: String {
        var out = "{\"index\":"
        out += String(index)
        out += ",\"time\":"
        out += String(time)
        out += ",\"process\":"
        switch process {
        case .client(let n): out += String(n)
        case .nemesis: out += "\"nemesis\""
        }
        out += ",\"type\":\""
        out += type.rawValue
        out += "\",\"f\":"
        JSONValue.writeString(f, to: &out)
        if let key {
            out += ",\"key\":"
            JSONValue.writeString(key, to: &out)
        }
        out += ",\"value\":"
        value.write(to: &out)
        if let node {
            out += ",\"node\":"
            JSONValue.writeString(node, to: &out)
        }
        if let error {
            out += ",\"error\":"
            JSONValue.writeString(error, to: &out)
        }
        out += "}"
        return out
    }

    /// Why a JSON object is not a valid op, naming the field.
    public struct FieldError: Error, CustomStringConvertible {
        public var field: String
        public var reason: String
        public var description: String { "field '\(field)': \(reason)" }
    }

    /// Reads an op from a decoded JSON object. Unknown fields are an error: a typo in a field name
    /// would otherwise silently change what a checker sees.
    public init(json: JSONValue) throws(FieldError) {
        guard case .object(let o) = json else { throw FieldError(field: "(line)", reason: "expected a JSON object") }
        for k in o.keys where !Op.knownFields.contains(k) {
            throw FieldError(field: k, reason: "unknown field (known: \(Op.knownFields.sorted().joined(separator: ", ")))")
        }
        guard let idx = o["index"] else { throw FieldError(field: "index", reason: "missing") }
        guard let index = idx.intValue, index >= 0 else { throw FieldError(field: "index", reason: "expected a non-negative integer") }
        var time: Int64 = Int64(index)
        if let t = o["time"] {
            guard let tv = t.intValue else { throw FieldError(field: "time", reason: "expected an integer (ns)") }
            time = Int64(tv)
        }
        let process: ProcessID
        switch o["process"] {
        case .int(let n)?: process = .client(n)
        case .string("nemesis")?: process = .nemesis
        case .string(let s)?:
            guard let n = Int(s) else { throw FieldError(field: "process", reason: "expected an integer or \"nemesis\", got \"\(s)\"") }
            process = .client(n)
        case nil: throw FieldError(field: "process", reason: "missing")
        default: throw FieldError(field: "process", reason: "expected an integer or \"nemesis\"")
        }
        guard let ts = o["type"]?.stringValue else { throw FieldError(field: "type", reason: "missing or not a string") }
        guard let type = Kind(rawValue: ts) else {
            throw FieldError(field: "type", reason: "expected invoke, ok, fail or info, got \"\(ts)\"")
        }
        guard let f = o["f"]?.stringValue else { throw FieldError(field: "f", reason: "missing or not a string") }
        var key: String?
        switch o["key"] {
        case nil, .null?: key = nil
        case .string(let s)?: key = s
        case .int(let n)?: key = String(n)
        default: throw FieldError(field: "key", reason: "expected a string or an integer")
        }
        var node: String?
        if let n = o["node"], !n.isNull {
            guard let s = n.stringValue else { throw FieldError(field: "node", reason: "expected a string") }
            node = s
        }
        var error: String?
        if let e = o["error"], !e.isNull { error = e.stringValue ?? e.description }
        self.init(
            index: index, time: time, process: process, type: type, f: f, key: key,
            value: o["value"] ?? .null, node: node, error: error)
    }

    static let knownFields: Set<String> = ["index", "time", "process", "type", "f", "key", "value", "node", "error"]
}
