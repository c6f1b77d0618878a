// Settings of the pipeline service roles (ingest, connector, loader, cache, api), validated like the others.

extension Role {
    /// A single-process role of the pipeline that talks to other components through its upstreams.
    public var isService: Bool { ![.broker, .store, .warehouse].contains(self) }

    /// The upstream components (keyed by role) each service role needs in its config.
    public var upstreamRoles: [Role] {
        switch self {
        case .ingest: return [.broker]
        case .connector: return [.broker, .store]
        case .loader: return [.store, .warehouse]
        case .api: return [.warehouse, .cache]
        default: return []
        }
    }
}

extension Settings {
    init(service role: Role, json: [String: JSON]) throws {
        self.init()
        let perRole: [String] = switch role {
        case .ingest: ["request_timeout_ms"]
        case .connector: ["request_timeout_ms", "poll_interval_ms", "batch_max"]
        case .loader: ["request_timeout_ms", "poll_interval_ms"]
        case .cache: ["default_ttl_ms", "max_keys"]
        case .api: ["mode", "request_timeout_ms", "cache_ttl_ms", "stale_ttl_ms"]
        default: []
        }
        let r = SettingsReader(json: json)
        try r.rejectUnknown(allowed: Set(perRole + ["max_body_bytes"]), role: role)
        maxBodyBytes = try r.int("max_body_bytes", 64...(64 << 20), 1 << 20)
        requestTimeoutMs = try r.int("request_timeout_ms", 10...600_000, role == .api ? 1000 : 2000)
        pollIntervalMs = try r.int("poll_interval_ms", 5...60_000, role == .loader ? 200 : 100)
        batchMax = try r.int("batch_max", 1...10_000, 100)
        defaultTtlMs = try r.int("default_ttl_ms", CacheStore.ttlRange, 0)
        maxKeys = try r.int("max_keys", 1...10_000_000, 100_000)
        cacheTtlMs = try r.int("cache_ttl_ms", 1...86_400_000, 1000)
        staleTtlMs = try r.int("stale_ttl_ms", 1...86_400_000, 60_000)
        apiConsistent = try r.choice("mode", ["ap", "cp"], "cp") == "cp"
    }

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
