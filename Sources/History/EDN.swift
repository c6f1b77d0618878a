/// An EDN value (Clojure's data notation), as Jepsen writes histories.
public indirect enum EDNValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    /// An integer too large for `Int` (EDN's `N` suffix allows any size), as its decimal digits.
    case bigint(String)
    case double(Double)
    case string(String)
    case char(String)
    case keyword(String)  // without the leading ':'
    case symbol(String)
    case vector([EDNValue])
    case list([EDNValue])
    case set([EDNValue])
    case map([(EDNValue, EDNValue)])
    case tagged(String, EDNValue)

    /// EDN equality: sets and maps are unordered (`#{1 2}` equals `#{2 1}`), lists equal vectors
    /// with the same items (as in Clojure), a keyword never equals a string.
    public static func == (a: EDNValue, b: EDNValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y
        case (.string(let x), .string(let y)), (.char(let x), .char(let y)), (.keyword(let x), .keyword(let y)),
            (.symbol(let x), .symbol(let y)):
            return x == y
        case (.bigint(let x), .bigint(let y)): return x == y
        case (.vector(let x), .vector(let y)), (.list(let x), .list(let y)), (.vector(let x), .list(let y)),
            (.list(let x), .vector(let y)):
            return x == y
        case (.set(let x), .set(let y)): return x.count == y.count && Set(x) == Set(y)
        case (.map(let x), .map(let y)):
            guard x.count == y.count else { return false }
            var d: [EDNValue: EDNValue] = [:]
            for (k, v) in x { d[k] = v }
            return y.allSatisfy { d[$0.0] == $0.1 }
        case (.tagged(let t, let x), .tagged(let u, let y)): return t == u && x == y
        default: return false
        }
    }

    public func hash(into h: inout Hasher) {
        switch self {
        case .null: h.combine(0)
        case .bool(let b): h.combine(b)
        case .int(let i): h.combine(i)
        case .double(let d): h.combine(d)
        case .string(let s), .char(let s), .keyword(let s), .symbol(let s): h.combine(s)
        case .bigint(let s):
            h.combine(1)
            h.combine(s)
        case .vector(let a), .list(let a): h.combine(a)
        case .set(let a):
            // Order-independent: the sum of the elements' own hashes.
            h.combine(a.count)
            h.combine(a.reduce(0) { $0 &+ $1.hashValue })
        case .map(let p):
            h.combine(p.count)
            h.combine(p.reduce(0) { $0 &+ ($1.0.hashValue &* 31 &+ $1.1.hashValue) })
        case .tagged(let t, let v):
            h.combine(t)
            h.combine(v)
        }
    }

    /// Looks a keyword key up in a map without building anything.
    private func lookup(_ keyword: String) -> EDNValue? {
        guard case .map(let pairs) = self else { return nil }
        for (k, v) in pairs {
            if case .keyword(let name) = k, name == keyword { return v }
        }
        return nil
    }

    /// Looks a keyword key up in a map.
    public subscript(keyword: String) -> EDNValue? { lookup(keyword) }

    /// The value as JSON: keywords and symbols become strings (without ':'), sets and lists
    /// become arrays, maps become objects keyed by the keys' text.
    public var json: JSONValue {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .bigint(let s): return .string(s)
        case .double(let d): return .double(d)
        case .string(let s), .char(let s), .keyword(let s), .symbol(let s): return .string(s)
        case .vector(let a), .list(let a), .set(let a): return .array(a.map(\.json))
        case .map(let pairs):
            var o: [String: JSONValue] = [:]
            for (k, v) in pairs {
                let key: String
                switch k {
                case .string(let s), .keyword(let s), .symbol(let s): key = s
                default: key = k.description
                }
                o[key] = v.json
            }
            return .object(o)
        case .tagged(_, let v): return v.json
        }
    }
}

extension EDNValue: CustomStringConvertible {
    public var description: String {
        switch self {
        case .null: return "nil"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .bigint(let s): return s + "N"
        case .double(let d): return String(d)
        case .string(let s): return JSONValue.string(s).description
        case .char(let s): return "\\" + s
        case .keyword(let s): return ":" + s
        case .symbol(let s): return s
        case .vector(let a): return "[" + a.map(\.description).joined(separator: " ") + "]"
        case .list(let a): return "(" + a.map(\.description).joined(separator: " ") + ")"
        case .set(let a): return "#{" + a.map(\.description).joined(separator: " ") + "}"
        case .map(let p): return "{" + p.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + "}"
        case .tagged(let t, let v): return "#\(t) \(v)"
        }
    }
}

