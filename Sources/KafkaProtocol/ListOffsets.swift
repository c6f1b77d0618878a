// ListOffsets v6: the offset at a timestamp, or the earliest (-2) / latest (-1) offset of a partition.

public struct ListOffsetsRequest: KafkaRequest {
    public typealias Response = ListOffsetsResponse
    public static let apiKey = ApiKey.listOffsets
    public static let apiVersion: Int16 = 6
    public static let latest: Int64 = -1
    public static let earliest: Int64 = -2

    public struct Partition: WireCodable {
        public var partitionIndex: Int32
        public var currentLeaderEpoch: Int32 = -1
        /// A timestamp in ms, or `latest` / `earliest`.
        public var timestamp: Int64
        public var tagged: TaggedFields = .none

        public init(partitionIndex: Int32, timestamp: Int64) { self.partitionIndex = partitionIndex; self.timestamp = timestamp }

        public init(from r: inout WireReader) throws {
            partitionIndex = try r.int32("partition_index"); currentLeaderEpoch = try r.int32("current_leader_epoch")
            timestamp = try r.int64("timestamp"); tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) { w.int32(partitionIndex); w.int32(currentLeaderEpoch); w.int64(timestamp); w.tagged(tagged) }
    }

    public typealias Topic = NamedTopic<Partition>

    public var replicaId: Int32 = -1
    public var isolationLevel: Int8
    public var topics: [Topic]
    public var tagged: TaggedFields = .none

    public init(isolationLevel: IsolationLevel, topics: [Topic]) { self.isolationLevel = isolationLevel.rawValue; self.topics = topics }

    public init(from r: inout WireReader) throws {
        replicaId = try r.int32("replica_id"); isolationLevel = try r.int8("isolation_level")
        topics = try r.compactArray("topics"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) { w.int32(replicaId); w.int8(isolationLevel); w.compactArray(topics); w.tagged(tagged) }
}

public struct ListOffsetsResponse: WireCodable {
    public struct Partition: WireCodable {
        public var partitionIndex: Int32
        public var errorCode: Int16
        public var timestamp: Int64
        public var offset: Int64
        public var leaderEpoch: Int32
        public var tagged: TaggedFields = .none

        public init(from r: inout WireReader) throws {
            partitionIndex = try r.int32("partition_index"); errorCode = try r.int16("error_code")
            timestamp = try r.int64("timestamp"); offset = try r.int64("offset"); leaderEpoch = try r.int32("leader_epoch")
            tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) {
            w.int32(partitionIndex); w.int16(errorCode); w.int64(timestamp); w.int64(offset); w.int32(leaderEpoch); w.tagged(tagged)
        }
    }

    public typealias Topic = NamedTopic<Partition>

    public var throttleTimeMs: Int32
    public var topics: [Topic]
    public var tagged: TaggedFields = .none

    public init(from r: inout WireReader) throws {
        throttleTimeMs = try r.int32("throttle_time_ms"); topics = try r.compactArray("topics"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) { w.int32(throttleTimeMs); w.compactArray(topics); w.tagged(tagged) }
}
