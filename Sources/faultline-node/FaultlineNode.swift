// faultline-node ROLE --config FILE: runs one built-in replicated component until SIGTERM.
import ArgumentParser
import Foundation
import Node

@main
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
            throw ValidationError("unknown role \(role); known: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
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
