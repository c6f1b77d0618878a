// APICache: the query API's cache, whatever serves it: the built-in cache component (HTTP) or a Redis
// server (RESP), chosen by the node config's `upstream_kinds.cache`.
import Foundation

/// The two operations cache-aside needs. A failed cache is a miss (get) or a lost write (set): the API
/// then reads the warehouse, as a cache-aside service does when its cache is down.
protocol APICache: Sendable {
    /// The cached value, or nil when absent, expired or unreachable.
    func get(_ key: String) async -> JSON?
    /// Stores `value` for `ttlMs` milliseconds (0: no expiry); errors are ignored (the next read misses).
    func set(_ key: String, _ value: JSON, ttlMs: Int) async
}

/// The built-in cache component (docs/nodes.md "cache").
struct HTTPCache: APICache {
    let upstream: Upstream

    func get(_ key: String) async -> JSON? {
        if case .status(200, let c, _) = await upstream.send(.GET, "/keys/\(key)") { return c["value"] }
        return nil
    }

    func set(_ key: String, _ value: JSON, ttlMs: Int) async {
        _ = await upstream.send(.PUT, "/keys/\(key)", body: ["value": value, "ttl_ms": .int(ttlMs)])
    }
}
