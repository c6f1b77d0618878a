// Replication messages between replicas (POST /raft/vote and POST /raft/append, JSON bodies).

struct VoteRequest: Codable, Sendable {
    var term: Int
    var candidate: String
    var lastIndex: Int
    var lastTerm: Int
    /// A pre-vote: "would you vote for me in `term`?", answered without changing the voter's state, so a
    /// replica cut off from the others does not inflate its term and depose a healthy leader on heal.
    var pre: Bool?
}

struct VoteResponse: Codable, Sendable {
    var term: Int
    var granted: Bool
}

struct AppendRequest: Codable, Sendable {
    var term: Int
    var leader: String
    var prevIndex: Int
    var prevTerm: Int
    var entries: [Entry]
    /// Raft commit index (majority-replicated).
    var commit: Int
    /// The broker's high watermark (replicated to every in-sync replica).
    var hw: Int
}

struct AppendResponse: Codable, Sendable {
    var term: Int
    var success: Bool
    var match: Int
    /// On failure: where the leader should retry from.
    var conflictIndex: Int
}

/// What a state machine sees on a read.
struct ReadInfo: Sendable {
    var isLeader: Bool
    var commitIndex: Int
    var highWatermark: Int
    var lastIndex: Int
    /// Log index of the last entry applied to the state machine the read sees (the warehouse's position).
    var appliedIndex: Int = 0
}

/// A role's data: a deterministic function of the log prefix applied so far.
protocol StateMachine: Sendable {
    init(settings: Settings)
    /// Applies one entry; the result is what a write answers (the same on every replica).
    mutating func apply(_ cmd: JSON, index: Int) -> JSON
}
