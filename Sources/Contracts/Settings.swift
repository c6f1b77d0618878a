// Settings: every built-in role's settings (the AP and CP knobs), read and checked in one place. The node
// reads them from its config; the controller runs the same checks when it loads the pipeline file.

public struct Settings: Sendable {
    // broker
    public var acksAll = true
    public var minInsyncReplicas = 2
    public var partitions = 3
    // broker and store
    public var uncleanLeaderElection = false
    // broker and warehouse
    public var readFromFollowers = false
    // store
    public var writeQuorum = 2
    public var readQuorum = 2
    // warehouse
    public var commitMajority = true
    // all roles
    public var fsyncAlways = true
    public var flushIntervalMs = 1000
    public var electionTimeoutMs = 1000
    public var heartbeatMs = 100
    public var ackTimeoutMs = 2000
    public var maxBodyBytes = 1 << 20
    // pipeline service roles (ingest, connector, loader, cache, api): Settings+Services.swift
    public var requestTimeoutMs = 2000
    public var pollIntervalMs = 100
    public var batchMax = 100
    public var defaultTtlMs = 0
    public var maxKeys = 100_000
    public var apiConsistent = true
    public var cacheTtlMs = 1000
    public var staleTtlMs = 60_000
    /// ingest over a Kafka broker: the produce's acks (0, 1 or -1 = all), as Kafka's wire value.
    public var ingestAcks = -1

    public init() {}

    /// Reads `values` as the settings of `role`; throws the first problem as a `SettingsError`.
    public init<V: SettingValue>(role: Role, values: [String: V]) throws {
        if role.isService { try self.init(service: role, values: values); return }
        self.init()
        let common: Set<String> = ["fsync", "flush_interval_ms", "election_timeout_ms", "heartbeat_ms",
                                   "ack_timeout_ms", "max_body_bytes"]
        let perRole: Set<String> = switch role {
        case .broker: ["acks", "min_insync_replicas", "unclean_leader_election", "read_from_followers", "partitions"]
        case .store: ["write_quorum", "read_quorum", "unclean_leader_election"]
        case .warehouse: ["commit", "read_from_followers"]
        default: []
        }
        let r = SettingsReader(values: values)
        try r.rejectUnknown(allowed: common.union(perRole), role: role)
        fsyncAlways = try r.choice("fsync", ["\"always\"", "\"never\""], "\"always\"") == "\"always\""
        flushIntervalMs = try r.int("flush_interval_ms", 1...60000, 1000)
        electionTimeoutMs = try r.int("election_timeout_ms", 50...60000, 1000)
        heartbeatMs = try r.int("heartbeat_ms", 5...10000, 100)
        ackTimeoutMs = try r.int("ack_timeout_ms", 10...600000, 2000)
        maxBodyBytes = try r.int("max_body_bytes", 64...(64 << 20), 1 << 20)
        if heartbeatMs * 2 > electionTimeoutMs {
            throw SettingsError(field: "heartbeat_ms", message: "must be at most half of election_timeout_ms")
        }
        switch role {
        case .broker:
            acksAll = try r.choice("acks", ["1", "\"all\""], "\"all\"") == "\"all\""
            minInsyncReplicas = try r.int("min_insync_replicas", 1...3, 2)
            uncleanLeaderElection = try r.bool("unclean_leader_election", false)
            readFromFollowers = try r.bool("read_from_followers", false)
            partitions = try r.int("partitions", 1...64, 3)
        case .store:
            writeQuorum = try r.int("write_quorum", 1...3, 2)
            readQuorum = try r.int("read_quorum", 1...3, 2)
            uncleanLeaderElection = try r.bool("unclean_leader_election", false)
        case .warehouse:
            commitMajority = try r.choice("commit", ["\"majority\"", "\"leader\""], "\"majority\"") == "\"majority\""
            readFromFollowers = try r.bool("read_from_followers", false)
        default: break
        }
    }

    /// Checks a component's settings and bug names as a node of `role` will on start: the first problem.
    public static func check<V: SettingValue>(role: Role, settings: [String: V], bugs: [String]) -> SettingsError? {
        do { _ = try Settings(role: role, values: settings) } catch let e as SettingsError { return e } catch { return nil }
        for b in bugs { if case .failure(let e) = Bug.named(b) { return e } }
        return nil
    }
}
