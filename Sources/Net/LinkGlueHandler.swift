// LinkGlueHandler: forwards one direction of a proxied connection, applying the link's faults.
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// LinkGlueHandler sits on one side of a proxied connection and writes what it reads to its partner.
///
/// Without faults, bytes go straight to the partner (no copy, no queue); with delay or bandwidth they
/// pass through a FIFO of (release time, bytes); while the link is cut, reads stop and queued bytes stay.
/// Back-pressure as in swift-nio-examples' connect-proxy: `read()` is held while the partner is not
/// writable or the queue is full.
final class LinkGlueHandler: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private static let highWater = 1 << 20

    let link: LinkState
    /// 0: bytes the `from` node sends; 1: bytes coming back.
    let direction: Int
    var partner: LinkGlueHandler?
    private var context: ChannelHandlerContext?
    private var pendingRead = false
    private var queue = CircularBuffer<(at: NIODeadline, bytes: ByteBuffer)>()
    private var queuedBytes = 0
    private var lastRelease = NIODeadline.uptimeNanoseconds(0)
    private var pumpTask: Scheduled<Void>?
    private var partnerNeedsFlush = false
    private var sourceClosed = false

    init(link: LinkState, direction: Int) {
        self.link = link
        self.direction = direction
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        link.register(self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        link.unregister(self)
        // A scheduled pump still delivers delayed bytes after this side closed.
    }

    // MARK: inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        if queue.isEmpty, link.faults.isPassThrough, let p = partner {
            p.writeOut(bytes)
            partnerNeedsFlush = true
            return
        }
        enqueue(bytes)
        pump()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if partnerNeedsFlush {
            partnerNeedsFlush = false
            partner?.flushOut()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        sourceClosed = true
        link.unregister(self)
        if queue.isEmpty || link.faults.mode != .up { partner?.closeOut() }
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { partner?.resumeReading() }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    // MARK: outbound

    func read(context: ChannelHandlerContext) {
        if canRead { context.read() } else { pendingRead = true }
    }

    private var canRead: Bool {
        guard let p = partner, link.faults.mode == .up, queuedBytes < Self.highWater else { return false }
        return p.isWritable
    }

    var isWritable: Bool { context?.channel.isWritable ?? false }

    func writeOut(_ bytes: ByteBuffer) { context?.write(wrapOutboundOut(bytes), promise: nil) }
    func flushOut() { context?.flush() }
    func closeOut() { context?.close(promise: nil) }

    /// Issues a held read if reading is allowed again.
    func resumeReading() {
        if pendingRead && canRead {
            pendingRead = false
            context?.read()
        }
    }

    /// Called (on the loop) with the partner attached: the connection may start flowing.
    func attach(_ partner: LinkGlueHandler) {
        self.partner = partner
        resumeReading()
    }

    // MARK: faults

    func faultsChanged() {
        pump()
        resumeReading()
    }

    /// Closes this side with a TCP reset (SO_LINGER 0), as a reset fault does.
    func resetConnection() {
        guard let ch = context?.channel else { return }
        queue.removeAll()
        queuedBytes = 0
        Self.resetClose(ch)
    }

    static func resetClose(_ ch: Channel) {
        if let p = ch as? SocketOptionProvider {
            p.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in ch.close(promise: nil) }
        } else {
            ch.close(promise: nil)
        }
    }

    private func enqueue(_ bytes: ByteBuffer) {
        let f = link.faults
        var at = NIODeadline.now() + .nanoseconds(f.delayNanos)
        if f.jitterNanos > 0 { at = at + .nanoseconds(link.random.jitter(upTo: f.jitterNanos)) }
        if at < lastRelease { at = lastRelease }
        lastRelease = at
        queue.append((at, bytes))
        queuedBytes += bytes.readableBytes
    }

    /// Moves every due chunk to the partner, within the bandwidth; schedules itself for the rest.
    private func pump() {
        pumpTask?.cancel()
        pumpTask = nil
        guard let p = partner, link.faults.mode == .up else { return }
        let now = NIODeadline.now()
        var wrote = false
        while var head = queue.first {
            if head.at > now {
                schedulePump(at: head.at)
                break
            }
            let want = head.bytes.readableBytes
            let n = link.take(direction: direction, want: want, now: now)
            if n == 0 {
                schedulePump(at: link.readyTime(direction: direction, want: want))
                break
            }
            if n < want {
                let part = head.bytes.readSlice(length: n)!
                queue[queue.startIndex] = head
                queuedBytes -= n
                p.writeOut(part)
                wrote = true
                continue
            }
            queue.removeFirst()
            queuedBytes -= want
            p.writeOut(head.bytes)
            wrote = true
        }
        if wrote { p.flushOut() }
        if queue.isEmpty && sourceClosed { p.closeOut() }
        resumeReading()
    }

    private func schedulePump(at: NIODeadline) {
        pumpTask = link.loop.scheduleTask(deadline: at) { [self] in self.pump() }
    }
}
