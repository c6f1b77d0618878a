// CheckerRegistry: the one table of checkers: names, options (with their validation rules), defaults per
// workload, and the factory. `faultline run`, `faultline analyze` and `faultline check` all build checkers here.
import History

/// CheckerOption is one option a checker takes (in a workload's `checker_options.<checker>` or as
/// `faultline check --option NAME=VALUE`), with the rule its value must satisfy.
public struct CheckerOption: Sendable {
    /// The rule a value must satisfy. Every number has an upper bound, so that no later conversion
    /// (seconds to nanoseconds, to an integer) can overflow.
    public enum Rule: Sendable {
        /// A finite number of seconds in `range`.
        case seconds(ClosedRange<Double>)
        /// A finite number in `range` (a ratio, a factor).
        case number(ClosedRange<Double>)
        /// An integer in `range`.
        case integer(ClosedRange<Int>)
        /// A non-empty list of strings.
        case names
        /// One of these strings.
        case choice([String])
        /// Any JSON value (e.g. an initial register value).
        case anyValue
        /// true or false (also the strings "true"/"false", as typed on a command line).
        case flag
    }

    public let name: String
    public let rule: Rule
    /// The value used when the option is not given (nil: none), as documentation and for `defaults`.
    public let defaultValue: JSONValue?
    public let help: String

    public init(_ name: String, _ rule: Rule, default defaultValue: JSONValue? = nil, help: String) {
        self.name = name
        self.rule = rule
        self.defaultValue = defaultValue
        self.help = help
    }

    /// Why `value` breaks this option's rule; nil when it is acceptable. `null` means "not given".
    public func problem(with value: JSONValue) -> String? {
        if value.isNull { return nil }
        switch rule {
        case .seconds(let r), .number(let r):
            guard let d = value.doubleValue, d.isFinite, r.contains(d) else {
                let unit = if case .seconds = rule { " seconds" } else { "" }
                return "expected a number from \(Self.fmt(r.lowerBound)) to \(Self.fmt(r.upperBound))\(unit), got \(value)"
            }
            return nil
        case .integer(let r):
            guard let i = value.intValue, r.contains(i) else { return "expected an integer from \(r.lowerBound) to \(r.upperBound), got \(value)" }
            return nil
        case .names:
            guard let a = value.arrayValue, !a.isEmpty, a.allSatisfy({ $0.stringValue != nil }) else {
                return "expected a non-empty list of strings, got \(value)"
            }
            return nil
        case .choice(let all):
            guard let s = value.stringValue, all.contains(s) else { return "expected one of \(all.joined(separator: ", ")), got \(value)" }
            return nil
        case .anyValue:
            return nil
        case .flag:
            guard value.boolValue != nil || value.stringValue == "true" || value.stringValue == "false" else {
                return "expected true or false, got \(value)"
            }
            return nil
        }
    }

    static func fmt(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d) }
}

/// CheckerOptionProblem: an option a checker does not know, or a value that breaks its rule. Readers of
/// input files (workloads) place it at the option's file and line; the CLI prints it as one line (exit 2).
public struct CheckerOptionProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var checker: String
    /// The option at fault; nil when the checker itself is unknown.
    public var option: String?
    public var reason: String

    public var description: String {
        if let option { return "checker \(checker): option '\(option)': \(reason)" }
        return "checker '\(checker)': \(reason)"
    }
}

/// CheckerEntry is one registered checker.
public struct CheckerEntry: Sendable {
    public let name: String
    public let summary: String
    /// Workload kinds (`register`, `set`, `queue`, `log`, `pipeline`, …) whose histories this checker
    /// judges by default; `nil` for checkers that read any history (availability, perf).
    public let defaultFor: Set<String>?
    public let options: [CheckerOption]
    /// Builds the checker from options that `validate` accepted.
    let build: @Sendable ([String: JSONValue]) -> any HistoryChecker

    public func option(_ name: String) -> CheckerOption? { options.first { $0.name == name } }