/// EDNReader reads a sequence of top-level EDN values from UTF-8 bytes, remembering the line
/// each value starts on, so that an importer can name the line of a bad op.
public struct EDNReader {
    /// Why EDN text could not be read, with the 1-based line.
    public struct Failure: Error, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    private let bytes: [UInt8]
    private var i = 0
    /// The current 1-based line.
    public private(set) var line = 1

    public init(_ text: String) { bytes = Array(text.utf8) }
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Reads the next top-level value; nil at the end of the text.
    public mutating func next() throws(Failure) -> (value: EDNValue, line: Int)? {
        skipSpace()
        guard i < bytes.count else { return nil }
        let start = line
        return (try value(depth: 0), start)
    }

    /// Reads the next top-level value; when it is a vector or a list, also records the line each of
    /// its items starts on (a whole-file history names the line of each op).
    mutating func nextRecordingItemLines(_ lines: inout [Int]) throws(Failure) -> (value: EDNValue, line: Int)? {
        skipSpace()
        guard i < bytes.count else { return nil }
        let start = line
        switch bytes[i] {
        case UInt8(ascii: "["):
            i += 1
            return (.vector(try sequence(until: UInt8(ascii: "]"), depth: 0, lines: &lines)), start)
        case UInt8(ascii: "("):
            i += 1
            return (.list(try sequence(until: UInt8(ascii: ")"), depth: 0, lines: &lines)), start)
        default:
            return (try value(depth: 0), start)
        }
    }

    /// Reads every top-level value.
    public static func readAll(_ text: String) throws(Failure) -> [(value: EDNValue, line: Int)] {
        var r = EDNReader(text)
        var out: [(value: EDNValue, line: Int)] = []
        while let v = try r.next() { out.append(v) }
        return out
    }

    private func fail(_ reason: String) -> Failure { Failure(line: line, reason: reason) }

