// RedisNodeBook: the nodes of one Redis deployment by name, so an address Redis reports (a replica's
// master, Sentinel's primary) can be turned back into a node clients reach on 127.0.0.1.
import Foundation

/// Redis and Sentinel name nodes the way the bootstrap told them to: `<node>.faultline` (each node
/// resolves that through its own proxies, docs/systems.md), or `127.0.0.1:PORT` when a node reports
/// a socket address. Clients never use those addresses: they run outside the nodes' namespaces and
/// reach a node on 127.0.0.1 through its client proxy (`SystemNode.clientAddress`). The book holds
/// the nodes' real ports: it is filled from every node `leaderDiscovery` is given (the controller hands
/// all of them over before clients start), and from a node `open` is given only when it has no proxy.
final class RedisNodeBook: @unchecked Sendable {
    static let hostSuffix = ".faultline"
    private let lock = NSLock()
    private var nodes: [String: SystemNode] = [:]

    func learn(_ ns: [SystemNode]) {
        lock.lock(); defer { lock.unlock() }
        for n in ns { nodes[n.name] = n }
    }

    /// The node Redis calls `host:port`, or nil when it is none Faultline started.
    func node(host: String, port: Int) -> SystemNode? {
        lock.lock(); defer { lock.unlock() }
        if host.hasSuffix(Self.hostSuffix) { return nodes[String(host.dropLast(Self.hostSuffix.count))] }
        if host.hasPrefix("127.") { return nodes.values.first { $0.port == port } }
        return nil
    }
}
