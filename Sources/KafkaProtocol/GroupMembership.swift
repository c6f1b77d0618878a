// Heartbeat v4 and LeaveGroup v4: staying in a consumer group, and leaving it.

public struct HeartbeatRequest: KafkaRequest {
    public typealias Response = HeartbeatResponse
    public static let apiKey = ApiKey.heartbeat
    public static let apiVersion: Int16 = 4

    public var groupId: String
    public var generationId: Int32
    public var memberId: String
    public var groupInstanceId: String?
    public var tagged: TaggedFields = .none

    public init(groupId: String, generationId: Int32, memberId: String, groupInstanceId: String? = nil) {
        self.groupId = groupId; self.generationId = generationId; self.memberId = memberId; self.groupInstanceId = groupInstanceId
    }

    public init(from r: inout WireReader) throws {
        groupId = try r.compactString("group_id"); generationId = try r.int32("generation_id")
        memberId = try r.compactString("member_id"); groupInstanceId = try r.compactNullableString("group_instance_id")
        tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) {
        w.compactString(groupId); w.int32(generationId); w.compactString(memberId); w.compactNullableString(groupInstanceId); w.tagged(tagged)
    }
}

/// Heartbeat and EndTxn answer with an error code alone.
public typealias HeartbeatResponse = ErrorCodeResponse

public struct LeaveGroupRequest: KafkaRequest {
    public typealias Response = LeaveGroupResponse
    public static let apiKey = ApiKey.leaveGroup
    public static let apiVersion: Int16 = 4

    public struct Member: WireCodable {
        public var memberId: String
        public var groupInstanceId: String?
        public var tagged: TaggedFields = .none

        public init(memberId: String, groupInstanceId: String? = nil) { self.memberId = memberId; self.groupInstanceId = groupInstanceId }

        public init(from r: inout WireReader) throws {
            memberId = try r.compactString("member_id"); groupInstanceId = try r.compactNullableString("group_instance_id"); tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) { w.compactString(memberId); w.compactNullableString(groupInstanceId); w.tagged(tagged) }
    }

    public var groupId: String
    public var members: [Member]
    public var tagged: TaggedFields = .none

    public init(groupId: String, members: [Member]) { self.groupId = groupId; self.members = members }

    public init(from r: inout WireReader) throws {
        groupId = try r.compactString("group_id"); members = try r.compactArray("members"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) { w.compactString(groupId); w.compactArray(members); w.tagged(tagged) }
}

public struct LeaveGroupResponse: WireCodable {
    public struct Member: WireCodable {
        public var memberId: String
        public var groupInstanceId: String?
        public var errorCode: Int16
        public var tagged: TaggedFields = .none

        public init(from r: inout WireReader) throws {
            memberId = try r.compactString("member_id"); groupInstanceId = try r.compactNullableString("group_instance_id")
            errorCode = try r.int16("error_code"); tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) { w.compactString(memberId); w.compactNullableString(groupInstanceId); w.int16(errorCode); w.tagged(tagged) }
    }

    public var throttleTimeMs: Int32
    public var errorCode: Int16
    public var members: [Member]
    public var tagged: TaggedFields = .none

    public init(from r: inout WireReader) throws {
        throttleTimeMs = try r.int32("throttle_time_ms"); errorCode = try r.int16("error_code")
        members = try r.compactArray("members"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) { w.int32(throttleTimeMs); w.int16(errorCode); w.compactArray(members); w.tagged(tagged) }
}