    /// Every problem with `options`: unknown names and values that break their rule, in name order.
    public func validate(_ given: [String: JSONValue]) -> [CheckerOptionProblem] {
        given.keys.sorted().compactMap { k in
            guard let o = option(k) else {
                return CheckerOptionProblem(checker: name, option: k, reason: "not known (known: \(options.map(\.name).joined(separator: ", ")))")
            }
            return o.problem(with: given[k]!).map { CheckerOptionProblem(checker: name, option: k, reason: $0) }
        }
    }

    /// `given` with every unset option that has a default filled in.
    public func withDefaults(_ given: [String: JSONValue]) -> [String: JSONValue] {
        var all = given
        for o in options where all[o.name] == nil || all[o.name]!.isNull {
            if let d = o.defaultValue { all[o.name] = d }
        }
        return all
    }
}

/// CheckerRegistry: every checker Faultline has, by name. Adding a checker is one file and one entry here.
public enum CheckerRegistry {
    /// Longest time limit or window a checker accepts, in seconds (a week).
    static let maxSeconds = 7 * 86_400.0
    static let maxCount = 1_000_000_000

    public static let entries: [CheckerEntry] = [
        CheckerEntry(
            name: "linearizable", summary: "per-key linearizability of register, cas-register or kv ops",
            defaultFor: ["register"],
            options: [
                CheckerOption("model", .choice(LinearizableChecker.ModelName.allCases.map(\.rawValue)), default: "cas-register",
                              help: "the model: register, cas-register or kv"),
                CheckerOption("initial", .anyValue, help: "initial value of every key (default null, \"\" for kv)"),
                CheckerOption("time_limit", .seconds(0.001...maxSeconds), default: 30,
                              help: "seconds before the verdict becomes unknown"),
            ],
            build: { o in
                LinearizableChecker(model: o["model"]?.stringValue.flatMap(LinearizableChecker.ModelName.init(rawValue:)) ?? .casRegister,
                                    initial: o["initial"].flatMap { $0.isNull ? nil : $0 }, timeLimit: o["time_limit"]?.doubleValue)
            }),
        CheckerEntry(
            name: "set", summary: "every acknowledged add is read; nothing unexpected", defaultFor: ["set"],
            options: [
                CheckerOption("semantics", .choice(SetSemantics.allCases.map(\.rawValue)),
                              help: "final-read (Faultline's), or Jepsen's set or set-full (default: Jepsen's for imported Jepsen histories)"),
                CheckerOption("linearizable", .flag, help: "set-full: stale elements make the verdict invalid (Jepsen's :linearizable?)"),
            ],
            build: { SetChecker(options: $0) }),
        CheckerEntry(
            name: "queue", summary: "every acknowledged enqueue is dequeued once", defaultFor: ["queue"],
            options: [
                CheckerOption("semantics", .choice(QueueSemantics.allCases.map(\.rawValue)),
                              help: "drain (Faultline's), or Jepsen's total-queue or queue (default: total-queue for imported Jepsen histories)"),
            ],
            build: { QueueChecker(options: $0) }),
        CheckerEntry(
            name: "counter", summary: "every read lies between the ok adds and the possible adds (Jepsen's counter)", defaultFor: ["counter"],
            options: [], build: { CounterChecker(options: $0) }),
        CheckerEntry(
            name: "log", summary: "acknowledged appends are drained in order, once; Jepsen's Kafka workload analysis", defaultFor: ["log", "kafka"],
            options: [
                CheckerOption("semantics", .choice(["kafka", "produce"]),
                              help: "kafka (Jepsen's Kafka workload) or produce (Faultline's produce/poll/drain); default by content"),
                CheckerOption("ww_deps", .flag, help: "kafka: infer write-write dependencies from offsets (Jepsen's :ww-deps); G1c is then allowed"),
                CheckerOption("subscribe", .flag, help: "kafka: consumers subscribed (Jepsen's :sub-via); poll-skip and nonmonotonic-poll are then allowed"),
                CheckerOption("rw_deps", .flag, help: "kafka: also draw read-write edges (not in Jepsen) and report G-single and G2"),
            ],
            build: { LogChecker(options: $0) }),
        CheckerEntry(
            name: "pipeline", summary: "every acknowledged event lands exactly once; API answers are fresh enough",
            defaultFor: ["pipeline"],
            options: [
                CheckerOption("stages", .names, help: "stages whose final reads are recorded, in order; the last is the warehouse"),
                CheckerOption("max_stale_seconds", .seconds(0...maxSeconds), help: "bound on an API answer's staleness in seconds"),
                CheckerOption("max_stale_versions", .integer(0...maxCount), help: "bound on an API answer's staleness in versions"),
            ],
            build: { PipelineChecker(options: $0) }),
        CheckerEntry(
            name: "staleness", summary: "how many versions and seconds behind each read is", defaultFor: ["register"],
            options: [
                CheckerOption("initial", .anyValue, help: "initial value of every key (default null)"),
                CheckerOption("max_versions", .integer(0...maxCount), help: "invalid when a read is more versions behind"),
                CheckerOption("max_seconds", .seconds(0...maxSeconds), help: "invalid when a read is more seconds behind"),
            ],
            build: { StalenessChecker(options: $0) }),
        CheckerEntry(
            name: "availability", summary: "ok share per window, longest gap, recovery after faults", defaultFor: nil,
            options: [
                CheckerOption("window_seconds", .seconds(0.001...maxSeconds), default: 1, help: "width of a window"),
                CheckerOption("min_ok_ratio", .number(0...1), help: "invalid when the ok share outside faults is lower"),
                CheckerOption("max_gap_seconds", .seconds(0...maxSeconds), help: "invalid when a function goes longer without an ok op"),
            ],
            build: { AvailabilityChecker(options: $0) }),
        CheckerEntry(
            name: "perf", summary: "latency percentiles and throughput (reported, never judged)", defaultFor: nil,
            options: [CheckerOption("window_seconds", .seconds(0.001...maxSeconds), default: 1, help: "width of a throughput window")],
            build: { PerfChecker(options: $0) }),
    ]

