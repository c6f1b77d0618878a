// Metadata v9: brokers, topics, partitions and their leaders.

public struct MetadataRequest: KafkaRequest {
    public typealias Response = MetadataResponse
    public static let apiKey = ApiKey.metadata
    public static let apiVersion: Int16 = 9
    /// nil asks for every topic.
    public var topics: [String]?
    public var allowAutoTopicCreation: Bool
    public var includeClusterAuthorizedOperations = false
    public var includeTopicAuthorizedOperations = false
    public var tagged: TaggedFields = .none

    public init(topics: [String]?, allowAutoTopicCreation: Bool = false) {
        self.topics = topics
        self.allowAutoTopicCreation = allowAutoTopicCreation
    }

    public init(from r: inout WireReader) throws {
        topics = try r.compactNullableArray("topics") { r -> String in
            let n = try r.compactString("topic name")
            _ = try r.tagged()
            return n
        }
        allowAutoTopicCreation = try r.bool("allow_auto_topic_creation")
        includeClusterAuthorizedOperations = try r.bool("include_cluster_authorized_operations")
        includeTopicAuthorizedOperations = try r.bool("include_topic_authorized_operations")
        tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) {
        w.compactNullableArray(topics) { w, t in w.compactString(t); w.tagged(.none) }
        w.bool(allowAutoTopicCreation); w.bool(includeClusterAuthorizedOperations); w.bool(includeTopicAuthorizedOperations)
        w.tagged(tagged)
    }
}

public struct MetadataResponse: WireCodable {
    public struct Broker: WireCodable {
        public var nodeId: Int32
        public var host: String
        public var port: Int32
        public var rack: String?
        public var tagged: TaggedFields = .none

        public init(from r: inout WireReader) throws {
            nodeId = try r.int32("node_id"); host = try r.compactString("host"); port = try r.int32("port")
            rack = try r.compactNullableString("rack"); tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) { w.int32(nodeId); w.compactString(host); w.int32(port); w.compactNullableString(rack); w.tagged(tagged) }
    }

    public struct Partition: WireCodable {
        public var errorCode: Int16
        public var partitionIndex: Int32
        public var leaderId: Int32
        public var leaderEpoch: Int32
        public var replicaNodes: [Int32]
        public var isrNodes: [Int32]
        public var offlineReplicas: [Int32]
        public var tagged: TaggedFields = .none

        public init(from r: inout WireReader) throws {
            errorCode = try r.int16("error_code"); partitionIndex = try r.int32("partition_index")
            leaderId = try r.int32("leader_id"); leaderEpoch = try r.int32("leader_epoch")
            replicaNodes = try r.compactInt32Array("replica_nodes"); isrNodes = try r.compactInt32Array("isr_nodes")
            offlineReplicas = try r.compactInt32Array("offline_replicas"); tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) {
            w.int16(errorCode); w.int32(partitionIndex); w.int32(leaderId); w.int32(leaderEpoch)
            w.compactInt32Array(replicaNodes); w.compactInt32Array(isrNodes); w.compactInt32Array(offlineReplicas); w.tagged(tagged)
        }
    }

    public struct Topic: WireCodable {
        public var errorCode: Int16
        public var name: String
        public var isInternal: Bool
        public var partitions: [Partition]
        public var topicAuthorizedOperations: Int32
        public var tagged: TaggedFields = .none

        public init(from r: inout WireReader) throws {
            errorCode = try r.int16("error_code"); name = try r.compactString("name"); isInternal = try r.bool("is_internal")
            partitions = try r.compactArray("partitions"); topicAuthorizedOperations = try r.int32("topic_authorized_operations")
            tagged = try r.tagged()
        }

        public func write(to w: inout WireWriter) {
            w.int16(errorCode); w.compactString(name); w.bool(isInternal); w.compactArray(partitions)
            w.int32(topicAuthorizedOperations); w.tagged(tagged)
        }
    }

    public var throttleTimeMs: Int32
    public var brokers: [Broker]
    public var clusterId: String?
    public var controllerId: Int32
    public var topics: [Topic]
    public var clusterAuthorizedOperations: Int32
    public var tagged: TaggedFields = .none

    public init(from r: inout WireReader) throws {
        throttleTimeMs = try r.int32("throttle_time_ms"); brokers = try r.compactArray("brokers")
        clusterId = try r.compactNullableString("cluster_id"); controllerId = try r.int32("controller_id")
        topics = try r.compactArray("topics"); clusterAuthorizedOperations = try r.int32("cluster_authorized_operations")
        tagged = try r.tagged()
    }

    public func write(to w: inout WireWriter) {
        w.int32(throttleTimeMs); w.compactArray(brokers); w.compactNullableString(clusterId); w.int32(controllerId)
        w.compactArray(topics); w.int32(clusterAuthorizedOperations); w.tagged(tagged)
    }
}
