// LinkProxy: the TCP proxy of one directed link on 127.0.0.1, whose faults can change at any moment.
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// LinkProxy listens on 127.0.0.1 and forwards every accepted connection to the target port,
/// through a pair of `LinkGlueHandler`s on the link's own event loop.
public final class LinkProxy: Sendable {
    public let id: LinkID
    /// The port the `from` node dials to reach `to`.
    public let listenPort: Int
    /// The loopback address the proxy listens on (127.0.0.1 unless a node needs one address per link).
    public let listenHost: String
    public let targetHost: String
    public let targetPort: Int
    private let state: LinkState
    private let server: Channel
    private let current: NIOLockedValueBox<LinkFaults>

    /// Binds the proxy on `listenHost:listenPort` (0 = any free port) on `loop`.
    /// `seed` is the test's: the link's drop and jitter draws derive from it and the link's name.
    public static func start(id: LinkID, listenHost: String = "127.0.0.1", listenPort: Int, targetHost: String = "127.0.0.1", targetPort: Int,
                             seed: UInt64 = 0, on loop: EventLoop) async throws -> LinkProxy {
        let state = LinkState(id: id, loop: loop, random: LinkRandom(seed: seed, link: id))
        let server = try await ServerBootstrap(group: loop)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.recvAllocator, value: LinkProxy.recvAllocator)
            .childChannelOption(ChannelOptions.writeBufferWaterMark, value: LinkProxy.waterMark)
            .childChannelInitializer { inbound in
                Self.accept(inbound, state: state, host: targetHost, port: targetPort)
            }
            .bind(host: listenHost, port: listenPort).get()
        let port = server.localAddress?.port ?? listenPort
        return LinkProxy(id: id, listenHost: listenHost, listenPort: port, targetHost: targetHost, targetPort: targetPort, state: state, server: server)
    }

    private init(id: LinkID, listenHost: String, listenPort: Int, targetHost: String, targetPort: Int, state: LinkState,
                 server: Channel) {
        self.id = id
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.targetHost = targetHost
        self.targetPort = targetPort
        self.state = state
        self.server = server
        self.current = NIOLockedValueBox(.healthy)
    }

    /// "HOST:PORT": the address the `from` node is given for its peer `to`.
    public var address: String { "\(listenHost):\(listenPort)" }

    /// The faults now in force.
    public var faults: LinkFaults { current.withLockedValue { $0 } }

    /// Sets the link's faults; they apply to open connections as well as new ones.
    public func set(_ faults: LinkFaults) async {
        current.withLockedValue { $0 = faults }
        let state = self.state
        try? await state.loop.submit { state.apply(faults) }.get()
    }

    /// Open proxied connections (each counted once).
    public func openConnections() async -> Int {
        let state = self.state
        return (try? await state.loop.submit { state.openHandlers / 2 }.get()) ?? 0
    }

    /// Connections accepted so far, over the link's life (faulty ones included).
    public func acceptedConnections() async -> Int {
        let state = self.state
        return (try? await state.loop.submit { state.accepted }.get()) ?? 0
    }

    /// Stops listening and closes every open connection.
    public func close() async {
        try? await server.close()
        let state = self.state
        try? await state.loop.submit { state.apply(.reset) }.get()
    }

    /// Never below 4 KiB, so a small request or response is one read (a shrunken buffer would split it in
    /// two syscalls); bulk transfers grow to 256 KiB per read.
    static let recvAllocator = AdaptiveRecvByteBufferAllocator(minimum: 4096, initial: 8192, maximum: 256 * 1024)

    /// Room for a few big reads before the reading side is paused (NIO's default high mark is 64 KiB).
    static let waterMark = ChannelOptions.Types.WriteBufferWaterMark(low: 256 * 1024, high: 1024 * 1024)

    private static func accept(_ inbound: Channel, state: LinkState, host: String, port: Int) -> EventLoopFuture<Void> {
        state.accepted += 1
        let f = state.faults
        if f.mode == .reset || (f.dropProbability > 0 && state.random.drop(f.dropProbability)) {
            LinkGlueHandler.resetClose(inbound)
            return inbound.eventLoop.makeSucceededVoidFuture()
        }
        let fromSide = LinkGlueHandler(link: state, direction: 0)
        let toSide = LinkGlueHandler(link: state, direction: 1)
        do {
            try inbound.pipeline.syncOperations.addHandler(fromSide)
        } catch {
            return inbound.eventLoop.makeFailedFuture(error)
        }
        // The upstream lives on the same loop as the inbound side: the pair needs no locks.
        ClientBootstrap(group: inbound.eventLoop)
            .channelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .channelOption(ChannelOptions.recvAllocator, value: LinkProxy.recvAllocator)
            .channelOption(ChannelOptions.writeBufferWaterMark, value: LinkProxy.waterMark)
            .connectTimeout(.seconds(5))
            .channelInitializer { out in
                out.eventLoop.makeCompletedFuture { try out.pipeline.syncOperations.addHandler(toSide) }
            }
            .connect(host: host, port: port)
            .whenComplete { result in
                switch result {
                case .success:
                    toSide.attach(fromSide)
                    fromSide.attach(toSide)
                case .failure:
                    // The target is down: the dialer sees its connection reset, as with a dead host's RST.
                    LinkGlueHandler.resetClose(inbound)
                }
            }
        return inbound.eventLoop.makeSucceededVoidFuture()
    }
}
