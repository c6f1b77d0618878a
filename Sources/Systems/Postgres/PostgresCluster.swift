// PostgresCluster: the nodes of one Postgres deployment and which of them is the published primary:
// what a virtual IP or a pgbouncer entry in front of the cluster says, moved only by a failover.
import Foundation

/// Clients send writes (and primary reads) to the published primary, not to whatever node claims to
/// be one: after a failover an old primary that comes back (restarted, or healed from a partition)
/// still runs read-write, and a real deployment keeps traffic away from it by moving its address.
/// Until a failover the published primary is node 1, the node the bootstrap made primary.
final class PostgresCluster: @unchecked Sendable {
    private let lock = NSLock()
    private var nodes: [String: SystemNode] = [:]
    private var published: String?
    /// Old primaries a failover replaced: not standbys, whatever they run as later.
    private var retired: Set<String> = []
    /// Bumped by every failover, so a client knows its primary connection points at a stale address.
    private(set) var epoch = 0
    /// Node 1 is the primary until a failover (the bootstrap made it so); under Patroni nothing is
    /// published until Patroni names a primary.
    private let startsWithFirstNode: Bool

    init(startsWithFirstNode: Bool = true) {
        self.startsWithFirstNode = startsWithFirstNode
    }

    /// Learns the PostgreSQL nodes among `ns` (under Patroni, the etcd members are not).
    func learn(_ ns: [SystemNode]) {
        lock.lock(); defer { lock.unlock() }
        for n in ns where n.kind == nil || n.kind == PatroniBootstrap.nodeKind { nodes[n.name] = n }
        if published == nil && epoch == 0 && startsWithFirstNode { published = Self.ordered(Array(nodes.keys)).first }
    }

    func node(_ name: String) -> SystemNode? {
        lock.lock(); defer { lock.unlock() }
        return nodes[name]
    }

    /// Node names in node-number order (`store-2` before `store-10`).
    var names: [String] {
        lock.lock(); defer { lock.unlock() }
        return Self.ordered(Array(nodes.keys))
    }

    var primary: (name: String, epoch: Int)? {
        lock.lock(); defer { lock.unlock() }
        return published.map { ($0, epoch) }
    }

    func publish(_ name: String) {
        lock.lock(); defer { lock.unlock() }
        if let old = published, old != name { retired.insert(old) }
        retired.remove(name)
        published = name
        epoch += 1
    }

    /// No primary is published any more (Patroni says `name` is not the primary and names none): clients
    /// get no connection to the primary, as behind a load balancer whose health check took it out.
    func unpublish(_ name: String) {
        lock.lock(); defer { lock.unlock() }
        guard published == name else { return }
        retired.insert(name)
        published = nil
        epoch += 1
    }

    /// The standby pool readers use (`reads: standbys`): every node but the published primary and the
    /// old primaries a failover replaced, in node order.
    var standbys: [String] {
        lock.lock(); defer { lock.unlock() }
        return Self.ordered(nodes.keys.filter { $0 != published && !retired.contains($0) })
    }

    static func number(_ name: String) -> Int { Int(name.split(separator: "-").last ?? "") ?? 0 }

    static func ordered(_ names: [String]) -> [String] {
        names.sorted { (number($0), $0) < (number($1), $1) }
    }

    /// The replication slot a standby uses on its primary: its name in the characters slots allow.
    static func slot(_ name: String) -> String {
        String(name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }
}
