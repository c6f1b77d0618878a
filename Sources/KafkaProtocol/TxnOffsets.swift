// AddOffsetsToTxn v3 and TxnOffsetCommit v3: a consumer's positions committed inside a producer's
// transaction (Kafka's sendOffsetsToTransaction), so the reads and the sends commit or abort together.

/// Adds the group's offsets topic to the open transaction: the coordinator will write the group's
/// offsets (sent next with TxnOffsetCommit) when EndTxn commits, and drop them when it aborts.
public struct AddOffsetsToTxnRequest: KafkaRequest {
    public typealias Response = AddOffsetsToTxnResponse
    public static let apiKey = ApiKey.addOffsetsToTxn
    public static let apiVersion: Int16 = 3

    public var transactionalId: String
    public var producerId: Int64
    public var producerEpoch: Int16
    public var groupId: String
    public var tagged: TaggedFields = .none

    public init(transactionalId: String, producerId: Int64, producerEpoch: Int16, groupId: String) {
        self.transactionalId = transactionalId; self.producerId = producerId; self.producerEpoch = producerEpoch; self.groupId = groupId
    }

    public init(from r: inout WireReader) throws {
        transactionalId = try r.compactString("transactional_id"); producerId = try r.int64("producer_id")
        producerEpoch = try r.int16("producer_epoch"); groupId = try r.compactString("group_id"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) {
        w.compactString(transactionalId); w.int64(producerId); w.int16(producerEpoch); w.compactString(groupId); w.tagged(tagged)
    }
}

/// AddOffsetsToTxn answers with an error code alone.
public typealias AddOffsetsToTxnResponse = ErrorCodeResponse

/// The group's offsets, sent to the group coordinator as part of the transaction. v3 carries the
/// consumer's generation and member id, so a member fenced by a rebalance cannot commit.
public struct TxnOffsetCommitRequest: KafkaRequest {
    public typealias Response = TxnOffsetCommitResponse
    public static let apiKey = ApiKey.txnOffsetCommit
    public static let apiVersion: Int16 = 3

    /// The same fields and encoding as OffsetCommit v8's partition.
    public typealias Partition = OffsetCommitRequest.Partition

    public typealias Topic = NamedTopic<Partition>

    public var transactionalId: String
    public var groupId: String
    public var producerId: Int64
    public var producerEpoch: Int16
    /// The consumer's generation and member id; -1 and "" commit outside any generation.
    public var generationId: Int32
    public var memberId: String
    public var groupInstanceId: String?
    public var topics: [Topic]
    public var tagged: TaggedFields = .none

    public init(transactionalId: String, groupId: String, producerId: Int64, producerEpoch: Int16,
                generationId: Int32 = -1, memberId: String = "", groupInstanceId: String? = nil, topics: [Topic]) {
        self.transactionalId = transactionalId; self.groupId = groupId; self.producerId = producerId; self.producerEpoch = producerEpoch
        self.generationId = generationId; self.memberId = memberId; self.groupInstanceId = groupInstanceId; self.topics = topics
    }

    public init(from r: inout WireReader) throws {
        transactionalId = try r.compactString("transactional_id"); groupId = try r.compactString("group_id")
        producerId = try r.int64("producer_id"); producerEpoch = try r.int16("producer_epoch")
        generationId = try r.int32("generation_id"); memberId = try r.compactString("member_id")
        groupInstanceId = try r.compactNullableString("group_instance_id"); topics = try r.compactArray("topics"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) {
        w.compactString(transactionalId); w.compactString(groupId); w.int64(producerId); w.int16(producerEpoch)
        w.int32(generationId); w.compactString(memberId); w.compactNullableString(groupInstanceId); w.compactArray(topics); w.tagged(tagged)
    }
}

/// Per partition, an error code: the same shape as OffsetCommit's answer.
public typealias TxnOffsetCommitResponse = OffsetCommitResponse
