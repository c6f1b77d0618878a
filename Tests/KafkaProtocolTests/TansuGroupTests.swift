// A consumer-group round against a real Tansu broker: join, sync, heartbeat, commit, fetch offsets, leave.
// Tansu 0.6.0 answers every JoinGroup after half the session timeout, so these take 15-30 s.
import Foundation
import Testing
@testable import KafkaProtocol

@Suite(.enabled(if: TansuInstall.path != nil, Comment(rawValue: TansuInstall.missing)))
struct TansuGroupTests {
    /// A member whose session runs out is expelled (UNKNOWN_MEMBER_ID), and on a loaded machine the steps
    /// of one test can be seconds apart; but Tansu answers each JoinGroup only after half the session
    /// timeout (5 s for 10 s, 60 s for 120 s), so 30 s is the compromise: joins take 15 s.
    static let session: Int32 = 30_000

    @Test func joinSyncCommitFetchLeave() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let client = try await broker.client()
        defer { Task { await client.close() } }
        try await client.createTopic("gt", partitions: 2)

        let m = try await client.joinGroup("g1", topics: ["gt"], sessionTimeoutMs: Self.session, rebalanceTimeoutMs: Self.session)
        #expect(!m.memberId.isEmpty && m.isLeader && m.generationId >= 0)
        #expect(m.members.map(\.memberId) == [m.memberId] && m.members.first?.subscription.topics == ["gt"])
        let mine = ConsumerAssignment(assigned: [.init(topic: "gt", partitions: [0, 1])])
        let got = try await client.syncGroup(m, assignments: [m.memberId: mine])
        #expect(got == mine)
        try await client.heartbeat(m)

        #expect(try await client.fetchOffsets(group: "g1", topic: "gt", partitions: [0, 1]) == [0: -1, 1: -1])
        try await client.commitOffsets(group: "g1", generationId: m.generationId, memberId: m.memberId, topic: "gt", offsets: [0: 5, 1: 7])
        #expect(try await client.fetchOffsets(group: "g1", topic: "gt", partitions: [0, 1]) == [0: 5, 1: 7])
        try await client.commitOffsets(group: "g1", generationId: m.generationId, memberId: m.memberId, topic: "gt", offsets: [1: 9])
        #expect(try await client.fetchOffsets(group: "g1", topic: "gt", partitions: [0, 1]) == [0: 5, 1: 9])

        try await client.leaveGroup(m)
        // A new member after the leave starts a later generation and still sees the committed offsets.
        let again = try await client.joinGroup("g1", topics: ["gt"], sessionTimeoutMs: Self.session, rebalanceTimeoutMs: Self.session)
        #expect(again.generationId > m.generationId && again.memberId != m.memberId)
        #expect(try await client.fetchOffsets(group: "g1", topic: "gt", partitions: [0, 1]) == [0: 5, 1: 9])
        try await client.leaveGroup(again)
    }

    @Test func aStaleGenerationCannotCommit() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let client = try await broker.client()
        defer { Task { await client.close() } }
        try await client.createTopic("gs", partitions: 1)
        let m = try await client.joinGroup("g2", topics: ["gs"], sessionTimeoutMs: Self.session, rebalanceTimeoutMs: Self.session)
        _ = try await client.syncGroup(m, assignments: [m.memberId: ConsumerAssignment(assigned: [.init(topic: "gs", partitions: [0])])])
        do {
            try await client.commitOffsets(group: "g2", generationId: m.generationId + 5, memberId: m.memberId, topic: "gs", offsets: [0: 1])
            Issue.record("a commit with a generation the group never had succeeded")
        } catch let KafkaClientError.broker(code, _) {
            #expect(code == .illegalGeneration)
        }
    }
}
