// RedisCache: the query API's cache on a real Redis server: GET and SET … PX over one RESP connection,
// through the node's peer address (the controller's proxy), so the nemesis can cut or slow it.
import Foundation
import NIOCore
import RedisProtocol

/// RedisCache keeps one connection to the first Redis node of its upstream (the primary of a
/// `system: redis` component: replicas refuse writes) and opens a new one after any failure, moving to
/// the next node so a cache replica can still answer reads. Values are the answers' compact JSON text.
final class RedisCache: APICache, @unchecked Sendable {
    private let addresses: [(host: String, port: Int)]
    private let timeout: TimeAmount
    private let lock = NSLock()
    private var connection: RedisConnection?
    private var current = 0

    init(names: [String], peers: [String: String], timeoutMs: Int) {
        addresses = names.map { n in
            let parts = (peers[n] ?? "127.0.0.1:1").split(separator: ":")
            return (String(parts.first ?? "127.0.0.1"), Int(parts.last ?? "1") ?? 1)
        }
        timeout = .milliseconds(Int64(timeoutMs))
    }

    func get(_ key: String) async -> JSON? {
        guard case .bulkString(let bytes?)? = await send(["GET", key]) else { return nil }
        return try? JSON.decode(Data(bytes))
    }

    func set(_ key: String, _ value: JSON, ttlMs: Int) async {
        let text = String(decoding: value.encoded(), as: UTF8.self)
        _ = await send(ttlMs > 0 ? ["SET", key, text, "PX", "\(ttlMs)"] : ["SET", key, text])
    }

    /// One command; nil when it failed (an error reply counts as failed: the cache is then a miss).
    private func send(_ args: [String]) async -> RESPValue? {
        let (existing, index) = lock.withLock { (connection, current) }
        var c = existing
        if c == nil || !(c!.isOpen) {
            let a = addresses[index % addresses.count]
            c = try? await RedisConnection.connect(host: a.host, port: a.port, timeout: timeout)
            guard let opened = c else { failed(index, nil); return nil }
            lock.withLock { if connection == nil || !(connection!.isOpen) { connection = opened } }
        }
        do {
            let reply = try await c!.send(args, timeout: timeout)
            // A replica refuses writes: move on, so a restarted primary (node 1) is found again.
            if case .error(let e) = reply {
                if e.hasPrefix("READONLY") { failed(index, nil) }
                return nil
            }
            return reply
        } catch {
            failed(index, c)
            await c?.close()
            return nil
        }
    }

    /// Drops the failed connection and moves on to the next node (unless another request already did).
    private func failed(_ index: Int, _ c: RedisConnection?) {
        lock.withLock {
            if current == index { current = (current + 1) % addresses.count }
            if c == nil || connection === c { connection = nil }
        }
    }
}
