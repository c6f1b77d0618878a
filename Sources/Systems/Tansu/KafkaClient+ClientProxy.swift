// KafkaClient+ClientProxy: a workload client's connection to a broker, through the controller's client
// proxy, with every broker address Kafka hands out (FindCoordinator, Metadata) mapped to that broker's
// proxy too.
import KafkaProtocol
import NIOCore

extension KafkaClient {
    /// Connects to `node` (its `port` is its client proxy's when it has one). Brokers advertise
    /// `127.0.0.1:<client port>` (TansuBootstrap); an advertised address is dialed through
    /// `SystemNode.clientAddress`, and one with no client proxy is refused (not sent) rather than
    /// dialed around the proxies.
    static func connect(to node: SystemNode, clientId: String, requestTimeout: TimeAmount) async throws -> KafkaClient {
        var router: KafkaClient.Router?
        if !node.clientRoutes.isEmpty {
            router = { (host: String, port: Int) -> (host: String, port: Int)? in
                try? node.clientAddress(host: host, port: port)
            }
        }
        return try await connect(host: node.host, port: node.port, clientId: clientId, requestTimeout: requestTimeout, router: router)
    }
}
