/// Codable, so a JSONValue can sit inside a Codable message (the built-in nodes' replication
/// messages and log records go through Foundation's JSONEncoder).
///
/// Codable has no way to carry a number's exact text: a `.decimal` is encoded as its Double when
/// that is finite (rounded, as any Codable number would be) and as its text otherwise. Code that
/// needs exact numbers writes and parses JSON text with `JSONValue.write` and `JSONParser`.
extension JSONValue: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .decimal(let t):
            if let d = Double(t), d.isFinite { try c.encode(d) } else { try c.encode(t) }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}
