// Cache node (Redis-like): GET / PUT / DELETE /keys/{key} with a time to live; in memory only.
import Foundation
import Hummingbird

/// CacheStore holds key -> (value, expiry); expired entries are dropped when touched or swept.
final class CacheStore: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: (value: JSON, expires: ContinuousClock.Instant?)] = [:]

    func get(_ k: String) -> (JSON, Int?)? {
        lock.withLock {
            guard let e = entries[k] else { return nil }
            if let x = e.expires, x <= .now { entries[k] = nil; return nil }
            // Whole milliseconds left, from Duration's integer parts (no Double -> Int conversion).
            let ttl = e.expires.map { x -> Int in
                let left = (x - .now).components
                return Int(left.seconds) * 1000 + Int(left.attoseconds / 1_000_000_000_000_000)
            }
            return (e.value, ttl)
        }
    }

    /// Stores `v`; false when the cache is full (and `k` is new).
    func set(_ k: String, _ v: JSON, ttlMs: Int, maxKeys: Int) -> Bool {
        lock.withLock {
            if entries[k] == nil && entries.count >= maxKeys {
                let now = ContinuousClock.now
                entries = entries.filter { $0.value.expires.map { $0 > now } ?? true }
                if entries.count >= maxKeys { return false }
            }
            entries[k] = (v, ttlMs > 0 ? .now + .milliseconds(ttlMs) : nil)
            return true
        }
    }

    func delete(_ k: String) -> Bool { lock.withLock { entries.removeValue(forKey: k) != nil } }

    var size: Int {
        lock.withLock {
            let now = ContinuousClock.now
            return entries.values.filter { $0.expires.map { $0 > now } ?? true }.count
        }
    }
}

/// CacheRole: `PUT /keys/{key}` body `{"value", "ttl_ms"?}` (0 = no expiry; default `default_ttl_ms`),
/// `GET /keys/{key}` → `{"key", "value", "ttl_ms"}` or 404, `DELETE /keys/{key}` → `{"deleted"}`.
struct CacheRole: ServiceRole {
    let node: ServiceNode
    let store = CacheStore()
    let tally = Tally()

    func start() async {}

    func statusFacts() async -> [String: JSON] { ["size": .int(store.size), "ops": tally.json] }

    func add(to router: Router<BasicRequestContext>) {
        let node = node, store = store, tally = tally
        let settings = node.config.settings
        router.get("/keys/:key") { request, context in
            let key = context.parameters.get("key") ?? ""
            return await node.serve(request) { _ in
                guard let (v, ttl) = store.get(key) else { tally.add("miss"); throw NodeError(404, "no such key: \(key)") }
                tally.add("hit")
                return Reply(body: ["key": .string(key), "value": v, "ttl_ms": ttl.map { .int($0) } ?? .null])
            }
        }
        router.put("/keys/:key") { request, context in
            let key = context.parameters.get("key") ?? ""
            return await node.serve(request) { json in
                let b = try Body(json ?? .null, allowed: ["value", "ttl_ms"])
                let v = try b.value("value")
                let ttl = try b.optionalInt("ttl_ms") ?? settings.defaultTtlMs
                // At most a year: a larger TTL would overflow when a GET turns the expiry back into ms.
                guard (0...31_536_000_000).contains(ttl) else { throw NodeError.bad("field \"ttl_ms\" must be between 0 and 31536000000 (a year)") }
                guard store.set(key, v, ttlMs: ttl, maxKeys: settings.maxKeys) else {
                    throw NodeError(503, "cache full (max_keys \(settings.maxKeys))")
                }
                tally.add("set")
                return Reply(body: ["key": .string(key), "ttl_ms": .int(ttl)])
            }
        }
        router.delete("/keys/:key") { request, context in
            let key = context.parameters.get("key") ?? ""
            return await node.serve(request) { _ in
                tally.add("delete")
                return Reply(body: ["key": .string(key), "deleted": .bool(store.delete(key))])
            }
        }
    }
}
