import ArgumentParser
import Checker
import Controller
import Foundation
import InputFiles

/// The `faultline` command: a root listing the subcommands, one file per subcommand.
struct Faultline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faultline",
        abstract: "Fault-injection testing for data pipelines: run tests, check histories, report.",
        discussion: """
            Exit status: 0 valid, 1 an anomaly found, 2 bad input or usage, 3 verdict unknown,
            4 the system under test could not be started, 5 (campaign) only harness failures, 130 interrupted.
            """,
        version: faultlineVersion,
        subcommands: [Run.self, Campaign.self, Demo.self, Analyze.self, ReportCommand.self, Serve.self, Check.self, Synth.self,
                      Archive.self]
    )
}

/// The exit status of every subcommand: the one place that chooses them. The libraries return outcomes
/// (`Validity`, `RunOutcome`, `RunEnding`) or throw errors (`InputError`, `CannotStartError`); only
/// this executable turns them into a number (docs/design.md "Commands").
///
/// | code | meaning                                                                 |
/// |------|-------------------------------------------------------------------------|
/// | 0    | valid (every checker valid; campaign: every expectation held)           |
/// | 1    | an anomaly found (some checker invalid; campaign: an expectation failed) |
/// | 2    | bad input or usage (one line on stderr names the file, line and field)  |
/// | 3    | verdict unknown (some checker could not decide, none found an anomaly)  |
/// | 4    | the system under test could not be started, or the run not recorded     |
/// | 5    | campaign: every failed cell was a harness failure (no verdict on it)    |
/// | 130  | interrupted (SIGINT/SIGTERM); what was recorded was still checked       |
enum ExitStatus {
    static let valid: Int32 = 0
    static let anomaly: Int32 = 1
    static let badInput: Int32 = 2
    static let unknown: Int32 = 3
    static let cannotStart: Int32 = 4
    /// A campaign whose every failed cell was the harness's (could not start, bad input, interrupted,
    /// no verdict): nothing was learnt about the system, which is not the same as "it failed" (1).
    static let harnessOnly: Int32 = 5
    static let interrupted: Int32 = 130

    /// The status of a verdict.
    static func of(_ validity: Validity) -> Int32 {
        switch validity {
        case .valid: return valid
        case .invalid: return anomaly
        case .unknown: return unknown
        }
    }

    /// The status of a finished `faultline run`.
    static func of(_ outcome: RunOutcome) -> Int32 {
        switch outcome {
        case .checked(_, let results): return of(results.valid)
        case .interrupted: return interrupted
        }
    }
}

/// Prints an error to stderr, prefixed with the program name: each line escaped (input may hold control
/// characters and terminal escapes) and capped in length.
func printError(_ message: String) {
    FileHandle.standardError.write(Data(InputText.lines("faultline: \(message)").appending("\n").utf8))
}

@main
enum Main {
    /// Parses and runs, mapping usage errors to exit 2 (ArgumentParser's default is 64) with one line.
    static func main() async {
        do {
            var command = try Faultline.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if Faultline.exitCode(for: error) == .validationFailure {
                printError(usageLine(for: error))
                exit(ExitStatus.badInput)
            }
            Faultline.exit(withError: error)
        }
    }

    /// A usage error as one line: ArgumentParser's message (a bad value, an unknown flag, a failed range
    /// check) and where to find help, without the usage block and the option's help text it prints by
    /// default: a script reading stderr gets one line per problem, as for a bad input file.
    static func usageLine(for error: Error) -> String {
        let message = Faultline.message(for: error)
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .joined(separator: "; ")
        // The "See 'faultline check --help' for more information." line names the subcommand that failed.
        let help = Faultline.fullMessage(for: error).split(separator: "\n")
            .first { $0.contains("See '") }
            .flatMap { line in line.split(separator: "'", omittingEmptySubsequences: false).dropFirst().first }
        return (message.isEmpty ? "invalid usage" : message) + (help.map { " (see '\($0)')" } ?? "")
    }
}
