// One reply of the Redis serialization protocol (RESP2), as Redis 7 sends it by default.
// Bulk strings stay bytes: Redis values are binary-safe and a harness must not normalise them.

public enum RESPValue: Equatable, Sendable {
    case simpleString(String)
    /// An error reply ("-NOREPLICAS Not enough good replicas to write."); a reply, not a transport failure.
    case error(String)
    case integer(Int64)
    /// nil is RESP's null bulk string ($-1), e.g. GET of a missing key.
    case bulkString([UInt8]?)
    /// nil is RESP's null array (*-1), e.g. EXEC of an aborted WATCH transaction.
    case array([RESPValue]?)

    /// The reply as text when it is a simple or bulk string of valid UTF-8.
    public var string: String? {
        switch self {
        case .simpleString(let s): return s
        case .bulkString(let b?): return String(validating: b, as: UTF8.self)
        default: return nil
        }
    }

    public var isNull: Bool {
        switch self {
        case .bulkString(nil), .array(nil): return true
        default: return false
        }
    }

    /// The first word of an error reply ("NOREPLICAS", "READONLY", "MOVED", ...), nil for other replies.
    public var errorCode: String? {
        guard case .error(let text) = self else { return nil }
        return text.split(separator: " ", maxSplits: 1).first.map(String.init)
    }
}
