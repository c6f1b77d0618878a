// YAMLReader+JSON: any YAML value as JSON, for component settings and checker options (their owners
// validate them). The reader has already bounded the tree (YAMLLimits), so this walk is bounded too.
import History
import InputFiles
import Yams

extension YAMLReader {
    /// Quoted scalars stay strings; plain ones become null, integers, finite numbers or booleans.
    /// A number out of range (`1e999`, `.inf`, `.nan`) is a problem at its line: JSON has no such value.
    func json(_ n: Node, _ field: String) -> JSONValue {
        switch n {
        case .scalar(let s):
            if s.style == .singleQuoted || s.style == .doubleQuoted { return .string(s.string) }
            if n.null != nil { return .null }
            if let i = n.int { return .int(i) }
            if let d = n.float {
                guard d.isFinite else {
                    problem(n, field, "\(s.string) is not a finite number")
                    return .null
                }
                return .double(d)
            }
            if let b = n.bool { return .bool(b) }
            return .string(s.string)
        case .sequence(let seq): return .array(seq.enumerated().map { json($1, "\(field)[\($0)]") })
        case .mapping(let m):
            var o: [String: JSONValue] = [:]
            for (k, v) in m {
                guard let key = k.scalar?.string else {
                    problem(k, field, "expected a text key")
                    continue
                }
                o[key] = json(v, path(field, key))
            }
            return .object(o)
        case .alias: return .null
        }
    }
}
