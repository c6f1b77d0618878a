// Produce v9: appends record batches to partitions; acks 0 (no response), 1 (leader) or -1 (all in-sync replicas).

public struct ProduceRequest: KafkaRequest {
    public typealias Response = ProduceResponse
    public static let apiKey = ApiKey.produce
    public static let apiVersion: Int16 = 9

    public struct PartitionData: WireCodable {
        public var index: Int32
        /// One or more encoded v2 record batches.
        public var records: [UInt8]?
        public var tagged: TaggedFields = .none

        public init(index: Int32, records: [UInt8]?) { self.index = index; self.records = records }

        public init(from r: inout WireReader) throws {
            index = try r.int32("partition index"); records = try r.compactNullableBytes("records"); tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) { w.int32(index); w.compactNullableBytes(records); w.tagged(tagged) }
    }

    public struct TopicData: WireCodable {
        public var name: String
        public var partitions: [PartitionData]
        public var tagged: TaggedFields = .none

        public init(name: String, partitions: [PartitionData]) { self.name = name; self.partitions = partitions }

        public init(from r: inout WireReader) throws {
            name = try r.compactString("topic name"); partitions = try r.compactArray("partition_data"); tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) { w.compactString(name); w.compactArray(partitions); w.tagged(tagged) }
    }

    public var transactionalId: String?
    public var acks: Int16
    public var timeoutMs: Int32
    public var topics: [TopicData]
    public var tagged: TaggedFields = .none

    public init(transactionalId: String? = nil, acks: Int16, timeoutMs: Int32, topics: [TopicData]) {
        self.transactionalId = transactionalId; self.acks = acks; self.timeoutMs = timeoutMs; self.topics = topics
    }

    public var expectsResponse: Bool { acks != 0 }

    public init(from r: inout WireReader) throws {
        transactionalId = try r.compactNullableString("transactional_id"); acks = try r.int16("acks")
        timeoutMs = try r.int32("timeout_ms"); topics = try r.compactArray("topic_data"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) {
        w.compactNullableString(transactionalId); w.int16(acks); w.int32(timeoutMs); w.compactArray(topics); w.tagged(tagged)
    }
}

public struct ProduceResponse: WireCodable {
    public struct RecordError: WireCodable {
        public var batchIndex: Int32
        public var message: String?
        public var tagged: TaggedFields = .none

        public init(from r: inout WireReader) throws {
            batchIndex = try r.int32("batch_index"); message = try r.compactNullableString("batch_index_error_message"); tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) { w.int32(batchIndex); w.compactNullableString(message); w.tagged(tagged) }
    }

    public struct Partition: WireCodable {
        public var index: Int32
        public var errorCode: Int16
        public var baseOffset: Int64
        public var logAppendTimeMs: Int64
        public var logStartOffset: Int64
        public var recordErrors: [RecordError]
        public var errorMessage: String?
        public var tagged: TaggedFields = .none

        public init(from r: inout WireReader) throws {
            index = try r.int32("index"); errorCode = try r.int16("error_code"); baseOffset = try r.int64("base_offset")
            logAppendTimeMs = try r.int64("log_append_time_ms"); logStartOffset = try r.int64("log_start_offset")
            recordErrors = try r.compactArray("record_errors"); errorMessage = try r.compactNullableString("error_message")
            tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) {
            w.int32(index); w.int16(errorCode); w.int64(baseOffset); w.int64(logAppendTimeMs); w.int64(logStartOffset)
            w.compactArray(recordErrors); w.compactNullableString(errorMessage); w.tagged(tagged)
        }
    }

    public struct Topic: WireCodable {
        public var name: String
        public var partitions: [Partition]
        public var tagged: TaggedFields = .none

        public init(from r: inout WireReader) throws {
            name = try r.compactString("name"); partitions = try r.compactArray("partition_responses"); tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) { w.compactString(name); w.compactArray(partitions); w.tagged(tagged) }
    }

    public var topics: [Topic]
    public var throttleTimeMs: Int32
    public var tagged: TaggedFields = .none

    public init(from r: inout WireReader) throws {
        topics = try r.compactArray("responses"); throttleTimeMs = try r.int32("throttle_time_ms"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) { w.compactArray(topics); w.int32(throttleTimeMs); w.tagged(tagged) }
}
