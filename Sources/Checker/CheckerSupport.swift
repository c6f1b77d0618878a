// Shared helpers for the checkers: anomaly tallies with capped examples, input-shape errors, option parsing.
import History

/// The most example ops a verdict keeps per anomaly: enough to debug, small enough for results.json.
public let maxExamplesPerAnomaly = 10

/// Anomalies tallies counts and keeps the first few examples of each anomaly a checker names.
struct Anomalies {
    private(set) var counts: [String: Int] = [:]
    private(set) var examples: [String: [JSONValue]] = [:]

    /// Declares anomaly names up front so that a zero count still shows in the verdict.
    init(names: [String]) {
        for n in names { counts[n] = 0 }
    }

    /// Counts one occurrence of `name`, keeping `example` if fewer than the cap are kept.
    mutating func add(_ name: String, _ example: @autoclosure () -> JSONValue) {
        counts[name, default: 0] += 1
        if examples[name, default: []].count < maxExamplesPerAnomaly { examples[name, default: []].append(example()) }
    }

    /// Sets a count computed elsewhere (not an anomaly with examples, e.g. "stable").
    mutating func set(_ name: String, _ n: Int) { counts[name] = n }

    func count(_ name: String) -> Int { counts[name] ?? 0 }

    func verdict(_ checker: String, _ valid: Validity, details: [String: JSONValue], error: String? = nil) -> Verdict {
        Verdict(checker: checker, valid: valid, counts: counts, examples: examples, details: details, error: error)
    }
}

/// UnreadableHistory says that a history does not have the shape a checker reads (docs/history-conventions.md):
/// the verdict is then `unknown` (or, from `LinearizableChecker.analyze`, an error), with this text naming
/// the line and the field. (Bad input files and flags are InputFiles' `InputError`.)
public struct UnreadableHistory: Error, CustomStringConvertible {
    public var description: String

    init(_ history: History, _ op: Op, field: String, _ reason: String) {
        // Ops keep their history index; the location names the file line when known.
        let pos = op.index >= 0 && op.index < history.ops.count && history.ops[op.index].index == op.index ? op.index : nil
        let at = pos.map { history.location(of: $0) } ?? "op \(op.index)"
        description = "\(at): field '\(field)' of '\(op.type.rawValue) \(op.f)': \(reason)"
    }

    init(message: String) { description = message }
}

extension Verdict {
    /// The verdict for a history this checker cannot read: unknown, saying why.
    static func unreadable(_ checker: String, _ why: String) -> Verdict {
        Verdict(checker: checker, valid: .unknown, error: why)
    }
}

/// Pairs a history's client ops, turning a pairing problem into an `UnreadableHistory`.
func pairedOps(_ history: History) throws(UnreadableHistory) -> [CompletedOp] {
    do {
        return try history.pairs()
    } catch let e {
        throw UnreadableHistory(message: e.description)
    }
}

/// Pairs a history's client ops, accepting a process reused after an info completion (noted in
/// `warnings`): for checkers that never use process order.
func pairedOps(_ history: History, warnings: inout [String]) throws(UnreadableHistory) -> [CompletedOp] {
    do {
        return try history.pairs(warnings: &warnings)
    } catch let e {
        throw UnreadableHistory(message: e.description)
    }
}

extension Verdict {
    /// Adds warnings (things accepted but worth knowing) to `details.warnings`.
    mutating func addWarnings(_ warnings: [String]) {
        guard !warnings.isEmpty else { return }
        let old = details["warnings"]?.arrayValue ?? []
        details["warnings"] = .array(old + warnings.map { .string($0) })
    }

    /// The verdict for a history with nothing this checker reads: valid, saying nothing was checked.
    static func nothingChecked(_ checker: String, _ what: String) -> Verdict {
        Verdict(checker: checker, valid: .valid, details: ["note": .string("nothing was checked: \(what)")])
    }
}

/// Reading element values out of op values, with errors naming the field.
enum ValueShape {
    static func int(_ v: JSONValue, _ history: History, _ op: Op, field: String = "value") throws(UnreadableHistory) -> Int {
        if let i = v.intValue { return i }
        if case .double(let d) = v, d == d.rounded(), abs(d) < 9e15 { return Int(d) }
        throw UnreadableHistory(history, op, field: field, "expected an integer element, got \(v)")
    }

