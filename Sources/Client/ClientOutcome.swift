// ClientOutcome: how one operation ended, in Jepsen's terms, plus the adapter protocol.
import History

/// ClientOutcome is the completion a client records for one invocation.
public enum ClientOutcome: Sendable, Equatable {
    /// Took effect; the value is the op's result (docs/history-conventions.md).
    case ok(JSONValue)
    /// Definitely took no effect (a refusal such as 503, or a failed condition such as 412).
    case fail(String)
    /// May or may not have taken effect (timeout, broken connection, 504, unexpected answer).
    case info(String)
}

/// A ClientAdapter maps a workload's operations onto one system's HTTP API.
public protocol ClientAdapter: Sendable {
    /// Performs `f` on `key` with the invocation `value` against the node at `baseURL`, for the
    /// logical client `process` (a log consumer keeps its position per process).
    func invoke(f: String, key: String?, value: JSONValue, process: Int, baseURL: String) async -> ClientOutcome
    /// Stops the adapter's HTTP client.
    func shutdown() async
}
