// FindCoordinator v3: the broker that coordinates a consumer group (key type 0) or transactional id (1).

public struct FindCoordinatorRequest: KafkaRequest {
    public typealias Response = FindCoordinatorResponse
    public static let apiKey = ApiKey.findCoordinator
    public static let apiVersion: Int16 = 3
    public static let group: Int8 = 0
    public static let transaction: Int8 = 1

    public var key: String
    public var keyType: Int8
    public var tagged: TaggedFields = .none

    public init(key: String, keyType: Int8) { self.key = key; self.keyType = keyType }

    public init(from r: inout WireReader) throws {
        key = try r.compactString("key"); keyType = try r.int8("key_type"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) { w.compactString(key); w.int8(keyType); w.tagged(tagged) }
}

public struct FindCoordinatorResponse: WireCodable {
    public var throttleTimeMs: Int32
    public var errorCode: Int16
    public var errorMessage: String?
    public var nodeId: Int32
    public var host: String
    public var port: Int32
    public var tagged: TaggedFields = .none

    public init(from r: inout WireReader) throws {
        throttleTimeMs = try r.int32("throttle_time_ms"); errorCode = try r.int16("error_code")
        errorMessage = try r.compactNullableString("error_message"); nodeId = try r.int32("node_id")
        host = try r.compactString("host"); port = try r.int32("port"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) {
        w.int32(throttleTimeMs); w.int16(errorCode); w.compactNullableString(errorMessage); w.int32(nodeId)
        w.compactString(host); w.int32(port); w.tagged(tagged)
    }
}
