// Settings (Contracts) as the node uses them: the replication policy they imply and their /status JSON.
import Contracts

extension Settings {
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
