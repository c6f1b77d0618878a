// A consumer's positions committed inside a transaction (AddOffsetsToTxn + TxnOffsetCommit, Kafka's
// sendOffsetsToTransaction) against a real Tansu broker: they count when the transaction commits and
// are dropped when it aborts. One JoinGroup each (3 s with a 6 s session on Tansu 0.6.0).
import Foundation
import Testing
@testable import KafkaProtocol

@Suite(.enabled(if: TansuInstall.path != nil, Comment(rawValue: TansuInstall.missing)))
struct TansuTxnOffsetsTests {
    /// Tansu answers a join after half the session (3 s here). Shorter sessions ran out between the
    /// steps of a test while the whole suite loaded the machine (UNKNOWN_MEMBER_ID).
    static let session: Int32 = 6_000

    /// A member of `group`'s current generation, assigned every partition of `topic`.
    static func member(_ client: KafkaClient, group: String, topic: String, partitions: [Int32]) async throws -> GroupMembership {
        let m = try await client.joinGroup(group, topics: [topic], sessionTimeoutMs: session, rebalanceTimeoutMs: session)
        _ = try await client.syncGroup(m, assignments: [m.memberId: ConsumerAssignment(assigned: [.init(topic: topic, partitions: partitions)])])
        return m
    }

    @Test func offsetsCountWhenTheTransactionCommits() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let client = try await broker.client()
        defer { Task { await client.close() } }
        try await client.createTopic("to", partitions: 2)
        let m = try await Self.member(client, group: "gto", topic: "to", partitions: [0, 1])
        let tid = "tx-offsets"
        let (pid, epoch) = try await client.initProducerId(transactionalId: tid)

        try await client.addPartitionsToTxn(transactionalId: tid, producerId: pid, epoch: epoch, topic: "to", partitions: [1])
        _ = try await client.produce(topic: "to", partition: 1, records: [ProducerRecord(key: "k", value: "out")],
                                     producer: .init(producerId: pid, producerEpoch: epoch, baseSequence: 0), transactionalId: tid)
        try await client.addOffsetsToTxn(transactionalId: tid, producerId: pid, epoch: epoch, group: "gto")
        try await client.txnOffsetCommit(transactionalId: tid, producerId: pid, epoch: epoch, group: "gto", generationId: m.generationId,
                                         memberId: m.memberId, topic: "to", offsets: [0: 3])
        try await client.endTxn(transactionalId: tid, producerId: pid, epoch: epoch, commit: true)
        #expect(try await client.fetchOffsets(group: "gto", topic: "to", partitions: [0, 1]) == [0: 3, 1: -1])

        // An aborted transaction's offsets are dropped: the committed offset stays 3.
        try await client.addPartitionsToTxn(transactionalId: tid, producerId: pid, epoch: epoch, topic: "to", partitions: [1])
        _ = try await client.produce(topic: "to", partition: 1, records: [ProducerRecord(key: "k", value: "aborted")],
                                     producer: .init(producerId: pid, producerEpoch: epoch, baseSequence: 1), transactionalId: tid)
        try await client.addOffsetsToTxn(transactionalId: tid, producerId: pid, epoch: epoch, group: "gto")
        try await client.txnOffsetCommit(transactionalId: tid, producerId: pid, epoch: epoch, group: "gto", generationId: m.generationId,
                                         memberId: m.memberId, topic: "to", offsets: [0: 9])
        try await client.endTxn(transactionalId: tid, producerId: pid, epoch: epoch, commit: false)
        let after = try await client.fetchOffsets(group: "gto", topic: "to", partitions: [0])
        print("TxnOffsetCommit then abort: committed offset of to/0 is \(after[0] ?? -2)")
        #expect(after == [0: 3], "an aborted transaction's offsets were committed")
        try? await client.leaveGroup(m)
    }

    /// Kafka refuses a TxnOffsetCommit whose generation is not the group's (ILLEGAL_GENERATION): a member
    /// expelled by a rebalance must not commit positions over the new owner's. Tansu 0.6.0 accepts it
    /// and the offset counts (docs/kafka-protocol.md); pinned, so a fixed Tansu fails this test.
    @Test func aStaleGenerationCannotCommitInATransaction() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let client = try await broker.client()
        defer { Task { await client.close() } }
        try await client.createTopic("ts", partitions: 1)
        let m = try await Self.member(client, group: "gts", topic: "ts", partitions: [0])
        let tid = "tx-stale"
        let (pid, epoch) = try await client.initProducerId(transactionalId: tid)
        try await client.addOffsetsToTxn(transactionalId: tid, producerId: pid, epoch: epoch, group: "gts")
        var code: ErrorCode?
        do {
            try await client.txnOffsetCommit(transactionalId: tid, producerId: pid, epoch: epoch, group: "gts", generationId: m.generationId + 5,
                                             memberId: m.memberId, topic: "ts", offsets: [0: 1])
        } catch let KafkaClientError.broker(c, _) { code = c }
        print("TxnOffsetCommit with generation \(m.generationId + 5) (the group's is \(m.generationId)): \(code.map { "\($0)" } ?? "NONE")")
        try await client.endTxn(transactionalId: tid, producerId: pid, epoch: epoch, commit: true)
        let committed = try await client.fetchOffsets(group: "gts", topic: "ts", partitions: [0])
        print("committed offset after that commit: \(committed[0] ?? -2)")
        withKnownIssue("Tansu 0.6.0: TxnOffsetCommit does not check the generation") {
            #expect(code == .illegalGeneration, "a commit of a generation the group never had was not refused")
            #expect(committed == [0: -1])
        }
    }
}
