/// A JSON value: the `value` of a history op, a nemesis op's details, a node's request body or
/// replicated command. The one JSON type of Faultline, shared by History and Node.
///
/// Values compare exactly, because a checker's verdict depends on it:
/// - integers that fit in `Int` are `.int`; numbers that neither `Int` nor `Double` hold exactly
///   (10^30, 1e400, 1e-400, 0.10000000000000001) are `.decimal` with their canonical decimal text,
///   so 10^30 and 10^30+1 stay different (see `JSONNumber`);
/// - strings compare by their Unicode scalars, not by Swift's canonical equivalence: "\u{E9}" and
///   "e\u{301}" are different values (and object keys that differ only so are different keys).
/// Objects are written with sorted keys so that output is deterministic.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    /// A number kept as its canonical decimal text (`JSONNumber.canonical`), because `Int` cannot
    /// hold it and `Double` would round it. Written back as that text.
    case decimal(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public var isNull: Bool { if case .null = self { return true } else { return false } }
    public var intValue: Int? { if case .int(let i) = self { return i } else { return nil } }
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { return o } else { return nil } }
    /// The number as a Double (rounded; a `.decimal` beyond range gives ±infinity or 0).
    public var doubleValue: Double? {
        switch self {
        case .double(let d): return d
        case .int(let i): return Double(i)
        case .decimal(let t): return Double(t)
        default: return nil
        }
    }

    public subscript(key: String) -> JSONValue? { objectValue?[key] }
}

extension JSONValue: Hashable {
    /// Structural equality with strings (values and keys) compared scalar by scalar.
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y
        case (.decimal(let x), .decimal(let y)): return x == y  // canonical ASCII text
        case (.string(let x), .string(let y)): return sameScalars(x, y)
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0 == $1 }
        case (.object(let x), .object(let y)):
            guard x.count == y.count else { return false }
            for (k, v) in x {
                // Dictionary lookup matches canonically equivalent keys; insist on the same scalars.
                guard let i = y.index(forKey: k), sameScalars(y[i].key, k), y[i].value == v else { return false }
            }
            return true
        default: return false
        }
    }

    public func hash(into h: inout Hasher) {
        switch self {
        case .null: h.combine(0 as UInt8)
        case .bool(let b): h.combine(1 as UInt8); h.combine(b)
        case .int(let i): h.combine(2 as UInt8); h.combine(i)
        case .double(let d): h.combine(3 as UInt8); h.combine(d)
        case .decimal(let t): h.combine(4 as UInt8); JSONValue.hashScalars(t, into: &h)
        case .string(let s): h.combine(5 as UInt8); JSONValue.hashScalars(s, into: &h)
        case .array(let a):
            h.combine(6 as UInt8)
            h.combine(a.count)
            for v in a { v.hash(into: &h) }
        case .object(let o):
            // Order-independent: the entries' own hashes, combined with a commutative sum.
            h.combine(7 as UInt8)
            h.combine(o.count)
            var sum = 0
            for (k, v) in o {
                var eh = Hasher()
                JSONValue.hashScalars(k, into: &eh)
                v.hash(into: &eh)
                sum = sum &+ eh.finalize()
            }
            h.combine(sum)
        }
    }

    /// True when both strings have exactly the same Unicode scalars (Swift's `==` would also
    /// accept canonically equivalent ones). Same scalars is the same UTF-8 bytes.
    public static func sameScalars(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    static func hashScalars(_ s: String, into h: inout Hasher) {
        var s = s
        s.withUTF8 { h.combine(bytes: UnsafeRawBufferPointer($0)) }
        h.combine(s.utf8.count)  // ends the bytes, so ["ab", "c"] and ["a", "bc"] differ
    }
}

extension JSONValue: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral, ExpressibleByNilLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByFloatLiteral
{
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
