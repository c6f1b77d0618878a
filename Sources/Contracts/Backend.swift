// Backend: what kind of server an upstream of a pipeline service is: the built-in component of its role,
// or a real system speaking that stage's protocol. Shared by Node (which talks to it) and the controller
// (which writes it into the node config from the pipeline file's `uses:`).

/// A pipeline service's upstream kind (node config `upstream_kinds`, docs/nodes.md).
public enum Backend: String, Sendable, CaseIterable {
    /// The faultline-node component of the role (HTTP, docs/nodes.md).
    case builtin
    /// A Redis server (RESP): the api's cache.
    case redis
    /// An S3 endpoint (SigV4, path-style), e.g. SeaweedFS: the store.
    case s3
    /// A Kafka-protocol broker, e.g. Tansu: the broker.
    case kafka
    /// A PostgreSQL server: the warehouse.
    case postgres

    /// The role a real system stands in for (nil for `builtin`, which is every role's own).
    public var role: Role? {
        switch self {
        case .builtin: return nil
        case .redis: return .cache
        case .s3: return .store
        case .kafka: return .broker
        case .postgres: return .warehouse
        }
    }

    /// The bucket the pipeline's events live in on an S3 store (the connector writes there, the loader
    /// and the harness's final read list it).
    public static let s3Bucket = "faultline-events"

    /// The topic of the pipeline's events on a Kafka-protocol broker, and its partition count when a
    /// service has to create it.
    public static let kafkaTopic = "faultline-events"
    public static let kafkaPartitions = 3

    /// The tables of the pipeline on a PostgreSQL warehouse: one row per broker entry (`row_key`
    /// e<id>.p<partition>.o<offset>, as on the built-in warehouse), one per object loaded (`seq`: the
    /// load's number, the warehouse position an answer reflects).
    public static let postgresEventsTable = "pipeline_events"
    public static let postgresLoadsTable = "pipeline_loads"

    /// The backends an upstream of `role` may be.
    public static func allowed(for role: Role) -> [Backend] {
        [.builtin] + allCases.filter { $0.role == role }
    }

    /// The backend a `system:` of the registry stands for in a pipeline (nil: not a pipeline stage).
    public static func of(system: String) -> Backend? {
        switch system {
        case "redis": return .redis
        case "seaweedfs", "s3": return .s3
        case "tansu", "kafka": return .kafka
        case "postgres", "postgresql": return .postgres
        default: return nil
        }
    }
}
