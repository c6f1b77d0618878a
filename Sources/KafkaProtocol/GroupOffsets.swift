// OffsetCommit v8 and OffsetFetch v7: a consumer group's committed positions.

public struct OffsetCommitRequest: KafkaRequest {
    public typealias Response = OffsetCommitResponse
    public static let apiKey = ApiKey.offsetCommit
    public static let apiVersion: Int16 = 8

    public struct Partition: WireCodable {
        public var partitionIndex: Int32
        public var committedOffset: Int64
        public var committedLeaderEpoch: Int32 = -1
        public var committedMetadata: String?
        public var tagged: TaggedFields = .none

        public init(partitionIndex: Int32, committedOffset: Int64, committedMetadata: String? = nil) {
            self.partitionIndex = partitionIndex; self.committedOffset = committedOffset; self.committedMetadata = committedMetadata
        }

        public init(from r: inout WireReader) throws {
            partitionIndex = try r.int32("partition_index"); committedOffset = try r.int64("committed_offset")
            committedLeaderEpoch = try r.int32("committed_leader_epoch"); committedMetadata = try r.compactNullableString("committed_metadata")
            tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) {
            w.int32(partitionIndex); w.int64(committedOffset); w.int32(committedLeaderEpoch); w.compactNullableString(committedMetadata); w.tagged(tagged)
        }
    }

    public typealias Topic = NamedTopic<Partition>

    public var groupId: String
    /// -1 with an empty member id commits outside any generation (a simple, assign()-style consumer).
    public var generationId: Int32
    public var memberId: String
    public var groupInstanceId: String?
    public var topics: [Topic]
    public var tagged: TaggedFields = .none

    public init(groupId: String, generationId: Int32, memberId: String, groupInstanceId: String? = nil, topics: [Topic]) {
        self.groupId = groupId; self.generationId = generationId; self.memberId = memberId
        self.groupInstanceId = groupInstanceId; self.topics = topics
    }

    public init(from r: inout WireReader) throws {
        groupId = try r.compactString("group_id"); generationId = try r.int32("generation_id_or_member_epoch")
        memberId = try r.compactString("member_id"); groupInstanceId = try r.compactNullableString("group_instance_id")
        topics = try r.compactArray("topics"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) {
        w.compactString(groupId); w.int32(generationId); w.compactString(memberId); w.compactNullableString(groupInstanceId)
        w.compactArray(topics); w.tagged(tagged)
    }
}

public struct OffsetCommitResponse: WireCodable {
    public struct Partition: WireCodable {
        public var partitionIndex: Int32
        public var errorCode: Int16
        public var tagged: TaggedFields = .none

        public init(from r: inout WireReader) throws {
            partitionIndex = try r.int32("partition_index"); errorCode = try r.int16("error_code"); tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) { w.int32(partitionIndex); w.int16(errorCode); w.tagged(tagged) }
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

public struct OffsetFetchRequest: KafkaRequest {
    public typealias Response = OffsetFetchResponse
    public static let apiKey = ApiKey.offsetFetch
    public static let apiVersion: Int16 = 7

    public struct Topic: WireCodable {
        public var name: String
        public var partitionIndexes: [Int32]
        public var tagged: TaggedFields = .none

        public init(name: String, partitionIndexes: [Int32]) { self.name = name; self.partitionIndexes = partitionIndexes }

        public init(from r: inout WireReader) throws {
            name = try r.compactString("name"); partitionIndexes = try r.compactInt32Array("partition_indexes"); tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) { w.compactString(name); w.compactInt32Array(partitionIndexes); w.tagged(tagged) }
    }

    public var groupId: String
    /// nil asks for every committed partition of the group.
    public var topics: [Topic]?
    /// True: wait for pending transactional commits to settle (UNSTABLE_OFFSET_COMMIT otherwise).
    public var requireStable: Bool
    public var tagged: TaggedFields = .none

    public init(groupId: String, topics: [Topic]?, requireStable: Bool = false) {
        self.groupId = groupId; self.topics = topics; self.requireStable = requireStable
    }

    public init(from r: inout WireReader) throws {
        groupId = try r.compactString("group_id"); topics = try r.compactNullableArray("topics")
        requireStable = try r.bool("require_stable"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) { w.compactString(groupId); w.compactNullableArray(topics); w.bool(requireStable); w.tagged(tagged) }
}

public struct OffsetFetchResponse: WireCodable {
    public struct Partition: WireCodable {
        public var partitionIndex: Int32
        /// -1 when the group has committed nothing for this partition.
        public var committedOffset: Int64
        public var committedLeaderEpoch: Int32
        public var metadata: String?
        public var errorCode: Int16
        public var tagged: TaggedFields = .none

        public init(from r: inout WireReader) throws {
            partitionIndex = try r.int32("partition_index"); committedOffset = try r.int64("committed_offset")
            committedLeaderEpoch = try r.int32("committed_leader_epoch"); metadata = try r.compactNullableString("metadata")
            errorCode = try r.int16("error_code"); tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) {
            w.int32(partitionIndex); w.int64(committedOffset); w.int32(committedLeaderEpoch); w.compactNullableString(metadata)
            w.int16(errorCode); w.tagged(tagged)
        }
    }

    public typealias Topic = NamedTopic<Partition>

    public var throttleTimeMs: Int32
    public var topics: [Topic]
    public var errorCode: Int16
    public var tagged: TaggedFields = .none

    public init(from r: inout WireReader) throws {
        throttleTimeMs = try r.int32("throttle_time_ms"); topics = try r.compactArray("topics")
        errorCode = try r.int16("error_code"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) { w.int32(throttleTimeMs); w.compactArray(topics); w.int16(errorCode); w.tagged(tagged) }
}
