// ApiVersions v3: which API versions the broker speaks (its response keeps header v0).

public struct ApiVersionsRequest: KafkaRequest {
    public typealias Response = ApiVersionsResponse
    public static let apiKey = ApiKey.apiVersions
    public static let apiVersion: Int16 = 3
    public var clientSoftwareName: String
    public var clientSoftwareVersion: String
    public var tagged: TaggedFields = .none

    public init(clientSoftwareName: String = "faultline-kafka", clientSoftwareVersion: String = "1.0") {
        self.clientSoftwareName = clientSoftwareName
        self.clientSoftwareVersion = clientSoftwareVersion
    }

    public init(from r: inout WireReader) throws {
        clientSoftwareName = try r.compactString("client_software_name")
        clientSoftwareVersion = try r.compactString("client_software_version")
        tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) {
        w.compactString(clientSoftwareName); w.compactString(clientSoftwareVersion); w.tagged(tagged)
    }
}

public struct ApiVersionsResponse: WireCodable {
    public struct ApiVersion: WireCodable {
        public var apiKey: Int16
        public var minVersion: Int16
        public var maxVersion: Int16
        public var tagged: TaggedFields = .none

        public init(from r: inout WireReader) throws {
            apiKey = try r.int16("api_key"); minVersion = try r.int16("min_version"); maxVersion = try r.int16("max_version")
            tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) { w.int16(apiKey); w.int16(minVersion); w.int16(maxVersion); w.tagged(tagged) }
    }

    public var errorCode: Int16
    public var apiKeys: [ApiVersion]
    public var throttleTimeMs: Int32
    /// Tags 0-3: supported features, finalized features epoch, finalized features, zk migration ready.
    public var tagged: TaggedFields = .none

    public init(from r: inout WireReader) throws {
        errorCode = try r.int16("error_code")
        apiKeys = try r.compactArray("api_keys")
        throttleTimeMs = try r.int32("throttle_time_ms")
        tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) {
        w.int16(errorCode); w.compactArray(apiKeys); w.int32(throttleTimeMs); w.tagged(tagged)
    }

    /// The broker's version range for `key`, if it supports the API at all.
    public func range(of key: ApiKey) -> ClosedRange<Int16>? {
        apiKeys.first { $0.apiKey == key.rawValue }.map { $0.minVersion...max($0.minVersion, $0.maxVersion) }
    }
}
