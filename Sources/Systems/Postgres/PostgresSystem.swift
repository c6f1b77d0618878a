// PostgresSystem: PostgreSQL 15 (Debian postgresql) as a system under test: register and set workloads
// over postgres-nio, the primary = the node not in recovery, `failover: promote` as the nemesis'
// failover, and a bootstrap from `system: postgres`.
import Contracts
import History
import Nemesis

public struct PostgresSystem: System {
    public init() {}

    public var name: String { "postgres" }

    public func operations(workload: String, role: Role?) -> [String]? {
        switch workload {
        case "register": return ["read", "write", "cas"]
        case "set": return ["add", "read", "final-read"]
        default: return nil
        }
    }

    /// `reads: primary | standbys | any` and `failover: none | promote | patroni` (both the client
    /// side's: the orchestrator runs in the harness, next to the clients).
    public var clientSettings: [String] { ["reads", "failover"] }

    public func checkClientSettings(_ settings: [String: JSONValue]) -> SettingsError? {
        if let r = settings["reads"], !["primary", "standbys", "any"].contains(r.stringValue ?? "") {
            return SettingsError(field: "reads", message: "expected primary, standbys or any")
        }
        if let f = settings["failover"] {
            switch f.stringValue {
            case "none", "promote", "patroni": break
            default:
                return SettingsError(field: "failover", message: "expected none, promote or patroni")
            }
        }
        return nil
    }

    public func adapter(_ context: AdapterContext) -> any SystemAdapter {
        let reads = PostgresClientSettings.Reads(rawValue: context.settings["reads"]?.stringValue ?? "primary") ?? .primary
        let failover = context.settings["failover"]?.stringValue
        let cluster = PostgresCluster(startsWithFirstNode: failover != "patroni")
        return PostgresAdapter(settings: PostgresClientSettings(reads: reads, opTimeout: context.opTimeout),
                               promotes: failover == "promote", cluster: cluster,
                               patroni: failover == "patroni" ? PatroniWatch(cluster: cluster) : nil)
    }

    public var bootstrap: (any SystemBootstrap)? { PostgresBootstrap() }
}

struct PostgresAdapter: SystemAdapter {
    let settings: PostgresClientSettings
    let promotes: Bool
    let cluster: PostgresCluster
    /// `failover: patroni`: the published primary follows Patroni's (its REST API), polled from the
    /// first leader discovery (after the nodes are up) to the adapter's shutdown.
    let patroni: PatroniWatch?

    /// A client bound to `node`. It connects when an op needs a node (its own, the published primary
    /// or a standby, by `reads`): a process bound to a paused or dead node still reaches the new
    /// primary after a failover. A connection not made is an op not sent: `fail`.
    func open(_ node: SystemNode, process: Int) async throws -> any SystemClient {
        // Behind a client proxy the node carries the proxy's port; the cluster keeps the real one.
        if node.clientRoutes.isEmpty { cluster.learn([node]) }
        return PostgresClient(node: node, cluster: cluster, settings: settings)
    }

    func leaderDiscovery(_ nodes: [SystemNode]) -> any LeaderDiscovery {
        cluster.learn(nodes)
        if let patroni {
            patroni.start()
            return PatroniLeaderDiscovery(watch: patroni)
        }
        return PostgresLeaderDiscovery(cluster: cluster)
    }

    /// `failover: promote` only: Patroni fails over by itself, and a `failover` fault does not apply.
    func failover(_ nodes: [SystemNode]) -> (any FailoverControl)? {
        cluster.learn(nodes)
        return promotes ? PostgresFailover(cluster: cluster) : nil
    }

    /// Connections belong to the clients; the event loop group is postgres-nio's shared singleton.
    func shutdown() async { patroni?.stop() }
}