    /// Every checker's name, in the order a report lists them.
    public static var names: [String] { entries.map(\.name) }

    public static func entry(named name: String) -> CheckerEntry? { entries.first { $0.name == name } }

    /// Every problem with `options` for checker `name` (an unknown checker is one problem). For readers
    /// of workload files and the CLI; the rules live only here.
    public static func validate(checker name: String, options: [String: JSONValue]) -> [CheckerOptionProblem] {
        guard let e = entry(named: name) else {
            return [CheckerOptionProblem(checker: name, option: nil, reason: "unknown checker (one of \(names.joined(separator: ", ")))")]
        }
        return e.validate(options)
    }

    /// The checker `name` built with `options` (defaults filled in); throws the first problem.
    public static func checker(named name: String, options: [String: JSONValue] = [:]) throws(CheckerOptionProblem) -> any HistoryChecker {
        if let p = validate(checker: name, options: options).first { throw p }
        let e = entry(named: name)!
        return e.build(e.withDefaults(options))
    }

    /// The checkers `names`, each with its options from `options[name]`; throws the first problem.
    public static func checkers(named names: [String], options: [String: [String: JSONValue]]) throws(CheckerOptionProblem) -> [any HistoryChecker] {
        var out: [any HistoryChecker] = []
        for n in names { out.append(try checker(named: n, options: options[n] ?? [:])) }
        return out
    }

    /// The checkers a workload of `kind` is checked with when its file names none: its safety
    /// checker(s), then the ones that read any history.
    public static func defaultCheckers(forWorkload kind: String) -> [String] {
        entries.filter { $0.defaultFor?.contains(kind) ?? false }.map(\.name) + entries.filter { $0.defaultFor == nil }.map(\.name)
    }

    /// Checks `history` with the checkers `names` and their options: the one path of `run`, `analyze` and `check`.
    public static func check(_ history: History, checkers names: [String], options: [String: [String: JSONValue]]) throws(CheckerOptionProblem) -> CheckerResults {
        CheckerResults(history: history, checkers: try checkers(named: names, options: options))
    }
}
