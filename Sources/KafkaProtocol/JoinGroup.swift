// JoinGroup v6: joins a consumer group; the leader gets every member's subscription.

public struct JoinGroupRequest: KafkaRequest {
    public typealias Response = JoinGroupResponse
    public static let apiKey = ApiKey.joinGroup
    public static let apiVersion: Int16 = 6

    public struct GroupProtocol: WireCodable {
        public var name: String
        public var metadata: [UInt8]
        public var tagged: TaggedFields = .none

        public init(name: String, metadata: [UInt8]) { self.name = name; self.metadata = metadata }

        public init(from r: inout WireReader) throws {
            name = try r.compactString("protocol name"); metadata = try r.compactBytes("protocol metadata"); tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) { w.compactString(name); w.compactBytes(metadata); w.tagged(tagged) }
    }

    public var groupId: String
    public var sessionTimeoutMs: Int32
    public var rebalanceTimeoutMs: Int32
    /// Empty on the first join; since v4 the broker answers MEMBER_ID_REQUIRED with an id to join again with.
    public var memberId: String
    public var groupInstanceId: String?
    public var protocolType: String
    public var protocols: [GroupProtocol]
    public var tagged: TaggedFields = .none

    public init(groupId: String, sessionTimeoutMs: Int32, rebalanceTimeoutMs: Int32, memberId: String,
                groupInstanceId: String? = nil, protocolType: String = "consumer", protocols: [GroupProtocol]) {
        self.groupId = groupId; self.sessionTimeoutMs = sessionTimeoutMs; self.rebalanceTimeoutMs = rebalanceTimeoutMs
        self.memberId = memberId; self.groupInstanceId = groupInstanceId; self.protocolType = protocolType; self.protocols = protocols
    }

    public init(from r: inout WireReader) throws {
        groupId = try r.compactString("group_id"); sessionTimeoutMs = try r.int32("session_timeout_ms")
        rebalanceTimeoutMs = try r.int32("rebalance_timeout_ms"); memberId = try r.compactString("member_id")
        groupInstanceId = try r.compactNullableString("group_instance_id"); protocolType = try r.compactString("protocol_type")
        protocols = try r.compactArray("protocols"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) {
        w.compactString(groupId); w.int32(sessionTimeoutMs); w.int32(rebalanceTimeoutMs); w.compactString(memberId)
        w.compactNullableString(groupInstanceId); w.compactString(protocolType); w.compactArray(protocols); w.tagged(tagged)
    }
}

public struct JoinGroupResponse: WireCodable {
    public struct Member: WireCodable {
        public var memberId: String
        public var groupInstanceId: String?
        public var metadata: [UInt8]
        public var tagged: TaggedFields = .none

        public init(from r: inout WireReader) throws {
            memberId = try r.compactString("member_id"); groupInstanceId = try r.compactNullableString("group_instance_id")
            metadata = try r.compactBytes("metadata"); tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) { w.compactString(memberId); w.compactNullableString(groupInstanceId); w.compactBytes(metadata); w.tagged(tagged) }
    }

    public var throttleTimeMs: Int32
    public var errorCode: Int16
    public var generationId: Int32
    public var protocolName: String
    public var leader: String
    public var memberId: String
    public var members: [Member]
    public var tagged: TaggedFields = .none

    public init(from r: inout WireReader) throws {
        throttleTimeMs = try r.int32("throttle_time_ms"); errorCode = try r.int16("error_code")
        generationId = try r.int32("generation_id"); protocolName = try r.compactString("protocol_name")
        leader = try r.compactString("leader"); memberId = try r.compactString("member_id")
        members = try r.compactArray("members"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) {
        w.int32(throttleTimeMs); w.int16(errorCode); w.int32(generationId); w.compactString(protocolName)
        w.compactString(leader); w.compactString(memberId); w.compactArray(members); w.tagged(tagged)
    }
}
