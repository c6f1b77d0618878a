// TansuOutcomes: what a broker's answer to one partition of a produce says about the records.
import KafkaProtocol

/// One partition's part of a send, after one produce request.
enum PartitionOutcome: Equatable {
    /// Appended at this base offset.
    case appended(Int64)
    /// Certainly not appended (a refusal the protocol defines as "nothing written"); `retriable` when
    /// sending the same batch again may succeed.
    case refused(String, retriable: Bool)
    /// The broker says it already has this batch (DUPLICATE_SEQUENCE_NUMBER to an idempotent retry):
    /// written once, at an offset it does not say.
    case alreadyWritten
    /// May or may not have been appended (a lost answer, a timeout, an error code that does not say).
    case unknown(String)

    /// The outcome of broker error `code` for a partition's batch.
    static func of(code: Int16, message: String?) -> PartitionOutcome {
        let text = "\(ErrorCode(code))\(message.map { $0.isEmpty || $0 == "NONE" ? "" : ": \($0)" } ?? "")"
        switch code {
        // Refused before the append: the log is unchanged.
        case 3, 5, 6:  // UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, NOT_LEADER_OR_FOLLOWER
            return .refused(text, retriable: true)
        case 19:  // NOT_ENOUGH_REPLICAS (checked before appending; 20, _AFTER_APPEND, is appended)
            return .refused(text, retriable: true)
        case 2, 10, 17, 18, 87:  // CORRUPT_MESSAGE, MESSAGE_TOO_LARGE, INVALID_TOPIC, RECORD_LIST_TOO_LARGE, INVALID_RECORD
            return .refused(text, retriable: false)
        case 45, 47, 59, 90:  // OUT_OF_ORDER_SEQUENCE, INVALID_PRODUCER_EPOCH, UNKNOWN_PRODUCER_ID, PRODUCER_FENCED
            return .refused(text, retriable: false)
        case 48, 49, 51, 53:  // INVALID_TXN_STATE, INVALID_PRODUCER_ID_MAPPING, CONCURRENT_TRANSACTIONS, TRANSACTIONAL_ID_AUTHORIZATION
            return .refused(text, retriable: false)
        case 46:
            return .alreadyWritten
        default:  // REQUEST_TIMED_OUT (7), NOT_ENOUGH_REPLICAS_AFTER_APPEND (20), UNKNOWN_SERVER_ERROR, ...
            return .unknown(text)
        }
    }
}

extension KafkaClientError {
    /// Text for a history's `error` field.
    var note: String { "\(self)" }
}
