// ProxyNetwork: every link proxy of a test, addressed by directed link, with bulk fault operations.
import History
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// ProxyNetwork owns the `LinkProxy`s of every directed link and spreads them over its event loops.
/// A link is usually one proxy; when a node dials several ports of a peer (Patroni: Postgres and the
/// REST API), the link A→B is one proxy per port, and every fault of the link applies to all of them.
public final class ProxyNetwork: Sendable {
    public let group: MultiThreadedEventLoopGroup
    private let links: NIOLockedValueBox<[LinkID: [LinkProxy]]>
    /// The test's seed: every link's drop and jitter randomness derives from it (`LinkRandom`).
    public let seed: UInt64

    /// - Parameters:
    ///   - threads: event loops for all proxies (a link always stays on one).
    ///   - seed: the test's seed, so that a re-run makes the same drop and jitter draws on each link.
    public init(threads: Int = System.coreCount, seed: UInt64 = 0) {
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        links = NIOLockedValueBox([:])
        self.seed = seed
    }

    /// Starts the proxy for `from`→`to` forwarding to 127.0.0.1:`targetPort`, listening on
    /// `listenHost:listenPort` (port 0 = any). A host other than 127.0.0.1 (another loopback address such
    /// as 127.1.1.2) lets every link to the same peer keep the peer's own port: see docs/own-system.md.
    @discardableResult
    public func addLink(from: String, to: String, targetPort: Int, listenHost: String = "127.0.0.1",
                        listenPort: Int = 0) async throws -> LinkProxy {
        let id = LinkID(from, to)
        let proxy = try await LinkProxy.start(id: id, listenHost: listenHost, listenPort: listenPort,
                                              targetPort: targetPort, seed: seed, on: group.next())
        links.withLockedValue { $0[id, default: []].append(proxy) }
        return proxy
    }

    /// The (first) proxy of link `from`→`to`.
    public func link(_ from: String, _ to: String) -> LinkProxy? { links.withLockedValue { $0[LinkID(from, to)]?.first } }
    /// Every proxy of link `id` (one per port the source dials on the target).
    public func proxies(_ id: LinkID) -> [LinkProxy] { links.withLockedValue { $0[id] ?? [] } }
    /// Every proxy, ordered by link and then by the order they were added.
    public var allLinks: [LinkProxy] {
        links.withLockedValue { $0.sorted { ($0.key.from, $0.key.to) < ($1.key.from, $1.key.to) }.flatMap(\.value) }
    }
    /// Every directed link (each once, however many proxies it has).
    public var linkIDs: [LinkID] {
        links.withLockedValue { Array($0.keys) }.sorted { ($0.from, $0.to) < ($1.from, $1.to) }
    }

    /// The addresses node `from` should use for each peer: peer name → "HOST:PORT" of its (first) outgoing proxy.
    public func peerAddresses(of from: String) -> [String: String] {
        var out: [String: String] = [:]
        for l in allLinks where l.id.from == from && out[l.id.to] == nil { out[l.id.to] = l.address }
        return out
    }

    /// Sets faults on the given links (all links when nil).
    public func set(_ faults: LinkFaults, on ids: [LinkID]? = nil) async {
        let targets = ids.map { ids in ids.flatMap { proxies($0) } } ?? allLinks
        for l in targets { await l.set(faults) }
    }

    /// Changes only the mode of the given links, keeping their other faults.
    public func setMode(_ mode: LinkMode, on ids: [LinkID]) async {
        for l in ids.flatMap({ proxies($0) }) {
            var f = l.faults
            f.mode = mode
            await l.set(f)
        }
    }

    /// Every link back to healthy.
    public func healAll() async { await set(.healthy) }

    /// Closes every proxy and stops the event loops.
    public func shutdown() async {
        for l in allLinks { await l.close() }
        try? await group.shutdownGracefully()
    }
}
