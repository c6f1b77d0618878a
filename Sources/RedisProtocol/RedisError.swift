/// Transport-level failures, split by what they tell a harness about the command's effect.
/// An error *reply* from Redis is not here: it is `RESPValue.error`, and only the caller knows what it means.
public enum RedisError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The command never left this process (connection refused, or closed before the write): no effect.
    case notSent(String)
    /// The command was written but no reply came (timeout, connection lost): it may or may not have applied.
    case outcomeUnknown(String)
    /// The peer sent something that is not RESP; the connection is closed.
    case protocolViolation(String)

    public var description: String {
        switch self {
        case .notSent(let why): return "not sent: \(why)"
        case .outcomeUnknown(let why): return "outcome unknown: \(why)"
        case .protocolViolation(let why): return "protocol violation: \(why)"
        }
    }
}
