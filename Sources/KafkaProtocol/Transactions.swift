// InitProducerId v4, AddPartitionsToTxn v3 and EndTxn v3: idempotent and transactional producers.

public struct InitProducerIdRequest: KafkaRequest {
    public typealias Response = InitProducerIdResponse
    public static let apiKey = ApiKey.initProducerId
    public static let apiVersion: Int16 = 4

    /// nil: an idempotent producer only; a string: a transactional producer with that id.
    public var transactionalId: String?
    public var transactionTimeoutMs: Int32
    /// -1/-1 for a new producer; an existing id and epoch to bump the epoch after an error.
    public var producerId: Int64
    public var producerEpoch: Int16
    public var tagged: TaggedFields = .none

    public init(transactionalId: String?, transactionTimeoutMs: Int32, producerId: Int64 = -1, producerEpoch: Int16 = -1) {
        self.transactionalId = transactionalId; self.transactionTimeoutMs = transactionTimeoutMs
        self.producerId = producerId; self.producerEpoch = producerEpoch
    }

    public init(from r: inout WireReader) throws {
        transactionalId = try r.compactNullableString("transactional_id"); transactionTimeoutMs = try r.int32("transaction_timeout_ms")
        producerId = try r.int64("producer_id"); producerEpoch = try r.int16("producer_epoch"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) {
        w.compactNullableString(transactionalId); w.int32(transactionTimeoutMs); w.int64(producerId); w.int16(producerEpoch); w.tagged(tagged)
    }
}

public struct InitProducerIdResponse: WireCodable {
    public var throttleTimeMs: Int32
    public var errorCode: Int16
    public var producerId: Int64
    public var producerEpoch: Int16
    public var tagged: TaggedFields = .none

    public init(from r: inout WireReader) throws {
        throttleTimeMs = try r.int32("throttle_time_ms"); errorCode = try r.int16("error_code")
        producerId = try r.int64("producer_id"); producerEpoch = try r.int16("producer_epoch"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) { w.int32(throttleTimeMs); w.int16(errorCode); w.int64(producerId); w.int16(producerEpoch); w.tagged(tagged) }
}

public struct AddPartitionsToTxnRequest: KafkaRequest {
    public typealias Response = AddPartitionsToTxnResponse
    public static let apiKey = ApiKey.addPartitionsToTxn
    public static let apiVersion: Int16 = 3

    public struct Topic: WireCodable {
        public var name: String
        public var partitions: [Int32]
        public var tagged: TaggedFields = .none

        public init(name: String, partitions: [Int32]) { self.name = name; self.partitions = partitions }

        public init(from r: inout WireReader) throws {
            name = try r.compactString("name"); partitions = try r.compactInt32Array("partitions"); tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) { w.compactString(name); w.compactInt32Array(partitions); w.tagged(tagged) }
    }

    public var transactionalId: String
    public var producerId: Int64
    public var producerEpoch: Int16
    public var topics: [Topic]
    public var tagged: TaggedFields = .none

    public init(transactionalId: String, producerId: Int64, producerEpoch: Int16, topics: [Topic]) {
        self.transactionalId = transactionalId; self.producerId = producerId; self.producerEpoch = producerEpoch; self.topics = topics
    }

    public init(from r: inout WireReader) throws {
        transactionalId = try r.compactString("transactional_id"); producerId = try r.int64("producer_id")
        producerEpoch = try r.int16("producer_epoch"); topics = try r.compactArray("topics"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) {
        w.compactString(transactionalId); w.int64(producerId); w.int16(producerEpoch); w.compactArray(topics); w.tagged(tagged)
    }
}

public struct AddPartitionsToTxnResponse: WireCodable {
    public struct PartitionResult: WireCodable {
        public var partitionIndex: Int32
        public var errorCode: Int16
        public var tagged: TaggedFields = .none

        public init(from r: inout WireReader) throws {
            partitionIndex = try r.int32("partition_index"); errorCode = try r.int16("partition_error_code"); tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) { w.int32(partitionIndex); w.int16(errorCode); w.tagged(tagged) }
    }

    public struct TopicResult: WireCodable {
        public var name: String
        public var results: [PartitionResult]
        public var tagged: TaggedFields = .none

        public init(from r: inout WireReader) throws {
            name = try r.compactString("name"); results = try r.compactArray("results_by_partition"); tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) { w.compactString(name); w.compactArray(results); w.tagged(tagged) }
    }

    public var throttleTimeMs: Int32
    public var results: [TopicResult]
    public var tagged: TaggedFields = .none

    public init(from r: inout WireReader) throws {
        throttleTimeMs = try r.int32("throttle_time_ms"); results = try r.compactArray("results_by_topic"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) { w.int32(throttleTimeMs); w.compactArray(results); w.tagged(tagged) }
}

public struct EndTxnRequest: KafkaRequest {
    public typealias Response = EndTxnResponse
    public static let apiKey = ApiKey.endTxn
    public static let apiVersion: Int16 = 3

    public var transactionalId: String
    public var producerId: Int64
    public var producerEpoch: Int16
    public var committed: Bool
    public var tagged: TaggedFields = .none

    public init(transactionalId: String, producerId: Int64, producerEpoch: Int16, committed: Bool) {
        self.transactionalId = transactionalId; self.producerId = producerId; self.producerEpoch = producerEpoch; self.committed = committed
    }

    public init(from r: inout WireReader) throws {
        transactionalId = try r.compactString("transactional_id"); producerId = try r.int64("producer_id")
        producerEpoch = try r.int16("producer_epoch"); committed = try r.bool("committed"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) {
        w.compactString(transactionalId); w.int64(producerId); w.int16(producerEpoch); w.bool(committed); w.tagged(tagged)
    }
}

/// Heartbeat and EndTxn answer with an error code alone.
public typealias EndTxnResponse = ErrorCodeResponse
