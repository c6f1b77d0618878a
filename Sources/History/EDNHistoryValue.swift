/// How an EDN value becomes an op's `value` (a `JSONValue`) without losing EDN's meaning, so that
/// checkers compare imported values exactly as Jepsen would:
/// - a keyword `:a` is the string `":a"`, so it never equals the EDN string `"a"`;
/// - a string starting with `:`, `#` or `\` gets a `\` in front (`":a"` becomes `"\:a"`), so no string
///   can pass for a keyword, a symbol, a character or a tag;
/// - a symbol `s` is `"#s"`, a character `\c` is `"\c"`, an `N` integer too large for 64 bits is
///   an exact `.decimal` number;
/// - a set is an array of its elements in one canonical order, so `#{1 2 3}` equals `#{3 2 1}`;
///   (a set then equals a vector of the same elements in that order, the one meaning lost);
/// - lists and vectors are arrays (Clojure also has `(= '(1 2) [1 2])`);
/// - a map is an object keyed by `keyText` of each key (`:x` -> `":x"`, `0` -> `"0"`);
/// - a record `#ns.Rec{...}` is its map; another tagged value `#tag v` is `{"#tag": v}`.
extension EDNValue {
    public var historyValue: JSONValue {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .bigint(let digits):
            // Exact: JSON's decimal text (the same number read from JSON compares equal).
            return .decimal((try? JSONNumber.canonical(Substring(digits))) ?? digits)
        case .double(let d): return .double(d)
        case .string(let s): return .string(EDNValue.escapedString(s))
        case .keyword(let k): return .string(":" + k)
        case .symbol(let s): return .string("#" + s)
        case .char(let c): return .string("\\" + c)
        case .vector(let a), .list(let a): return .array(a.map(\.historyValue))
        case .set(let a):
            let items = a.map(\.historyValue)
            return .array(items.sorted { $0.description < $1.description })
        case .map(let pairs):
            var o: [String: JSONValue] = [:]
            o.reserveCapacity(pairs.count)
            for (k, v) in pairs { o[k.keyText] = v.historyValue }
            return .object(o)
        case .tagged(let tag, let v):
            if case .map = v, tag.contains(".") { return v.historyValue }  // a record: its fields
            return .object(["#" + tag: v.historyValue])
        }
    }

    /// The text of a map key in `historyValue`: a keyword keeps its colon, a string is escaped as
    /// above, an integer is its digits, anything else is its value's JSON text.
    public var keyText: String {
        switch self {
        case .keyword(let k): return ":" + k
        case .string(let s): return EDNValue.escapedString(s)
        case .int(let i): return String(i)
        default: return historyValue.description
        }
    }

    static func escapedString(_ s: String) -> String {
        guard let first = s.utf8.first, first == UInt8(ascii: ":") || first == UInt8(ascii: "#") || first == UInt8(ascii: "\\")
        else { return s }
        return "\\" + s
    }
}
