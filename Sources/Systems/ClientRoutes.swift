// ClientRoutes: how a workload client reaches an address some node handed out, through the controller's
// client proxies (the `clients`→node links) and never around them.

/// An address a node handed out that no client proxy reaches: using it would bypass the proxies, so
/// the client does not connect (nothing was sent).
public struct UnroutedAddress: Error, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var description: String {
        "\(host):\(port) is not a node port with a client proxy; not connecting around the proxies"
    }
}

extension SystemNode {
    /// The address this node's client uses for `host:port`, an address a node of the run listens on (as
    /// Kafka's Metadata, Sentinel or a published primary names it: `127.x.x.x`, `localhost` or
    /// `<node>.faultline`, with the node's real port). With no routes (clients connect directly) it is
    /// the address itself; otherwise the proxy's, or `UnroutedAddress` when the port has none.
    public func clientAddress(host: String, port: Int) throws -> (host: String, port: Int) {
        if clientRoutes.isEmpty { return (host, port) }
        let local = host.hasPrefix("127.") || host == "localhost" || host.hasSuffix(".faultline")
        guard local, let p = clientRoutes[port] else { throw UnroutedAddress(host: host, port: port) }
        return ("127.0.0.1", p)
    }

    /// The address this node's client uses for `other` as leader discovery sees it (its real port).
    public func clientAddress(of other: SystemNode) throws -> (host: String, port: Int) {
        try clientAddress(host: other.host, port: other.port)
    }
}
