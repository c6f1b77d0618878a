// ErrorCodeResponse: the answer that is a throttle time and an error code alone (flexible versions of
// Heartbeat and EndTxn); each request names it with a typealias.

public struct ErrorCodeResponse: WireCodable {
    public var throttleTimeMs: Int32
    public var errorCode: Int16
    public var tagged: TaggedFields = .none

    public init(from r: inout WireReader) throws {
        throttleTimeMs = try r.int32("throttle_time_ms"); errorCode = try r.int16("error_code"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) { w.int32(throttleTimeMs); w.int16(errorCode); w.tagged(tagged) }
}