    private mutating func skipSpace() {
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0A {
                line += 1
                i += 1
            } else if b == 0x20 || b == 0x09 || b == 0x0D || b == UInt8(ascii: ",") {
                i += 1
            } else if b == UInt8(ascii: ";") {
                while i < bytes.count && bytes[i] != 0x0A { i += 1 }
            } else {
                break
            }
        }
    }

    private static func isDelimiter(_ b: UInt8) -> Bool {
        switch b {
        case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "\""),
            UInt8(ascii: ";"):
            return true
        default: return false
        }
    }

    private mutating func token() -> String {
        let start = i
        while i < bytes.count && !EDNReader.isDelimiter(bytes[i]) { i += 1 }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    private mutating func value(depth: Int) throws(Failure) -> EDNValue {
        guard depth < 512 else { throw fail("nested too deeply") }
        skipSpace()
        guard i < bytes.count else { throw fail("unexpected end of input") }
        let b = bytes[i]
        switch b {
        case UInt8(ascii: "["):
            i += 1
            return .vector(try sequence(until: UInt8(ascii: "]"), depth: depth))
        case UInt8(ascii: "("):
            i += 1
            return .list(try sequence(until: UInt8(ascii: ")"), depth: depth))
        case UInt8(ascii: "{"):
            i += 1
            var lines: [Int] = []
            let items = try sequence(until: UInt8(ascii: "}"), depth: depth, lines: &lines)
            guard items.count % 2 == 0 else { throw fail("a map needs an even number of forms") }
            var pairs: [(EDNValue, EDNValue)] = []
            pairs.reserveCapacity(items.count / 2)
            // EDN forbids a key twice in one map: which value was meant cannot be known.
            var seen = Set<EDNValue>(minimumCapacity: items.count / 2)
            var k = 0
            while k < items.count {
                guard seen.insert(items[k]).inserted else {
                    throw Failure(line: lines[k], reason: "duplicate key \(items[k]) in a map")
                }
                pairs.append((items[k], items[k + 1]))
                k += 2
            }
            return .map(pairs)
        case UInt8(ascii: "#"):
            i += 1
            guard i < bytes.count else { throw fail("unexpected end of input after '#'") }
            if bytes[i] == UInt8(ascii: "{") {
                i += 1
                var lines: [Int] = []
                let items = try sequence(until: UInt8(ascii: "}"), depth: depth, lines: &lines)
                var seen = Set<EDNValue>(minimumCapacity: items.count)
                for (n, e) in items.enumerated() where !seen.insert(e).inserted {
                    throw Failure(line: lines[n], reason: "duplicate element \(e) in a set")
                }
                return .set(items)
            }
            if bytes[i] == UInt8(ascii: "_") {  // discard the next form
                i += 1
                _ = try value(depth: depth + 1)
                return try value(depth: depth)
            }
            let tag = token()
            guard !tag.isEmpty else { throw fail("invalid dispatch '#'") }
            return .tagged(tag, try value(depth: depth + 1))
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: ":"):
            i += 1
            let t = token()
            guard !t.isEmpty else { throw fail("empty keyword") }
            return .keyword(t)
        case UInt8(ascii: "\\"):
            i += 1
            let start = i
            if i < bytes.count { i += 1 }  // the character itself may be a delimiter
            while i < bytes.count && !EDNReader.isDelimiter(bytes[i]) { i += 1 }
            return .char(String(decoding: bytes[start..<i], as: UTF8.self))
        case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
            throw fail("unmatched '\(Character(UnicodeScalar(b)))'")
        default:
            let t = token()
            return try atom(t)
        }
    }

    private mutating func sequence(until close: UInt8, depth: Int) throws(Failure) -> [EDNValue] {
        var lines: [Int] = []
        return try sequence(until: close, depth: depth, lines: &lines)
    }

    /// Reads items up to `close`, recording the line each item starts on.
    private mutating func sequence(until close: UInt8, depth: Int, lines: inout [Int]) throws(Failure) -> [EDNValue] {
        var items: [EDNValue] = []
        let openLine = line
        while true {
            skipSpace()
            guard i < bytes.count else {
                throw Failure(line: openLine, reason: "'\(Character(UnicodeScalar(close)))' missing: a form opened on line \(openLine) never closes")
            }
            if bytes[i] == close {
                i += 1
                return items
            }
            lines.append(line)
            items.append(try value(depth: depth + 1))
        }
    }

    private func atom(_ t: String) throws(Failure) -> EDNValue {
        switch t {
        case "nil": return .null
        case "true": return .bool(true)
        case "false": return .bool(false)
        default: break
        }
        guard let first = t.utf8.first else { throw fail("unexpected character") }
        let isDigit = (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
        let signedDigit =
            (first == UInt8(ascii: "-") || first == UInt8(ascii: "+")) && t.utf8.count > 1
            && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(Array(t.utf8)[1])
        if isDigit || signedDigit {
            var s = t
            let big = s.hasSuffix("N")  // arbitrary-precision integer marker
            if big { s.removeLast() }
            if s.hasPrefix("+") { s.removeFirst() }
            if let v = Int(s) { return .int(v) }
            if big || (s.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") }
                && !s.dropFirst().contains("-"))
            {
                // Exact at any size: kept as its digits (leading zeros and a plus sign dropped).
                let neg = s.hasPrefix("-")
                let digits = (neg ? s.dropFirst() : s[...]).drop(while: { $0 == "0" })
                guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else {
                    if digits.isEmpty { return .int(0) }
                    throw fail("invalid number '\(t)'")
                }
                return .bigint((neg ? "-" : "") + digits)
            }
            var d = s
            if d.hasSuffix("M") { d.removeLast() }  // BigDecimal marker
            if let v = Double(d) { return .double(v) }
            throw fail("invalid number '\(t)'")
        }
        return .symbol(t)
    }

    private mutating func string() throws(Failure) -> String {
        i += 1
        var out: [UInt8] = []
        let openLine = line
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            if b == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            if b == 0x0A { line += 1 }
            if b != UInt8(ascii: "\\") {
                out.append(b)
                continue
            }
            guard i < bytes.count else { break }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "u"):
                guard i + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16),
                    let scalar = Unicode.Scalar(code)
                else { throw fail("invalid unicode escape in a string") }
                i += 4
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            default: out.append(e)
            }
        }
        throw Failure(line: openLine, reason: "unterminated string (opened on line \(openLine))")
    }
}
