// ErrorCode: the broker's int16 error codes, with the protocol guide's names for the ones a client meets.

/// A Kafka error code as the broker sent it; unknown codes keep their number.
public struct ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }
    public init(_ v: Int16) { rawValue = v }

    public static let none = ErrorCode(0)
    public static let offsetOutOfRange = ErrorCode(1)
    public static let unknownTopicOrPartition = ErrorCode(3)
    public static let notLeaderOrFollower = ErrorCode(6)
    public static let coordinatorNotAvailable = ErrorCode(15)
    public static let notCoordinator = ErrorCode(16)
    public static let illegalGeneration = ErrorCode(22)
    public static let unknownMemberId = ErrorCode(25)
    public static let invalidSessionTimeout = ErrorCode(26)
    public static let rebalanceInProgress = ErrorCode(27)
    public static let unsupportedVersion = ErrorCode(35)
    public static let topicAlreadyExists = ErrorCode(36)
    public static let outOfOrderSequenceNumber = ErrorCode(45)
    public static let duplicateSequenceNumber = ErrorCode(46)
    public static let invalidProducerEpoch = ErrorCode(47)
    public static let invalidTxnState = ErrorCode(48)
    public static let concurrentTransactions = ErrorCode(51)
    public static let memberIdRequired = ErrorCode(79)

    static let names: [Int16: String] = [
        -1: "UNKNOWN_SERVER_ERROR", 0: "NONE", 1: "OFFSET_OUT_OF_RANGE", 2: "CORRUPT_MESSAGE",
        3: "UNKNOWN_TOPIC_OR_PARTITION", 4: "INVALID_FETCH_SIZE", 5: "LEADER_NOT_AVAILABLE",
        6: "NOT_LEADER_OR_FOLLOWER", 7: "REQUEST_TIMED_OUT", 10: "MESSAGE_TOO_LARGE",
        14: "COORDINATOR_LOAD_IN_PROGRESS", 15: "COORDINATOR_NOT_AVAILABLE", 16: "NOT_COORDINATOR",
        17: "INVALID_TOPIC_EXCEPTION", 19: "NOT_ENOUGH_REPLICAS", 20: "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
        22: "ILLEGAL_GENERATION", 23: "INCONSISTENT_GROUP_PROTOCOL", 24: "INVALID_GROUP_ID",
        25: "UNKNOWN_MEMBER_ID", 26: "INVALID_SESSION_TIMEOUT", 27: "REBALANCE_IN_PROGRESS",
        35: "UNSUPPORTED_VERSION", 36: "TOPIC_ALREADY_EXISTS", 37: "INVALID_PARTITIONS",
        42: "INVALID_REQUEST", 45: "OUT_OF_ORDER_SEQUENCE_NUMBER", 46: "DUPLICATE_SEQUENCE_NUMBER",
        47: "INVALID_PRODUCER_EPOCH", 48: "INVALID_TXN_STATE", 49: "INVALID_PRODUCER_ID_MAPPING",
        50: "INVALID_TRANSACTION_TIMEOUT", 51: "CONCURRENT_TRANSACTIONS", 59: "UNKNOWN_PRODUCER_ID",
        79: "MEMBER_ID_REQUIRED", 87: "INVALID_RECORD", 90: "PRODUCER_FENCED",
    ]

    public var name: String { Self.names[rawValue] ?? "ERROR_\(rawValue)" }
    public var description: String { "\(name) (\(rawValue))" }
}

/// KafkaClientError separates what certainly did not happen from what may have.
public enum KafkaClientError: Error, Equatable, CustomStringConvertible {
    /// The request never left this process (connection refused, or closed before the write): no effect.
    case notSent(String)
    /// The request was written (or may have been) and no answer came: it may or may not have taken effect.
    case outcomeUnknown(String)
    /// The broker answered with an error code.
    case broker(ErrorCode, String)
    /// The broker's answer could not be decoded (the request itself may have taken effect).
    case malformedResponse(String)

    public var description: String {
        switch self {
        case .notSent(let m): return "not sent: \(m)"
        case .outcomeUnknown(let m): return "outcome unknown: \(m)"
        case .broker(let c, let m): return "broker error \(c): \(m)"
        case .malformedResponse(let m): return "malformed response: \(m)"
        }
    }

    /// True when the request certainly had no effect on the broker.
    public var certainlyNotApplied: Bool { if case .notSent = self { return true } else { return false } }
}
