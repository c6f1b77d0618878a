// BuiltinSystem: Faultline's own components (faultline-node roles) as a system under test: their HTTP
// APIs (docs/nodes.md) and their GET /status leader.
import Contracts
import History
import Nemesis

/// The built-in components. A `role:` component is placed and started by the controller from the role
/// table (Contracts.Role); the `command:` form may also name `client: builtin` for a process that speaks
/// the built-in store or broker API.
public struct BuiltinSystem: System {
    public init() {}

    public var name: String { "builtin" }

    public func operations(workload: String, role: Role?) -> [String]? {
        switch (workload, role) {
        case ("pipeline", _): return ["ingest", "query", "count", "warehouse-count", "final-read"]
        case ("register", nil), ("register", .store?), ("register", .warehouse?): return ["read", "write", "cas"]
        case ("set", nil), ("set", .store?), ("set", .warehouse?): return ["add", "read", "final-read"]
        case ("log", nil), ("log", .broker?): return ["produce", "poll", "drain"]
        default: return nil
        }
    }

    public var clientSettings: [String] { [] }
    public func checkClientSettings(_ settings: [String: JSONValue]) -> SettingsError? { nil }

    public func adapter(_ context: AdapterContext) -> any SystemAdapter {
        BuiltinAdapter(transport: HTTPTransport(connections: context.concurrency, timeout: context.opTimeout),
                       workload: context.workload, role: context.role,
                       backends: (context.settings["backends"]?.objectValue ?? [:]).compactMapValues(\.stringValue))
    }

    /// Built-in components are started from their role, not from a `system:` block.
    public var bootstrap: (any SystemBootstrap)? { nil }
}

/// Picks the client of a node by the workload and the node's role; one keep-alive HTTP pool for all.
struct BuiltinAdapter: SystemAdapter {
    let transport: HTTPTransport
    let workload: String
    let role: Role?
    /// Pipeline workloads: component → kind of the real systems standing in for a stage ("postgres", …).
    var backends: [String: String] = [:]

    func open(_ node: SystemNode, process: Int) async throws -> any SystemClient {
        let url = "http://\(node.host):\(node.port)"
        if workload == "pipeline" {
            // A node's component is its name without the "-<i>" suffix.
            let component = node.name.split(separator: "-").dropLast().joined(separator: "-")
            return PipelineClient(transport: transport, baseURL: url, host: node.host, port: node.port,
                                  kind: backends[component] ?? "builtin")
        }
        if workload == "log" { return BrokerClient(transport: transport, baseURL: url) }
        if (node.role ?? role) == .warehouse { return WarehouseClient(transport: transport, baseURL: url) }
        return StoreClient(transport: transport, baseURL: url)
    }

    func leaderDiscovery(_ nodes: [SystemNode]) -> any LeaderDiscovery {
        StatusLeaderDiscovery(statusURLs: Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, "http://\($0.host):\($0.port)/status") }))
    }

    func shutdown() async { await transport.shutdown() }
}
