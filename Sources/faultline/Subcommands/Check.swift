import ArgumentParser
import Checker
import Foundation
import History
import InputFiles

/// `faultline check`: checks stored histories (Faultline JSONL, Jepsen EDN, Jepsen etcd logs,
/// Porcupine kv) and prints one verdict per file.
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check histories for linearizability (and other properties) and print a verdict per file.",
        discussion: """
            Models: \(LinearizableChecker.ModelName.allCases.map(\.rawValue).joined(separator: ", ")) (linearizability), and the checkers \(otherCheckers.joined(separator: ", "))
            (see docs/history-conventions.md). Without --model, kv is used for histories of get/put/append ops
            and cas-register otherwise. Options per checker:
            \(optionHelp)
            Exit status: 0 all valid, 1 any invalid, 3 any unknown and none invalid, 2 bad input (an unknown option too).
            """
    )

    /// The checkers `--model` names directly (linearizable is chosen by naming its model).
    static var otherCheckers: [String] { CheckerRegistry.names.filter { $0 != "linearizable" } }

    static var optionHelp: String {
        CheckerRegistry.entries.filter { !$0.options.isEmpty }.map { e in
            "  \(e.name): " + e.options.map { o in o.name + (o.defaultValue.map { " (default \($0))" } ?? "") }.joined(separator: ", ")
        }.joined(separator: "\n")
    }

    @Option(name: .long, help: ArgumentHelp(
        "The model: \(LinearizableChecker.ModelName.allCases.map(\.rawValue).joined(separator: ", ")), or a checker: \(Check.otherCheckers.joined(separator: ", "))."))
    var model: String?

    @Option(name: .customLong("option"), help: "A checker option as NAME=VALUE (VALUE is JSON, or a string); repeatable.")
    var options: [String] = []

    @Option(name: .long, help: "Initial value of every key (JSON or EDN; default nil, \"\" for kv).")
    var initial: String?

    @Option(name: .long, help: "Input format: jsonl, edn, etcd-log or kv (default: detected from the content).")
    var format: String?

    @Flag(name: .long, help: "Print one JSON object per file instead of a line of text.")
    var json = false

    @Option(name: .customLong("time-limit"), help: "Seconds per file before a linearizability verdict becomes unknown (default 30).")
    var timeLimit: Double?

    @Argument(help: "History files.")
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one history file") }
        if let model, LinearizableChecker.ModelName(rawValue: model) == nil, !Check.otherCheckers.contains(model) {
            let all = LinearizableChecker.ModelName.allCases.map(\.rawValue) + Check.otherCheckers
            throw ValidationError("unknown --model '\(model)' (expected one of: \(all.joined(separator: ", ")))")
        }
        for o in options where !o.contains("=") { throw ValidationError("--option '\(o)' must be NAME=VALUE") }
        if let format, HistoryFormat(rawValue: format) == nil {
            throw ValidationError("unknown --format '\(format)' (expected one of: \(HistoryFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
    }

    /// The registry checker and options the flags ask for; `model` is the linearizability model when
    /// the checker is linearizable (nil: guessed per file). `--time-limit` and `--initial` are options too.
    func checkerRequest(model guessed: LinearizableChecker.ModelName?) -> (name: String, options: [String: JSONValue]) {
        var opts: [String: JSONValue] = [:]
        for o in options {
            let parts = o.split(separator: "=", maxSplits: 1).map(String.init)
            opts[parts[0]] = Check.parseInitial(parts[1])
        }
        if let initial { opts["initial"] = Check.parseInitial(initial) }
        if let model, LinearizableChecker.ModelName(rawValue: model) == nil { return (model, opts) }
        if let m = model ?? guessed?.rawValue { opts["model"] = .string(m) }
        if let timeLimit { opts["time_limit"] = .double(timeLimit) }
        return ("linearizable", opts)
    }

    func run() async throws {
        // Options are checked once, before any file: an unknown option is bad usage (one line, exit 2).
        let probe = checkerRequest(model: nil)
        if let p = CheckerRegistry.validate(checker: probe.name, options: probe.options).first {
            printError("\(p)")
            throw ExitCode(ExitStatus.badInput)
        }
        var worst: Validity = .valid
        var badInput = false
        for file in files {
            let start = DispatchTime.now().uptimeNanoseconds
            let loaded: LoadedHistory
            do {
                loaded = try HistoryLoader.load(path: file, format: format.flatMap(HistoryFormat.init(rawValue:)))
            } catch {
                printError("\(error)")
                badInput = true
                continue
            }
            // Escaped: a warning names the file, and a file name may hold control characters.
            for w in loaded.warnings { FileHandle.standardError.write(Data("warning: \(InputText.line(w))\n".utf8)) }
            let request = checkerRequest(model: model == nil ? Check.guessModel(loaded) : nil)
            let verdict: Verdict
            do {
                let checker = try CheckerRegistry.checker(named: request.name, options: request.options)
                // Linearizability reports bad input (ops it cannot model) as an error, not a verdict.
                verdict = try (checker as? LinearizableChecker)?.analyze(loaded.history) ?? checker.check(loaded.history)
            } catch {
                printError("\(error)")
                badInput = true
                continue
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            worst = max(worst, verdict.valid)
            // The text line is for a terminal: the file name escaped (JSON escapes it by itself).
            print(json ? Check.jsonLine(file: file, verdict: verdict, elapsedMs: elapsed, warnings: loaded.warnings)
                       : Check.textLine(file: InputText.escaped(file), verdict: verdict, elapsedMs: elapsed))
        }
        if badInput { throw ExitCode(ExitStatus.badInput) }
        if worst != .valid { throw ExitCode(ExitStatus.of(worst)) }
    }

    /// kv for get/put/append histories (Porcupine's kv), cas-register otherwise.
    static func guessModel(_ loaded: LoadedHistory) -> LinearizableChecker.ModelName {
        if loaded.format == .kv { return .kv }
        for op in loaded.history.ops.prefix(1000) where op.f == "append" || op.f == "get" || op.f == "put" { return .kv }
        return .casRegister
    }

    /// `--initial` as JSON when it parses, EDN `nil` as null, anything else as a string.
    static func parseInitial(_ text: String) -> JSONValue {
        if text == "nil" { return .null }
        if let v = try? JSONParser.parse(text) { return v }
        return .string(text)
    }

    static func textLine(file: String, verdict: Verdict, elapsedMs: Double) -> String {
        let word: String
        let lin = verdict.checker == "linearizable"
        switch verdict.valid {
        case .valid: word = lin ? "linearizable" : "valid"
        case .invalid: word = lin ? "NOT linearizable" : "INVALID"
        case .unknown: word = "unknown"
        }
        if !lin {
            let counts = verdict.counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            var line = "\(file)\t\(word)\t\(verdict.checker)\t\(String(format: "%.1f", elapsedMs)) ms\t\(counts)"
            if verdict.valid == .unknown, let err = verdict.error { line += "\t\(err)" }
            return line
        }
        var line = "\(file)\t\(word)\t\(verdict.counts["ops"] ?? 0) ops\t\(String(format: "%.1f", elapsedMs)) ms\t\(verdict.details["model"]?.stringValue ?? "")"
        if verdict.valid == .invalid, let e = verdict.examples["non-linearizable"]?.first?.objectValue, let op = e["op"]?.objectValue {
            let all = e["possible_states_before"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let states = all.prefix(3).joined(separator: ", ") + (all.count > 3 ? ", … \(all.count - 3) more" : "")
            line += "\tcannot linearize: process \(op["process"]?.stringValue ?? "?") \(op["f"]?.stringValue ?? "") \(op["value"]?.description ?? "") at \(op["at"]?.stringValue ?? "?") (state could be: \(states))"
        }
        if verdict.valid == .unknown, let err = verdict.error { line += "\t\(err)" }
        return line
    }

    static func jsonLine(file: String, verdict: Verdict, elapsedMs: Double, warnings: [String]) -> String {
        var o: [String: JSONValue] = [
            "file": .string(file), "valid": verdict.valid.json, "model": verdict.details["model"] ?? .string(verdict.checker),
            "checker": .string(verdict.checker), "examples": .object(verdict.examples.mapValues { .array($0) }),
            "ops": .int(verdict.counts["ops"] ?? 0), "elapsed_ms": .double((elapsedMs * 1000).rounded() / 1000),
            "counts": .object(verdict.counts.mapValues { .int($0) }),
            "evidence": .array(verdict.examples["non-linearizable"] ?? []),
        ]
        if let e = verdict.error { o["error"] = .string(e) }
        if !warnings.isEmpty { o["warnings"] = .array(warnings.map { .string($0) }) }
        return JSONValue.object(o).description
    }
}
