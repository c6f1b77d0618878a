import NIOCore
import NIOPosix

/// One TCP connection to one Redis server: the lifetime of one logical client of a test (Jepsen's
/// open!/close!). WAIT counts only this connection's writes, which is why a client keeps its own.
public final class RedisConnection: Sendable {
    public let host: String
    public let port: Int
    private let channel: Channel

    private init(host: String, port: Int, channel: Channel) {
        self.host = host
        self.port = port
        self.channel = channel
    }

    /// Connects, failing with `RedisError.notSent` when the server cannot be reached (nothing was sent).
    public static func connect(host: String = "127.0.0.1", port: Int, timeout: TimeAmount = .seconds(2),
                               group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> RedisConnection {
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(RESPReplyDecoder()))
                    try channel.pipeline.syncOperations.addHandler(RESPCommandHandler())
                }
            }
        do {
            let channel = try await bootstrap.connect(host: host, port: port).get()
            return RedisConnection(host: host, port: port, channel: channel)
        } catch {
            throw RedisError.notSent("cannot connect to \(host):\(port): \(error)")
        }
    }

    public var isOpen: Bool { channel.isActive }

    /// Sends one command and waits for its reply. Past `timeout` every command in flight on this connection
    /// is given up (outcome unknown) and the connection is closed.
    public func send(_ arguments: [String], timeout: TimeAmount = .seconds(5)) async throws -> RESPValue {
        try await send(bytes: arguments.map { Array($0.utf8) }, timeout: timeout)
    }

    public func send(bytes arguments: [[UInt8]], timeout: TimeAmount = .seconds(5)) async throws -> RESPValue {
        guard channel.isActive else { throw RedisError.notSent("connection to \(host):\(port) is closed") }
        let reply = channel.eventLoop.makePromise(of: RESPValue.self)
        let channel = self.channel
        let timer = channel.eventLoop.scheduleTask(in: timeout) {
            channel.pipeline.fireUserInboundEventTriggered(RESPTimeoutEvent(reason: "no reply within \(timeout)"))
        }
        // A write that never reaches the socket (channel already closed) did nothing; the handler fails
        // the reply itself in every other case, and a second completion of a promise is ignored.
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenFailure { error in
            if let redisError = error as? RedisError {
                reply.fail(redisError)
            } else if let channelError = error as? ChannelError, channelError == .ioOnClosedChannel {
                reply.fail(RedisError.notSent("connection closed before the write"))
            } else {
                reply.fail(RedisError.outcomeUnknown("write failed: \(error)"))
            }
        }
        channel.writeAndFlush(RESPCommand(arguments: arguments, reply: reply), promise: written)
        defer { timer.cancel() }
        return try await reply.futureResult.get()
    }

    public func close() async {
        try? await channel.close().get()
    }
}
