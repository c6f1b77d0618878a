// SyncGroup v4: the leader hands out assignments; every member gets its own back.

public struct SyncGroupRequest: KafkaRequest {
    public typealias Response = SyncGroupResponse
    public static let apiKey = ApiKey.syncGroup
    public static let apiVersion: Int16 = 4

    public struct Assignment: WireCodable {
        public var memberId: String
        public var assignment: [UInt8]
        public var tagged: TaggedFields = .none

        public init(memberId: String, assignment: [UInt8]) { self.memberId = memberId; self.assignment = assignment }

        public init(from r: inout WireReader) throws {
            memberId = try r.compactString("member_id"); assignment = try r.compactBytes("assignment"); tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) { w.compactString(memberId); w.compactBytes(assignment); w.tagged(tagged) }
    }

    public var groupId: String
    public var generationId: Int32
    public var memberId: String
    public var groupInstanceId: String?
    /// Filled by the leader only; other members send an empty array.
    public var assignments: [Assignment]
    public var tagged: TaggedFields = .none

    public init(groupId: String, generationId: Int32, memberId: String, groupInstanceId: String? = nil, assignments: [Assignment]) {
        self.groupId = groupId; self.generationId = generationId; self.memberId = memberId
        self.groupInstanceId = groupInstanceId; self.assignments = assignments
    }

    public init(from r: inout WireReader) throws {
        groupId = try r.compactString("group_id"); generationId = try r.int32("generation_id")
        memberId = try r.compactString("member_id"); groupInstanceId = try r.compactNullableString("group_instance_id")
        assignments = try r.compactArray("assignments"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) {
        w.compactString(groupId); w.int32(generationId); w.compactString(memberId); w.compactNullableString(groupInstanceId)
        w.compactArray(assignments); w.tagged(tagged)
    }
}

public struct SyncGroupResponse: WireCodable {
    public var throttleTimeMs: Int32
    public var errorCode: Int16
    public var assignment: [UInt8]
    public var tagged: TaggedFields = .none

    public init(from r: inout WireReader) throws {
        throttleTimeMs = try r.int32("throttle_time_ms"); errorCode = try r.int16("error_code")
        assignment = try r.compactBytes("assignment"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) { w.int32(throttleTimeMs); w.int16(errorCode); w.compactBytes(assignment); w.tagged(tagged) }
}
