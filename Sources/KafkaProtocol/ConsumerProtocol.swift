// ConsumerProtocol: the "consumer" group protocol's member metadata and assignment (version 0, classic encoding).

/// What a member subscribes to, carried opaque in JoinGroup's protocol metadata.
public struct ConsumerSubscription: WireCodable {
    public var version: Int16 = 0
    public var topics: [String]
    public var userData: [UInt8]?

    public init(topics: [String], userData: [UInt8]? = nil) { self.topics = topics; self.userData = userData }

    public init(from r: inout WireReader) throws {
        version = try r.int16("subscription version")
        topics = try r.array("subscription topics") { try $0.string("topic") }
        userData = try r.nullableBytes("user_data")
        // Versions above 0 append fields (owned partitions, generation, rack); they are not ours to keep.
        if version > 0 { try r.skip(r.remaining) }
    }

    public func write(to w: inout WireWriter) {
        w.int16(version); w.array(topics) { w, t in w.string(t) }; w.nullableBytes(userData)
    }
}

/// The partitions the leader gave one member, carried opaque in SyncGroup.
public struct ConsumerAssignment: WireCodable {
    public struct TopicPartitions: Equatable, Sendable {
        public var topic: String
        public var partitions: [Int32]
        public init(topic: String, partitions: [Int32]) { self.topic = topic; self.partitions = partitions }
    }

    public var version: Int16 = 0
    public var assigned: [TopicPartitions]
    public var userData: [UInt8]?

    public init(assigned: [TopicPartitions], userData: [UInt8]? = nil) { self.assigned = assigned; self.userData = userData }

    public init(from r: inout WireReader) throws {
        version = try r.int16("assignment version")
        assigned = try r.array("assigned partitions") { r in
            TopicPartitions(topic: try r.string("topic"), partitions: try r.array("partitions") { try $0.int32("partition") })
        }
        userData = try r.nullableBytes("user_data")
    }

    public func write(to w: inout WireWriter) {
        w.int16(version)
        w.array(assigned) { w, tp in w.string(tp.topic); w.array(tp.partitions) { w, p in w.int32(p) } }
        w.nullableBytes(userData)
    }
}
