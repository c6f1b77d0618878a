// ClientProxies: one link proxy from the controller's workload clients to every port of each client
// node, so the nemesis can cut, delay or reset the clients' way to one node as it does a node's links.
import Net
import Systems

/// Every workload op goes through a proxy (`clients`→node, LinkID.clients): always on, whatever the
/// nemesis, so a run with client faults and one without measure the same path (the proxy's cost:
/// docs/controller.md "Client proxies"). A client node with several ports (SeaweedFS: s3 and grpc) gets
/// one proxy per port, and every fault of the link applies to all of them.
enum ClientProxies {
    /// Starts the proxies and returns, per client node, the node the adapters open: its ports replaced
    /// by its proxies' and `clientRoutes` naming the proxy of every port of every client node (for the
    /// addresses a node hands out: Kafka brokers, Sentinel's primary).
    static func start(_ nodes: [ResolvedNode], net: ProxyNetwork) async throws -> [String: SystemNode] {
        var routes: [Int: Int] = [:]
        let clientNodes = nodes.filter(\.isClientNode)
        for n in clientNodes {
            for (_, port) in n.systemNode.ports.sorted(by: { $0.key < $1.key }) where routes[port] == nil {
                let proxy = try await net.addLink(from: LinkID.clients, to: n.name, targetPort: port)
                routes[port] = proxy.listenPort
            }
        }
        var out: [String: SystemNode] = [:]
        for n in clientNodes {
            var s = n.systemNode
            s.port = routes[s.port] ?? s.port
            s.ports = s.ports.mapValues { routes[$0] ?? $0 }
            s.clientRoutes = routes
            out[n.name] = s
        }
        return out
    }
}
