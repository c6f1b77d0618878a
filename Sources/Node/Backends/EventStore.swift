// EventStore: the store stage as the connector and the loader see it: objects of events under
// `events/`, on the built-in store (HTTP) or on an S3 endpoint (SeaweedFS), chosen by the node config's
// `upstream_kinds.store`.
import Foundation

/// Three operations: put an object, list keys under a prefix, read an object. Each answers whether it
/// certainly worked; anything else (refused, unknown, unreachable) is a failure the caller retries.
protocol EventStore: Sendable {
    func put(_ key: String, _ value: JSON) async -> Bool
    /// Every key under `prefix`, sorted; nil when the listing failed.
    func list(prefix: String) async -> [String]?
    /// The object's value; nil when it could not be read (absent included: a listed key that is gone).
    func get(_ key: String) async -> JSON?
}

/// The built-in store component (docs/nodes.md "Store").
struct HTTPEventStore: EventStore {
    let upstream: Upstream

    func put(_ key: String, _ value: JSON) async -> Bool {
        if case .status(200, _, _) = await upstream.sendFailingOver(.PUT, "/objects/\(key)", body: ["value": value]) { return true }
        return false
    }

    func list(prefix: String) async -> [String]? {
        guard case .status(200, let l, _) = await upstream.sendFailingOver(.GET, "/objects?prefix=\(prefix)&limit=100000") else { return nil }
        return l["keys"]?.arrayValue?.compactMap { $0["key"]?.stringValue }
    }

    func get(_ key: String) async -> JSON? {
        guard case .status(200, let o, _) = await upstream.sendFailingOver(.GET, "/objects/\(key)") else { return nil }
        return o["value"]
    }
}