    static func ints(_ v: JSONValue, _ history: History, _ op: Op, field: String = "value") throws(UnreadableHistory) -> [Int] {
        if v.isNull { return [] }  // an empty read may be recorded as null
        guard let a = v.arrayValue else { throw UnreadableHistory(history, op, field: field, "expected an array of integers, got \(v)") }
        var out: [Int] = []
        out.reserveCapacity(a.count)
        for x in a { out.append(try int(x, history, op, field: field)) }
        return out
    }

    static func object(_ v: JSONValue, _ history: History, _ op: Op, field: String = "value") throws(UnreadableHistory) -> [String: JSONValue] {
        guard let o = v.objectValue else { throw UnreadableHistory(history, op, field: field, "expected a JSON object, got \(v)") }
        return o
    }
}

/// Options given to a checker by name (`CheckerRegistry`, which validates them first), read with type checks. A bad
/// option is remembered and makes every verdict of that checker `unknown`, naming the option.
struct OptionReader {
    let checker: String
    let options: [String: JSONValue]
    private(set) var problems: [String] = []
    private var used: Set<String> = []

    init(_ checker: String, _ options: [String: JSONValue]) {
        self.checker = checker
        self.options = options
    }

    mutating func double(_ name: String) -> Double? {
        used.insert(name)
        guard let v = options[name], !v.isNull else { return nil }
        guard let d = v.doubleValue, d.isFinite, d >= 0 else {
            problems.append("option '\(name)' of checker \(checker): expected a non-negative number, got \(v)")
            return nil
        }
        return d
    }

    mutating func int(_ name: String) -> Int? {
        used.insert(name)
        guard let v = options[name], !v.isNull else { return nil }
        guard let i = v.intValue, i >= 0 else {
            problems.append("option '\(name)' of checker \(checker): expected a non-negative integer, got \(v)")
            return nil
        }
        return i
    }

    mutating func strings(_ name: String) -> [String]? {
        used.insert(name)
        guard let v = options[name], !v.isNull else { return nil }
        guard let a = v.arrayValue, !a.isEmpty, a.allSatisfy({ $0.stringValue != nil }) else {
            problems.append("option '\(name)' of checker \(checker): expected a non-empty array of strings, got \(v)")
            return nil
        }
        return a.compactMap(\.stringValue)
    }

    /// A string option that must be one of `allowed`.
    mutating func choice(_ name: String, _ allowed: [String]) -> String? {
        used.insert(name)
        guard let v = options[name], !v.isNull else { return nil }
        guard let s = v.stringValue, allowed.contains(s) else {
            problems.append("option '\(name)' of checker \(checker): expected one of \(allowed.joined(separator: ", ")), got \(v)")
            return nil
        }
        return s
    }

    /// A boolean option (`true`/`false`, also given as the strings "true"/"false" on the command line).
    mutating func bool(_ name: String) -> Bool? {
        used.insert(name)
        guard let v = options[name], !v.isNull else { return nil }
        if let b = v.boolValue { return b }
        if v.stringValue == "true" { return true }
        if v.stringValue == "false" { return false }
        problems.append("option '\(name)' of checker \(checker): expected true or false, got \(v)")
        return nil
    }

    mutating func value(_ name: String) -> JSONValue? {
        used.insert(name)
        return options[name]
    }

    /// Every problem, including options this checker does not know (a typo must not pass silently).
    var error: String? {
        var all = problems
        for k in options.keys.sorted() where !used.contains(k) {
            all.append("option '\(k)' is not known to checker \(checker) (known: \(used.sorted().joined(separator: ", ")))")
        }
        return all.isEmpty ? nil : all.joined(separator: "; ")
    }
}

/// Nanoseconds to seconds, for details meant to be read by people.
@inline(__always) func seconds(_ ns: Int64) -> JSONValue { .double(Double(ns) / 1e9) }

/// A checker whose options may be unreadable and whose input may be malformed: either becomes
/// an unknown verdict that names the problem, never a guess. Conformers call `checkGuarded`
/// from `check` and do their work in `run`.
protocol GuardedChecker: HistoryChecker {
    /// Why the options given at init could not be used, if they could not.
    var optionError: String? { get }
    func run(_ history: History) throws(UnreadableHistory) -> Verdict
}

extension GuardedChecker {
    func checkGuarded(_ history: History) -> Verdict {
        if let optionError { return .unreadable(name, optionError) }
        do {
            return try run(history)
        } catch let e {
            return .unreadable(name, e.description)
        }
    }
}
