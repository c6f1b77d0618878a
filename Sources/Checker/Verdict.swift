import History

/// Validity is a checker's answer: valid, invalid, or unknown (the checker could not decide,
/// e.g. it ran out of time). Never a guess: when in doubt, `unknown`.
public enum Validity: String, Sendable, Hashable, Comparable, Codable {
    case valid, unknown, invalid

    /// JSON form, as Jepsen's `:valid?`: `true`, `false` or `"unknown"`.
    public var json: JSONValue {
        switch self {
        case .valid: return .bool(true)
        case .invalid: return .bool(false)
        case .unknown: return .string("unknown")
        }
    }

    /// Reads the JSON form back.
    public init?(json: JSONValue) {
        switch json {
        case .bool(true): self = .valid
        case .bool(false): self = .invalid
        case .string("unknown"): self = .unknown
        default: return nil
        }
    }

    /// Severity order for merging: invalid beats unknown beats valid.
    private var rank: Int {
        switch self {
        case .valid: return 0
        case .unknown: return 1
        case .invalid: return 2
        }
    }
    public static func < (a: Validity, b: Validity) -> Bool { a.rank < b.rank }

    /// The verdict of several checkers together: the most severe.
    public static func merge<S: Sequence>(_ all: S) -> Validity where S.Element == Validity {
        all.max() ?? .valid
    }
}

/// Verdict is what one checker says about one history: validity, counts of every anomaly it
/// names, concrete example ops for each anomaly, and free-form details (distributions, …).
///
/// Its JSON shape (in results.json and `faultline check --json`):
/// `{"checker": name, "valid": true|false|"unknown", "counts": {anomaly: n},
///   "examples": {anomaly: [op or object, …]}, "details": {…}, "error": "…"?, "summary": VerdictSummary?}`
public struct Verdict: Sendable {
    public var checker: String
    public var valid: Validity
    public var counts: [String: Int]
    public var examples: [String: [JSONValue]]
    public var details: [String: JSONValue]
    /// Why the verdict is unknown, when it is.
    public var error: String?
    /// Typed figures (availability, perf) that readers of results.json use instead of `details`.
    public var summary: VerdictSummary?

    public init(
        checker: String, valid: Validity, counts: [String: Int] = [:], examples: [String: [JSONValue]] = [:],
        details: [String: JSONValue] = [:], error: String? = nil, summary: VerdictSummary? = nil
    ) {
        self.summary = summary
        self.checker = checker
        self.valid = valid
        self.counts = counts
        self.examples = examples
        self.details = details
        self.error = error
    }

    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "checker": .string(checker),
            "valid": valid.json,
            "counts": .object(counts.mapValues { .int($0) }),
            "examples": .object(examples.mapValues { .array($0) }),
            "details": .object(details),
        ]
        if let error { o["error"] = .string(error) }
        if let summary, let s = JSONValue(encoding: summary) { o["summary"] = s }
        return .object(o)
    }

    /// Reads a verdict back from its JSON form (results.json).
    public init?(json: JSONValue) {
        guard let o = json.objectValue, let name = o["checker"]?.stringValue,
            let v = o["valid"].flatMap(Validity.init(json:))
        else { return nil }
        self.checker = name
        self.valid = v
        self.counts = (o["counts"]?.objectValue ?? [:]).compactMapValues(\.intValue)
        self.examples = (o["examples"]?.objectValue ?? [:]).compactMapValues(\.arrayValue)
        self.details = o["details"]?.objectValue ?? [:]
        self.error = o["error"]?.stringValue
        self.summary = nil
        self.summary = o["summary"]?.decoded(as: VerdictSummary.self) ?? VerdictSummary(legacy: self)
    }
}

/// A checker: a pure function from a history to a verdict. It never talks to nodes.
public protocol HistoryChecker: Sendable {
    /// The name under which the verdict is stored ("linearizable", "set", "availability", …).
    var name: String { get }
    func check(_ history: History) -> Verdict
}

extension Op {
    /// The op as a JSON example for a verdict (the same fields as its history line).
    public var exampleJSON: JSONValue {
        var o: [String: JSONValue] = [
            "index": .int(index), "time": .int(Int(time)), "type": .string(type.rawValue), "f": .string(f), "value": value,
        ]
        switch process {
        case .client(let n): o["process"] = .int(n)
        case .nemesis: o["process"] = .string("nemesis")
        }
        if let key { o["key"] = .string(key) }
        if let node { o["node"] = .string(node) }
        if let error { o["error"] = .string(error) }
        return .object(o)
    }
}
