// EtcdSystem: etcd 3.4 (Debian etcd-server) as a system under test: register and set workloads over its
// v3 JSON gateway, its leader from its maintenance API, and a bootstrap from `system: etcd`.
import Contracts
import History
import Nemesis

public struct EtcdSystem: System {
    public init() {}

    public var name: String { "etcd" }

    public func operations(workload: String, role: Role?) -> [String]? {
        switch workload {
        case "register": return ["read", "write", "cas"]
        case "set": return ["add", "read", "final-read"]
        default: return nil
        }
    }

    /// `serializable: true` reads from the member's own state (stale reads possible); false (the
    /// default) reads through the leader (linearizable).
    public var clientSettings: [String] { ["serializable"] }

    public func checkClientSettings(_ settings: [String: JSONValue]) -> SettingsError? {
        if let v = settings["serializable"], v.boolValue == nil {
            return SettingsError(field: "serializable", message: "expected true or false")
        }
        return nil
    }

    public func adapter(_ context: AdapterContext) -> any SystemAdapter {
        EtcdAdapter(transport: HTTPTransport(connections: context.concurrency, timeout: context.opTimeout),
                    serializable: context.settings["serializable"]?.boolValue ?? false)
    }

    public var bootstrap: (any SystemBootstrap)? { EtcdBootstrap() }
}

struct EtcdAdapter: SystemAdapter {
    let transport: HTTPTransport
    let serializable: Bool

    /// The gateway is HTTP with keep-alive connections from the adapter's pool: opening sends nothing.
    func open(_ node: SystemNode, process: Int) async throws -> any SystemClient {
        EtcdClient(transport: transport, baseURL: "http://\(node.host):\(node.port)", serializable: serializable)
    }

    func leaderDiscovery(_ nodes: [SystemNode]) -> any LeaderDiscovery {
        EtcdLeaderDiscovery(clientURLs: Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, "http://\($0.host):\($0.port)") }))
    }

    func shutdown() async { await transport.shutdown() }
}
