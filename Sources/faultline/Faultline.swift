import ArgumentParser
import Foundation

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

/// Exit codes shared by every subcommand (docs/design.md "Commands").
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
}

/// Prints a one-line error to stderr, prefixed with the program name.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("faultline: \(message)\n".utf8))
}

@main
enum Main {
    /// Parses and runs, mapping usage errors to exit 2 (ArgumentParser's default is 64).
    static func main() async {
        do {
            var command = try Faultline.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = Faultline.exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((Faultline.fullMessage(for: error) + "\n").utf8))
                exit(ExitStatus.badInput)
            }
            Faultline.exit(withError: error)
        }
    }
}
