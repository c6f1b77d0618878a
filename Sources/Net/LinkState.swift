// LinkState: the live faults and open connections of one link, confined to the link's event loop.
import NIOCore

/// LinkState lives on one event loop: every connection of the link runs on that loop too, so the
/// forwarding path reads the faults without locks or atomics.
final class LinkState: @unchecked Sendable {
    let id: LinkID
    let loop: EventLoop
    private(set) var faults: LinkFaults = .healthy
    /// Both glue handlers of every open connection.
    private var handlers: [ObjectIdentifier: LinkGlueHandler] = [:]
    /// One bucket per direction (0: from→to, 1: to→from), shared by the link's connections.
    private var buckets: [TokenBucket?] = [nil, nil]
    /// Connections accepted so far (for tests and stats).
    var accepted = 0
    /// The link's seeded drop and jitter draws (confined to the loop, like everything here).
    var random: LinkRandom

    init(id: LinkID, loop: EventLoop, random: LinkRandom) {
        self.id = id
        self.loop = loop
        self.random = random
    }

    func register(_ h: LinkGlueHandler) { handlers[ObjectIdentifier(h)] = h }
    func unregister(_ h: LinkGlueHandler) { handlers[ObjectIdentifier(h)] = nil }
    var openHandlers: Int { handlers.count }

    /// Applies new faults to the link and to every open connection.
    func apply(_ new: LinkFaults) {
        loop.preconditionInEventLoop()
        let old = faults
        faults = new
        if new.bandwidthBytesPerSecond != old.bandwidthBytesPerSecond {
            buckets = new.bandwidthBytesPerSecond.map { r in [TokenBucket(rate: r, now: .now()), TokenBucket(rate: r, now: .now())] } ?? [nil, nil]
        }
        let all = Array(handlers.values)
        if new.mode == .reset {
            for h in all { h.resetConnection() }
            return
        }
        // Held or delayed bytes may move now (heal after cut, shorter delay, more bandwidth).
        for h in all { h.faultsChanged() }
    }

    /// Bytes of `direction` allowed to pass now, out of `want`.
    func take(direction: Int, want: Int, now: NIODeadline) -> Int {
        guard buckets[direction] != nil else { return want }
        return buckets[direction]!.take(want, now: now)
    }

    /// When `want` bytes of `direction` will be allowed.
    func readyTime(direction: Int, want: Int) -> NIODeadline {
        buckets[direction]?.readyTime(for: want) ?? .now()
    }
}
