// YAMLFields: typed access to a YAML mapping that rejects unknown keys and reports file, line and field.
import Foundation
import History
import Yams

/// YAMLFields reads one YAML file's tree; every accessor throws an `InputError` at the node's line.
struct YAMLFields {
    let file: String

    /// Loads `path` and composes its YAML; a missing file or a syntax error is an `InputError`.
    static func load(path: String) throws -> (YAMLFields, Node) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, line: 0, field: "file", message: "cannot read the file (missing or unreadable)")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    static func parse(_ text: String, file: String) throws -> (YAMLFields, Node) {
        let r = YAMLFields(file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let e as YamlError {
            var line = 0
            switch e {
            case .scanner(_, _, let m, _), .parser(_, _, let m, _), .composer(_, _, let m, _): line = m.line
            default: break
            }
            let msg = "\(e)".split(separator: "\n").last.map(String.init) ?? "invalid YAML"
            throw InputError(file: file, line: line, field: "yaml", message: "invalid YAML: \(msg)")
        }
        guard let root else { throw InputError(file: file, line: 1, field: "yaml", message: "the file is empty") }
        return (r, root)
    }

    func fail(_ node: Node?, _ field: String, _ message: String) -> InputError {
        InputError(file: file, line: node?.mark?.line ?? 0, field: field, message: message)
    }

    /// The node as a mapping whose keys are all in `allowed` (an unknown key is an error at its line).
    func mapping(_ node: Node, _ field: String, allowed: [String]) throws -> Node.Mapping {
        guard let m = node.mapping else { throw fail(node, field, "expected a mapping") }
        for (k, _) in m {
            let name = k.string ?? "?"
            if !allowed.contains(name) {
                let f = field.isEmpty ? name : "\(field).\(name)"
                throw fail(k, f, "unknown field (allowed: \(allowed.joined(separator: ", ")))")
            }
        }
        return m
    }

    func path(_ parent: String, _ key: String) -> String { parent.isEmpty ? key : "\(parent).\(key)" }

    func string(_ m: Node.Mapping, _ key: String, _ parent: String) throws -> String? {
        guard let n = m[key] else { return nil }
        guard let s = n.scalar?.string, !s.isEmpty else { throw fail(n, path(parent, key), "expected a non-empty string") }
        return s
    }

    func int(_ m: Node.Mapping, _ key: String, _ parent: String, range: ClosedRange<Int>) throws -> Int? {
        guard let n = m[key] else { return nil }
        guard let v = n.int else { throw fail(n, path(parent, key), "expected an integer") }
        guard range.contains(v) else {
            throw fail(n, path(parent, key), "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return v
    }

    func number(_ m: Node.Mapping, _ key: String, _ parent: String, min: Double = 0) throws -> Double? {
        guard let n = m[key] else { return nil }
        guard let v = n.float ?? n.int.map(Double.init), v >= min else {
            throw fail(n, path(parent, key), "expected a number >= \(min)")
        }
        return v
    }

    /// A duration: `5s`, `250ms`, `2m` or a bare number of seconds.
    func duration(_ m: Node.Mapping, _ key: String, _ parent: String) throws -> Double? {
        guard let n = m[key] else { return nil }
        guard let s = n.scalar?.string, let d = Self.parseDuration(s) else {
            throw fail(n, path(parent, key), "expected a duration such as 5s, 250ms or 2m")
        }
        return d
    }

    static func parseDuration(_ s: String) -> Double? {
        let t = s.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
        for (u, k) in units where t.hasSuffix(u) {
            if let v = Double(t.dropLast(u.count)), v >= 0 { return v * k }
        }
        if let v = Double(t), v >= 0 { return v }
        return nil
    }

    func bool(_ m: Node.Mapping, _ key: String, _ parent: String) throws -> Bool? {
        guard let n = m[key] else { return nil }
        guard let v = n.bool else { throw fail(n, path(parent, key), "expected true or false") }
        return v
    }

    /// Any YAML value as JSON (for settings and checker options, which their owners validate).
    func json(_ n: Node) -> JSONValue {
        switch n {
        case .scalar(let s):
            if s.style == .singleQuoted || s.style == .doubleQuoted { return .string(s.string) }
            if n.null != nil { return .null }
            if let i = n.int { return .int(i) }
            if let d = n.float { return .double(d) }
            if let b = n.bool { return .bool(b) }
            return .string(s.string)
        case .sequence(let seq): return .array(seq.map { json($0) })
        case .mapping(let m):
            var o: [String: JSONValue] = [:]
            for (k, v) in m { o[k.string ?? "?"] = json(v) }
            return .object(o)
        case .alias: return .null
        }
    }
}
