// EtcdBootstrap: `system: etcd` → the member processes of a new cluster, their health URL and stop signal.
import Contracts
import Foundation
import History

/// A `system: etcd` block starts `nodes` members of a new cluster, every peer link through Faultline's
/// proxies. Members name each other `<node>.faultline:PEERPORT` (etcd hashes the peer URLs into member
/// ids, so every member must be given the same strings; the controller's per-node /etc/hosts routes each
/// name to this member's own proxy to that peer). Settings: `heartbeat_ms` (default 100) and
/// `election_timeout_ms` (default 1000), etcd's `--heartbeat-interval` and `--election-timeout`.
struct EtcdBootstrap: SystemBootstrap {
    var settingNames: [String] { ["heartbeat_ms", "election_timeout_ms"] }

    func plan(_ block: SystemBlock) throws -> BootstrapPlan {
        func int(_ k: String, _ range: ClosedRange<Int>, _ dflt: Int) throws -> Int {
            guard let v = block.settings[k] else { return dflt }
            guard let i = v.intValue, range.contains(i) else {
                throw SettingsError(field: k, message: "must be an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return i
        }
        let heartbeat = try int("heartbeat_ms", 10...10_000, 100)
        let election = try int("election_timeout_ms", 50...60_000, 1000)
        // etcd refuses to start otherwise; say so here, with the pipeline file's line.
        guard election >= 5 * heartbeat else {
            throw SettingsError(field: "election_timeout_ms", message: "must be at least 5 × heartbeat_ms (etcd's rule)")
        }
        let member = ProcessKind(
            name: "member", count: block.nodes, command: "etcd",
            args: [
                "--name={name}",
                "--data-dir={data_dir}",
                "--listen-client-urls=http://127.0.0.1:{port:client}",
                "--advertise-client-urls=http://127.0.0.1:{port:client}",
                "--listen-peer-urls=http://127.0.0.1:{port:peer}",
                "--initial-advertise-peer-urls=http://{host}:{port:peer}",
                "--initial-cluster={cluster}",
                "--initial-cluster-state=new",
                "--initial-cluster-token=faultline",
                "--heartbeat-interval=\(heartbeat)",
                "--election-timeout=\(election)",
                "--logger=zap",
                "--log-outputs=stderr",
            ],
            ports: ["client", "peer"], clientPort: "client", peerPort: "peer",
            health: .url("http://127.0.0.1:{port:client}/health"),
            // SIGTERM makes a leader try a leadership transfer first (7 s when its peers are gone): 3 s
            // is enough for a healthy cluster, then SIGKILL. Crash faults always use SIGKILL.
            stopSignal: SIGTERM, stopGrace: 3)
        return BootstrapPlan(processes: [member])
    }
}
