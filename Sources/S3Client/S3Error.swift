/// What a failed S3 request tells a harness about its effect.
public enum S3Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// The request never reached the server (connection refused): no effect.
    case notSent(String)
    /// The server answered with a 4xx refusal (412 precondition failed, 404, 403, ...): no effect.
    case refused(status: Int, code: String?, message: String)
    /// Sent, but the answer was a 5xx, a timeout or a lost connection: it may or may not have applied.
    case outcomeUnknown(String)

    public var description: String {
        switch self {
        case .notSent(let why): return "not sent: \(why)"
        case .refused(let status, let code, let message): return "refused \(status) \(code ?? ""): \(message)"
        case .outcomeUnknown(let why): return "outcome unknown: \(why)"
        }
    }
}
