// Settings of the pipeline service roles (ingest, connector, loader, cache, api), validated like the others.

extension Settings {
    init<V: SettingValue>(service role: Role, values: [String: V]) throws {
        self.init()
        let perRole: [String] = switch role {
        case .ingest: ["request_timeout_ms", "acks"]
        case .connector: ["request_timeout_ms", "poll_interval_ms", "batch_max"]
        case .loader: ["request_timeout_ms", "poll_interval_ms"]
        case .cache: ["default_ttl_ms", "max_keys"]
        case .api: ["mode", "request_timeout_ms", "cache_ttl_ms", "stale_ttl_ms"]
        default: []
        }
        let r = SettingsReader(values: values)
        try r.rejectUnknown(allowed: Set(perRole + ["max_body_bytes"]), role: role)
        maxBodyBytes = try r.int("max_body_bytes", 64...(64 << 20), 1 << 20)
        requestTimeoutMs = try r.int("request_timeout_ms", 10...600_000, role == .api ? 1000 : 2000)
        pollIntervalMs = try r.int("poll_interval_ms", 5...60_000, role == .loader ? 200 : 100)
        batchMax = try r.int("batch_max", 1...10_000, 100)
        defaultTtlMs = try r.int("default_ttl_ms", 0...86_400_000, 0)
        maxKeys = try r.int("max_keys", 1...10_000_000, 100_000)
        cacheTtlMs = try r.int("cache_ttl_ms", 1...86_400_000, 1000)
        staleTtlMs = try r.int("stale_ttl_ms", 1...86_400_000, 60_000)
        // Only the ingest reads it (the others reject it above); Kafka's wire values, all = -1.
        ingestAcks = switch try r.choice("acks", ["0", "1", "\"all\""], "\"all\"") { case "0": 0; case "1": 1; default: -1 }
        apiConsistent = try r.choice("mode", ["\"ap\"", "\"cp\""], "\"cp\"") == "\"cp\""
    }
}
