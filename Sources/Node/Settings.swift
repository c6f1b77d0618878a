// Per-role settings (the AP and CP knobs) and the replication policy they imply.

struct SettingsError: Error { let field: String; let message: String }

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

    public init() {}

    init(role: Role, json: [String: JSON]) throws {
        if role.isService { try self.init(service: role, json: json); return }
        self.init()
        let common: Set<String> = ["fsync", "flush_interval_ms", "election_timeout_ms", "heartbeat_ms",
                                   "ack_timeout_ms", "max_body_bytes"]
        let perRole: Set<String> = switch role {
        case .broker: ["acks", "min_insync_replicas", "unclean_leader_election", "read_from_followers", "partitions"]
        case .store: ["write_quorum", "read_quorum", "unclean_leader_election"]
        case .warehouse: ["commit", "read_from_followers"]
        default: []
        }
        let r = SettingsReader(json: json)
        try r.rejectUnknown(allowed: common.union(perRole), role: role)
        fsyncAlways = try r.choice("fsync", ["always", "never"], "always") == "always"
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
            acksAll = try r.choice("acks", [1, "all"], "all") == "all"
            minInsyncReplicas = try r.int("min_insync_replicas", 1...3, 2)
            uncleanLeaderElection = try r.bool("unclean_leader_election", false)
            readFromFollowers = try r.bool("read_from_followers", false)
            partitions = try r.int("partitions", 1...64, 3)
        case .store:
            writeQuorum = try r.int("write_quorum", 1...3, 2)
            readQuorum = try r.int("read_quorum", 1...3, 2)
            uncleanLeaderElection = try r.bool("unclean_leader_election", false)
        case .warehouse:
            commitMajority = try r.choice("commit", ["majority", "leader"], "majority") == "majority"
            readFromFollowers = try r.bool("read_from_followers", false)
        default: break
        }
    }

    /// The replication policy these settings mean for a role.
    func policy(for role: Role) -> Policy {
        switch role {
        case .broker:
            return Policy(ack: acksAll ? .inSync(min: minInsyncReplicas) : .leaderOnly,
                          uncleanElection: uncleanLeaderElection, checkQuorum: acksAll && minInsyncReplicas >= 2,
                          localReads: readFromFollowers, readBarrier: false)
        case .store:
            return Policy(ack: writeQuorum == 1 ? .leaderOnly : .count(writeQuorum),
                          uncleanElection: uncleanLeaderElection, checkQuorum: writeQuorum >= 2,
                          localReads: readQuorum == 1, readBarrier: readQuorum >= 2)
        case .warehouse:
            return Policy(ack: commitMajority ? .count(2) : .leaderOnly, uncleanElection: false,
                          checkQuorum: commitMajority, localReads: readFromFollowers, readBarrier: !readFromFollowers)
        default:
            // Service roles are single processes without a replicated log.
            return Policy(ack: .leaderOnly, uncleanElection: false, checkQuorum: false, localReads: true, readBarrier: false)
        }
    }

    /// The settings that apply to `role`, as /status shows them.
    func json(role: Role) -> JSON {
        if role.isService { return serviceJSON(role: role) }
        var o: [String: JSON] = [
            "fsync": fsyncAlways ? "always" : "never", "flush_interval_ms": .int(flushIntervalMs),
            "election_timeout_ms": .int(electionTimeoutMs), "heartbeat_ms": .int(heartbeatMs),
            "ack_timeout_ms": .int(ackTimeoutMs), "max_body_bytes": .int(maxBodyBytes),
        ]
        switch role {
        case .broker:
            o["acks"] = acksAll ? "all" : 1
            o["min_insync_replicas"] = .int(minInsyncReplicas)
            o["unclean_leader_election"] = .bool(uncleanLeaderElection)
            o["read_from_followers"] = .bool(readFromFollowers)
            o["partitions"] = .int(partitions)
        case .store:
            o["write_quorum"] = .int(writeQuorum)
            o["read_quorum"] = .int(readQuorum)
            o["unclean_leader_election"] = .bool(uncleanLeaderElection)
        case .warehouse:
            o["commit"] = commitMajority ? "majority" : "leader"
            o["read_from_followers"] = .bool(readFromFollowers)
        default: break
        }
        return .object(o)
    }
}

/// How the replication engine behaves; derived from Settings, never set directly.
struct Policy: Sendable {
    enum Ack: Sendable {
        /// Acknowledge once the leader has the entry (replication is asynchronous).
        case leaderOnly
        /// Acknowledge once n replicas (leader included) have it.
        case count(Int)
        /// Kafka's acks=all: every in-sync replica has it, and at least `min` replicas are in sync.
        case inSync(min: Int)
    }
    var ack: Ack
    /// A candidate may win a vote even if its log is behind the voter's.
    var uncleanElection: Bool
    /// A leader that has not heard from a majority within an election timeout steps down.
    var checkQuorum: Bool
    /// Any replica answers reads from its own copy.
    var localReads: Bool
    /// Leader reads need a lease confirmed by a majority and wait until what they saw is committed.
    var readBarrier: Bool
}
