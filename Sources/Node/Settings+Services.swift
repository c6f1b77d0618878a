// The service roles' settings as /status shows them.
import Contracts

extension Settings {
    func serviceJSON(role: Role) -> JSON {
        var o: [String: JSON] = ["max_body_bytes": .int(maxBodyBytes)]
        switch role {
        case .ingest: o["request_timeout_ms"] = .int(requestTimeoutMs)
        case .connector:
            o["request_timeout_ms"] = .int(requestTimeoutMs)
            o["poll_interval_ms"] = .int(pollIntervalMs)
            o["batch_max"] = .int(batchMax)
        case .loader:
            o["request_timeout_ms"] = .int(requestTimeoutMs)
            o["poll_interval_ms"] = .int(pollIntervalMs)
        case .cache:
            o["default_ttl_ms"] = .int(defaultTtlMs)
            o["max_keys"] = .int(maxKeys)
        case .api:
            o["mode"] = apiConsistent ? "cp" : "ap"
            o["request_timeout_ms"] = .int(requestTimeoutMs)
            o["cache_ttl_ms"] = .int(cacheTtlMs)
            o["stale_ttl_ms"] = .int(staleTtlMs)
        default: break
        }
        return .object(o)
    }
}
