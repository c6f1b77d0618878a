// faultline-node ROLE --config FILE: runs one built-in replicated component until SIGTERM.
import ArgumentParser
import Foundation
import Node

struct FaultlineNode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faultline-node",
        abstract: "Run one built-in Faultline component (\(roleNames)).")

    /// From the one role table (Contracts.Role), so a new role shows up here by itself.
    static let roleNames = Role.allCases.map(\.rawValue).joined(separator: ", ")

    @Argument(help: ArgumentHelp("The role: \(FaultlineNode.roleNames)."))
    var role: String

    @Option(help: "The node's JSON config file (written by the controller).")
    var config: String

    func validate() throws {
        guard Role(rawValue: role) != nil else {
            throw ValidationError("unknown role '\(role)'; known: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        let cfg: NodeConfig
        do { cfg = try NodeConfig.load(path: config) } catch {
            FileHandle.standardError.write(Data("faultline-node: \(error)\n".utf8))
            throw ExitCode(2)
        }
        guard cfg.role.rawValue == role else {
            FileHandle.standardError.write(Data("faultline-node: \(config): field role: is \(cfg.role.rawValue), but ROLE is \(role)\n".utf8))
            throw ExitCode(2)
        }
        try await NodeRunner.run(cfg)
    }
}

@main
enum NodeMain {
    /// Parses and runs; a usage error (unknown role, missing or unknown flag) is one line and exit 2, like
    /// every bad input, not ArgumentParser's usage block and exit 64.
    static func main() async {
        do {
            var command = try FaultlineNode.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if FaultlineNode.exitCode(for: error) == .validationFailure {
                let message = FaultlineNode.message(for: error).split(separator: "\n").joined(separator: "; ")
                // Escaped: the role and flags come from a command line that may hold control characters.
                let safe = message.unicodeScalars.map { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
                FileHandle.standardError.write(Data("faultline-node: \(safe)\n".utf8))
                exit(2)
            }
            FaultlineNode.exit(withError: error)
        }
    }
}
