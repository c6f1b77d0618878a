// Connection: one TCP connection to a broker on swift-nio; pipelined requests matched by correlation id.
import NIOCore
import NIOPosix

/// Splits the inbound byte stream into size-prefixed frames (the size itself is dropped).
final class FrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let size = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return .needMoreData }
        // A response holds at least its correlation id; anything past the cap is a corrupt stream.
        guard size >= 4, Int(size) <= Frame.maxSize else {
            throw WireError.invalid(field: "frame size", offset: 0, reason: "\(size) is outside 4...\(Frame.maxSize)")
        }
        guard buffer.readableBytes >= 4 + Int(size) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        context.fireChannelRead(wrapInboundOut(buffer.readSlice(length: Int(size))!))
        return .continue
    }
}

/// ResponseRouter completes each outstanding request with the frame carrying its correlation id.
/// It lives on the channel's event loop and is touched only there (hence `@unchecked Sendable`).
final class ResponseRouter: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    struct Pending {
        let promise: EventLoopPromise<[UInt8]>
        var timeout: Scheduled<Void>?
    }

    var pending: [Int32: Pending] = [:]
    var nextCorrelationId: Int32 = 1
    /// Why the connection is unusable, once it is.
    var closedReason: String?
    /// Requests whose bytes were handed to the socket (for tests that need a request on the wire).
    var written = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var frame = unwrapInboundIn(data)
        guard let id = frame.readInteger(as: Int32.self) else { return }
        // No entry: the request already timed out, so its late answer has nobody to go to.
        guard let p = pending.removeValue(forKey: id) else { return }
        p.timeout?.cancel()
        p.promise.succeed(frame.readBytes(length: frame.readableBytes) ?? [])
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(reason: closedReason ?? "connection closed")
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if closedReason == nil { closedReason = "connection error: \(error)" }
        context.close(promise: nil)
    }

    /// Requests already written may have been applied: they end as outcome unknown.
    func failAll(reason: String) {
        if closedReason == nil { closedReason = reason }
        let all = pending
        pending = [:]
        for (_, p) in all {
            p.timeout?.cancel()
            p.promise.fail(KafkaClientError.outcomeUnknown("\(reason) before the response arrived"))
        }
    }
}

/// KafkaConnection is one broker connection. Requests are pipelined; each completes with its own
/// response, a `.outcomeUnknown` (timeout or connection lost after it was written: it may have been
/// applied) or a `.notSent` (the connection was refused or already closed: it certainly was not).
public final class KafkaConnection: Sendable {
    public let host: String
    public let port: Int
    public let clientId: String?
    public let requestTimeout: TimeAmount
    let channel: Channel
    let router: ResponseRouter

    init(host: String, port: Int, clientId: String?, requestTimeout: TimeAmount, channel: Channel, router: ResponseRouter) {
        self.host = host; self.port = port; self.clientId = clientId; self.requestTimeout = requestTimeout
        self.channel = channel; self.router = router
    }

    /// Connects to `host:port`; a refused or timed-out connect throws `.notSent`.
    public static func connect(host: String, port: Int, clientId: String? = "faultline",
                               requestTimeout: TimeAmount = .seconds(10), connectTimeout: TimeAmount = .seconds(5),
                               group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> KafkaConnection {
        let router = ResponseRouter()
        let channel: Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(connectTimeout)
                .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { ch in
                    ch.eventLoop.makeCompletedFuture {
                        try ch.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder()))
                        try ch.pipeline.syncOperations.addHandler(router)
                    }
                }
                .connect(host: host, port: port).get()
        } catch {
            throw KafkaClientError.notSent("connect to \(host):\(port) failed: \(error)")
        }
        return KafkaConnection(host: host, port: port, clientId: clientId, requestTimeout: requestTimeout, channel: channel, router: router)
    }

    public var isActive: Bool { channel.isActive }

    /// Sends `request` and waits for its response (at most `timeout`, else the connection's default).
    public func send<R: KafkaRequest>(_ request: R, timeout: TimeAmount? = nil) async throws -> R.Response {
        precondition(request.expectsResponse, "use sendWithoutResponse for requests the broker does not answer")
        let body = try await exchange(Frame.request(request, correlationId: 0, clientId: clientId), timeout: timeout ?? requestTimeout, await: true)
        var r = WireReader(body)
        do {
            if R.responseHeaderIsFlexible { _ = try r.tagged("response header tagged fields") }
            let response = try R.Response(from: &r)
            try r.expectEnd()
            return response
        } catch let e as WireError {
            throw KafkaClientError.malformedResponse("\(R.apiKey) v\(R.apiVersion): \(e)")
        }
    }

    /// Writes a request the broker does not answer (produce with acks=0); returns once it is flushed.
    /// Even then the broker may not have applied it: there is no acknowledgement to wait for.
    public func sendWithoutResponse<R: KafkaRequest>(_ request: R) async throws {
        _ = try await exchange(Frame.request(request, correlationId: 0, clientId: clientId), timeout: requestTimeout, await: false)
    }

    private func exchange(_ frame: [UInt8], timeout: TimeAmount, await wantsResponse: Bool) async throws -> [UInt8] {
        let loop = channel.eventLoop
        let promise = loop.makePromise(of: [UInt8].self)
        let channel = self.channel, router = self.router
        loop.execute {
            if let reason = router.closedReason ?? (channel.isActive ? nil : "connection closed") {
                promise.fail(KafkaClientError.notSent(reason))
                return
            }
            let id = router.nextCorrelationId
            router.nextCorrelationId = id == Int32.max ? 1 : id + 1
            var buffer = channel.allocator.buffer(bytes: frame)
            buffer.setInteger(id, at: 8)  // size(4) api_key(2) api_version(2), then the correlation id
            if wantsResponse {
                let timer = loop.scheduleTask(in: timeout) { () -> Void in
                    guard let p = router.pending.removeValue(forKey: id) else { return }
                    p.promise.fail(KafkaClientError.outcomeUnknown("no response within \(timeout.nanoseconds / 1_000_000) ms"))
                }
                router.pending[id] = ResponseRouter.Pending(promise: promise, timeout: timer)
            }
            channel.writeAndFlush(buffer).whenComplete { result in
                switch result {
                case .success:
                    router.written += 1
                    if !wantsResponse { promise.succeed([]) }
                case .failure(let error):
                    // A write refused on a closed channel put nothing on the wire; any other failure may have.
                    let notWritten = (error as? ChannelError) == .ioOnClosedChannel
                    let failure = notWritten ? KafkaClientError.notSent("connection closed before the write")
                                             : KafkaClientError.outcomeUnknown("write failed: \(error)")
                    if wantsResponse {
                        if let p = router.pending.removeValue(forKey: id) { p.timeout?.cancel(); p.promise.fail(failure) }
                    } else {
                        promise.fail(failure)
                    }
                }
            }
        }
        return try await promise.futureResult.get()
    }

    /// How many requests were written to the socket so far.
    func requestsWritten() async throws -> Int {
        let router = self.router
        return try await channel.eventLoop.submit { router.written }.get()
    }

    /// Closes the connection; outstanding requests end as outcome unknown.
    public func close() async {
        let router = self.router
        channel.eventLoop.execute { if router.closedReason == nil { router.closedReason = "closed by the client" } }
        try? await channel.close()
    }
}
