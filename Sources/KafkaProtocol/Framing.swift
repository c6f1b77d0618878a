// Framing: API keys, the request/response headers and the size-prefixed frame around them.

/// The Kafka APIs this client speaks, by their wire key.
public enum ApiKey: Int16, Sendable, CaseIterable {
    case produce = 0, fetch = 1, listOffsets = 2, metadata = 3, offsetCommit = 8, offsetFetch = 9
    case findCoordinator = 10, joinGroup = 11, heartbeat = 12, leaveGroup = 13, syncGroup = 14
    case apiVersions = 18, createTopics = 19, initProducerId = 22, addPartitionsToTxn = 24, addOffsetsToTxn = 25, endTxn = 26
    case txnOffsetCommit = 28
}

/// A request body this client can send: its API key and the one version it is written for.
/// Every version chosen is a flexible one, so requests use header v2 and responses header v1
/// (ApiVersions responses alone keep header v0, so a client of any age can read them).
public protocol KafkaRequest: WireCodable {
    associatedtype Response: WireCodable
    static var apiKey: ApiKey { get }
    static var apiVersion: Int16 { get }
    /// False only for a produce with acks=0: the broker sends nothing back.
    var expectsResponse: Bool { get }
}

extension KafkaRequest {
    public var expectsResponse: Bool { true }
    /// Whether the response header carries a tagged-field section (header v1).
    public static var responseHeaderIsFlexible: Bool { apiKey != .apiVersions }
}

/// Request header v2: api key, version, correlation id, client id (a classic nullable string even
/// in flexible versions) and tagged fields.
public struct RequestHeader: WireCodable {
    public var apiKey: Int16
    public var apiVersion: Int16
    public var correlationId: Int32
    public var clientId: String?
    public var tagged: TaggedFields

    public init(apiKey: Int16, apiVersion: Int16, correlationId: Int32, clientId: String?, tagged: TaggedFields = .none) {
        self.apiKey = apiKey; self.apiVersion = apiVersion; self.correlationId = correlationId
        self.clientId = clientId; self.tagged = tagged
    }

    public init(from r: inout WireReader) throws {
        apiKey = try r.int16("request_api_key")
        apiVersion = try r.int16("request_api_version")
        correlationId = try r.int32("correlation_id")
        clientId = try r.nullableString("client_id")
        tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) {
        w.int16(apiKey); w.int16(apiVersion); w.int32(correlationId); w.nullableString(clientId); w.tagged(tagged)
    }
}

/// Size-prefixed frames: every request and response is an int32 byte count, then that many bytes.
public enum Frame {
    /// Frames larger than this are refused as corrupt (Kafka's default socket.request.max.bytes is 100 MiB).
    public static let maxSize = 100 * 1024 * 1024

    /// The complete frame for `request` with the given correlation id and client id.
    public static func request<R: KafkaRequest>(_ request: R, correlationId: Int32, clientId: String?) -> [UInt8] {
        var w = WireWriter()
        w.int32(0)
        RequestHeader(apiKey: R.apiKey.rawValue, apiVersion: R.apiVersion, correlationId: correlationId, clientId: clientId).write(to: &w)
        request.write(to: &w)
        w.patchUInt32(UInt32(w.bytes.count - 4), at: 0)
        return w.bytes
    }

    /// Splits a request frame body (after the size) into its header and decoded body.
    public static func parseRequest<R: KafkaRequest>(_ body: [UInt8], as _: R.Type) throws -> (RequestHeader, R) {
        var r = WireReader(body)
        let h = try RequestHeader(from: &r)
        let req = try R(from: &r)
        try r.expectEnd()
        return (h, req)
    }

    /// A response frame (size included) for `response`: header v0 or v1 as `R` requires.
    public static func response<R: KafkaRequest>(_ response: R.Response, to _: R.Type, correlationId: Int32, headerTags: TaggedFields = .none) -> [UInt8] {
        var w = WireWriter()
        w.int32(0)
        w.int32(correlationId)
        if R.responseHeaderIsFlexible { w.tagged(headerTags) }
        response.write(to: &w)
        w.patchUInt32(UInt32(w.bytes.count - 4), at: 0)
        return w.bytes
    }

    /// Decodes a response frame body (after the size) as the answer to an `R` request.
    public static func parseResponse<R: KafkaRequest>(_ body: [UInt8], for _: R.Type) throws -> (correlationId: Int32, response: R.Response) {
        var r = WireReader(body)
        let id = try r.int32("correlation_id")
        if R.responseHeaderIsFlexible { _ = try r.tagged("response header tagged fields") }
        let resp = try R.Response(from: &r)
        try r.expectEnd()
        return (id, resp)
    }
}
