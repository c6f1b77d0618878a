// CreateTopics v5: creates topics with a partition count and replication factor.

public struct CreateTopicsRequest: KafkaRequest {
    public typealias Response = CreateTopicsResponse
    public static let apiKey = ApiKey.createTopics
    public static let apiVersion: Int16 = 5

    public struct Topic: WireCodable {
        public var name: String
        public var numPartitions: Int32
        public var replicationFactor: Int16
        /// Manual assignments: (partition, broker ids). Empty lets the broker choose.
        public var assignments: [Assignment] = []
        public var configs: [Config] = []
        public var tagged: TaggedFields = .none

        public init(name: String, numPartitions: Int32, replicationFactor: Int16, configs: [Config] = []) {
            self.name = name; self.numPartitions = numPartitions; self.replicationFactor = replicationFactor; self.configs = configs
        }

        public init(from r: inout WireReader) throws {
            name = try r.compactString("name"); numPartitions = try r.int32("num_partitions")
            replicationFactor = try r.int16("replication_factor"); assignments = try r.compactArray("assignments")
            configs = try r.compactArray("configs"); tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) {
            w.compactString(name); w.int32(numPartitions); w.int16(replicationFactor)
            w.compactArray(assignments); w.compactArray(configs); w.tagged(tagged)
        }
    }

    public struct Assignment: WireCodable {
        public var partitionIndex: Int32
        public var brokerIds: [Int32]
        public var tagged: TaggedFields = .none

        public init(partitionIndex: Int32, brokerIds: [Int32]) { self.partitionIndex = partitionIndex; self.brokerIds = brokerIds }

        public init(from r: inout WireReader) throws {
            partitionIndex = try r.int32("partition_index"); brokerIds = try r.compactInt32Array("broker_ids"); tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) { w.int32(partitionIndex); w.compactInt32Array(brokerIds); w.tagged(tagged) }
    }

    public struct Config: WireCodable {
        public var name: String
        public var value: String?
        public var tagged: TaggedFields = .none

        public init(name: String, value: String?) { self.name = name; self.value = value }

        public init(from r: inout WireReader) throws {
            name = try r.compactString("config name"); value = try r.compactNullableString("config value"); tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) { w.compactString(name); w.compactNullableString(value); w.tagged(tagged) }
    }

    public var topics: [Topic]
    public var timeoutMs: Int32
    public var validateOnly: Bool
    public var tagged: TaggedFields = .none

    public init(topics: [Topic], timeoutMs: Int32 = 30_000, validateOnly: Bool = false) {
        self.topics = topics; self.timeoutMs = timeoutMs; self.validateOnly = validateOnly
    }

    public init(from r: inout WireReader) throws {
        topics = try r.compactArray("topics"); timeoutMs = try r.int32("timeout_ms"); validateOnly = try r.bool("validate_only")
        tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) { w.compactArray(topics); w.int32(timeoutMs); w.bool(validateOnly); w.tagged(tagged) }
}

public struct CreateTopicsResponse: WireCodable {
    public struct Config: WireCodable {
        public var name: String
        public var value: String?
        public var readOnly: Bool
        public var configSource: Int8
        public var isSensitive: Bool
        public var tagged: TaggedFields = .none

        public init(from r: inout WireReader) throws {
            name = try r.compactString("config name"); value = try r.compactNullableString("config value")
            readOnly = try r.bool("read_only"); configSource = try r.int8("config_source"); isSensitive = try r.bool("is_sensitive")
            tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) {
            w.compactString(name); w.compactNullableString(value); w.bool(readOnly); w.int8(configSource); w.bool(isSensitive); w.tagged(tagged)
        }
    }

    public struct Topic: WireCodable {
        public var name: String
        public var errorCode: Int16
        public var errorMessage: String?
        public var numPartitions: Int32
        public var replicationFactor: Int16
        public var configs: [Config]?
        /// Tag 0: topic_config_error_code.
        public var tagged: TaggedFields = .none

        public init(from r: inout WireReader) throws {
            name = try r.compactString("name"); errorCode = try r.int16("error_code")
            errorMessage = try r.compactNullableString("error_message"); numPartitions = try r.int32("num_partitions")
            replicationFactor = try r.int16("replication_factor"); configs = try r.compactNullableArray("configs")
            tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) {
            w.compactString(name); w.int16(errorCode); w.compactNullableString(errorMessage); w.int32(numPartitions)
            w.int16(replicationFactor); w.compactNullableArray(configs); w.tagged(tagged)
        }
    }

    public var throttleTimeMs: Int32
    public var topics: [Topic]
    public var tagged: TaggedFields = .none

    public init(from r: inout WireReader) throws {
        throttleTimeMs = try r.int32("throttle_time_ms"); topics = try r.compactArray("topics"); tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) { w.int32(throttleTimeMs); w.compactArray(topics); w.tagged(tagged) }
}
