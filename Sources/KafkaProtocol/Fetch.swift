// Fetch v12: reads record batches from partitions, by topic name, with an isolation level.

/// read_uncommitted (0) sees every record; read_committed (1) stops at the last stable offset and
/// gets the aborted transactions so their records can be dropped.
public enum IsolationLevel: Int8, Sendable {
    case readUncommitted = 0, readCommitted = 1
}

public struct FetchRequest: KafkaRequest {
    public typealias Response = FetchResponse
    public static let apiKey = ApiKey.fetch
    public static let apiVersion: Int16 = 12

    public struct Partition: WireCodable {
        public var partition: Int32
        public var currentLeaderEpoch: Int32 = -1
        public var fetchOffset: Int64
        public var lastFetchedEpoch: Int32 = -1
        public var logStartOffset: Int64 = -1
        public var partitionMaxBytes: Int32
        public var tagged: TaggedFields = .none

        public init(partition: Int32, fetchOffset: Int64, partitionMaxBytes: Int32) {
            self.partition = partition; self.fetchOffset = fetchOffset; self.partitionMaxBytes = partitionMaxBytes
        }

        public init(from r: inout WireReader) throws {
            partition = try r.int32("partition"); currentLeaderEpoch = try r.int32("current_leader_epoch")
            fetchOffset = try r.int64("fetch_offset"); lastFetchedEpoch = try r.int32("last_fetched_epoch")
            logStartOffset = try r.int64("log_start_offset"); partitionMaxBytes = try r.int32("partition_max_bytes")
            tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) {
            w.int32(partition); w.int32(currentLeaderEpoch); w.int64(fetchOffset); w.int32(lastFetchedEpoch)
            w.int64(logStartOffset); w.int32(partitionMaxBytes); w.tagged(tagged)
        }
    }

    public struct Topic: WireCodable {
        public var topic: String
        public var partitions: [Partition]
        public var tagged: TaggedFields = .none

        public init(topic: String, partitions: [Partition]) { self.topic = topic; self.partitions = partitions }

        public init(from r: inout WireReader) throws {
            topic = try r.compactString("topic"); partitions = try r.compactArray("partitions"); tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) { w.compactString(topic); w.compactArray(partitions); w.tagged(tagged) }
    }

    public struct ForgottenTopic: WireCodable {
        public var topic: String
        public var partitions: [Int32]
        public var tagged: TaggedFields = .none

        public init(topic: String, partitions: [Int32]) { self.topic = topic; self.partitions = partitions }

        public init(from r: inout WireReader) throws {
            topic = try r.compactString("topic"); partitions = try r.compactInt32Array("partitions"); tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) { w.compactString(topic); w.compactInt32Array(partitions); w.tagged(tagged) }
    }

    /// -1: a consumer, not a follower broker.
    public var replicaId: Int32 = -1
    public var maxWaitMs: Int32
    public var minBytes: Int32
    public var maxBytes: Int32
    public var isolationLevel: Int8
    /// 0 and -1: no incremental fetch session (every request lists its partitions in full).
    public var sessionId: Int32 = 0
    public var sessionEpoch: Int32 = -1
    public var topics: [Topic]
    public var forgottenTopics: [ForgottenTopic] = []
    public var rackId: String = ""
    public var tagged: TaggedFields = .none

    public init(maxWaitMs: Int32, minBytes: Int32, maxBytes: Int32, isolationLevel: IsolationLevel, topics: [Topic]) {
        self.maxWaitMs = maxWaitMs; self.minBytes = minBytes; self.maxBytes = maxBytes
        self.isolationLevel = isolationLevel.rawValue; self.topics = topics
    }

    public init(from r: inout WireReader) throws {
        replicaId = try r.int32("replica_id"); maxWaitMs = try r.int32("max_wait_ms"); minBytes = try r.int32("min_bytes")
        maxBytes = try r.int32("max_bytes"); isolationLevel = try r.int8("isolation_level"); sessionId = try r.int32("session_id")
        sessionEpoch = try r.int32("session_epoch"); topics = try r.compactArray("topics")
        forgottenTopics = try r.compactArray("forgotten_topics_data"); rackId = try r.compactString("rack_id"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) {
        w.int32(replicaId); w.int32(maxWaitMs); w.int32(minBytes); w.int32(maxBytes); w.int8(isolationLevel)
        w.int32(sessionId); w.int32(sessionEpoch); w.compactArray(topics); w.compactArray(forgottenTopics)
        w.compactString(rackId); w.tagged(tagged)
    }
}

public struct FetchResponse: WireCodable {
    public struct AbortedTransaction: WireCodable {
        public var producerId: Int64
        public var firstOffset: Int64
        public var tagged: TaggedFields = .none

        public init(producerId: Int64, firstOffset: Int64) { self.producerId = producerId; self.firstOffset = firstOffset }

        public init(from r: inout WireReader) throws {
            producerId = try r.int64("producer_id"); firstOffset = try r.int64("first_offset"); tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) { w.int64(producerId); w.int64(firstOffset); w.tagged(tagged) }
    }

    public struct Partition: WireCodable {
        public var partitionIndex: Int32
        public var errorCode: Int16
        public var highWatermark: Int64
        public var lastStableOffset: Int64
        public var logStartOffset: Int64
        public var abortedTransactions: [AbortedTransaction]?
        public var preferredReadReplica: Int32
        /// Concatenated record batches; the last one may be cut short by the size limit.
        public var records: [UInt8]?
        /// Tags 0-2: diverging epoch, current leader, snapshot id.
        public var tagged: TaggedFields = .none

        public init(from r: inout WireReader) throws {
            partitionIndex = try r.int32("partition_index"); errorCode = try r.int16("error_code")
            highWatermark = try r.int64("high_watermark"); lastStableOffset = try r.int64("last_stable_offset")
            logStartOffset = try r.int64("log_start_offset"); abortedTransactions = try r.compactNullableArray("aborted_transactions")
            preferredReadReplica = try r.int32("preferred_read_replica"); records = try r.compactNullableBytes("records")
            tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) {
            w.int32(partitionIndex); w.int16(errorCode); w.int64(highWatermark); w.int64(lastStableOffset)
            w.int64(logStartOffset); w.compactNullableArray(abortedTransactions); w.int32(preferredReadReplica)
            w.compactNullableBytes(records); w.tagged(tagged)
        }
    }

    public struct Topic: WireCodable {
        public var topic: String
        public var partitions: [Partition]
        public var tagged: TaggedFields = .none

        public init(from r: inout WireReader) throws {
            topic = try r.compactString("topic"); partitions = try r.compactArray("partitions"); tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) { w.compactString(topic); w.compactArray(partitions); w.tagged(tagged) }
    }

    public var throttleTimeMs: Int32
    public var errorCode: Int16
    public var sessionId: Int32
    public var responses: [Topic]
    public var tagged: TaggedFields = .none

    public init(from r: inout WireReader) throws {
        throttleTimeMs = try r.int32("throttle_time_ms"); errorCode = try r.int16("error_code")
        sessionId = try r.int32("session_id"); responses = try r.compactArray("responses"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) {
        w.int32(throttleTimeMs); w.int16(errorCode); w.int32(sessionId); w.compactArray(responses); w.tagged(tagged)
    }
}
