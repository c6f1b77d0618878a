import NIOCore

/// Turns the inbound byte stream into replies.
final class RESPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = RESPValue
    private let parser = RESPParser()

    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let reply = try parser.parse(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(reply))
        return .continue
    }
}

/// Asks the handler to give up on every command in flight: they are told their outcome is unknown and the
/// connection closes (a late reply on a reused connection would be paired with the wrong command).
struct RESPTimeoutEvent: Sendable {
    let reason: String
}

/// Pairs replies with commands. Redis answers one connection's commands in order, so a FIFO of promises
/// is the whole matching rule (pipelining included).
final class RESPCommandHandler: ChannelDuplexHandler {
    typealias InboundIn = RESPValue
    typealias OutboundIn = RESPCommand
    typealias OutboundOut = ByteBuffer

    private var waiting = CircularBuffer<EventLoopPromise<RESPValue>>()
    private var closedReason: String?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let command = unwrapOutboundIn(data)
        if let reason = closedReason {
            command.reply.fail(RedisError.notSent(reason))
            promise?.fail(RedisError.notSent(reason))
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: 64)
        RESPEncoder.encode(command.arguments, into: &buffer)
        waiting.append(command.reply)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = unwrapInboundIn(data)
        guard let promise = waiting.popFirst() else {
            failAll(RedisError.protocolViolation("reply with no command waiting"), context: context)
            return
        }
        promise.succeed(reply)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let timeout = event as? RESPTimeoutEvent {
            failAll(RedisError.outcomeUnknown(timeout.reason), context: context)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(RedisError.outcomeUnknown("connection closed before the reply"), context: context)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        let failure = (error as? RedisError) ?? RedisError.outcomeUnknown("connection error: \(error)")
        failAll(failure, context: context)
    }

    private func failAll(_ error: RedisError, context: ChannelHandlerContext) {
        if closedReason == nil { closedReason = "\(error)" }
        while let promise = waiting.popFirst() { promise.fail(error) }
        context.close(promise: nil)
    }
}

struct RESPCommand: Sendable {
    let arguments: [[UInt8]]
    let reply: EventLoopPromise<RESPValue>
}
