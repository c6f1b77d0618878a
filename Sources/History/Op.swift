/// One line of a history: an invocation or a completion of an operation, or a nemesis event.
///
/// Meanings follow Jepsen's: `ok` took effect and shows its result; `fail` definitely took no
/// effect; `info` may or may not have taken effect, at any moment up to the end of the history.
public struct Op: Hashable, Sendable {
    /// The kind of history event.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case invoke, ok, fail, info
    }

    /// Position in the history, 0-based, strictly increasing.
    public var index: Int
    /// Nanoseconds since the test started (monotonic clock). Imported histories without a time
    /// get their index here, which keeps the order.
    public var time: Int64
    public var process: ProcessID
    public var type: Kind
    /// The function: read, write, cas, add, produce, start-partition, …
    public var f: String
    /// The key an op works on, when the workload has several (registers per key, kv).
    public var key: String?
    public var value: JSONValue
    /// The node that answered, when the client knows it.
    public var node: String?
    /// Why an op failed or is indeterminate.
    public var error: String?

    public init(
        index: Int = -1, time: Int64 = 0, process: ProcessID, type: Kind, f: String,
        key: String? = nil, value: JSONValue = .null, node: String? = nil, error: String? = nil
    ) {
        self.index = index
        self.time = time
        self.process = process
        self.type = type
        self.f = f
        self.key = key
        self.value = value
        self.node = node
        self.error = error
    }

    public var isInvoke: Bool { type == .invoke }
    public var isCompletion: Bool { type != .invoke }
}

/// Who issued an op: a client's logical process number, or the nemesis.
public enum ProcessID: Hashable, Sendable, Comparable, CustomStringConvertible {
    case client(Int)
    case nemesis

    public var description: String {
        switch self {
        case .client(let n): return String(n)
        case .nemesis: return "nemesis"
        }
    }

    public var clientNumber: Int? { if case .client(let n) = self { return n } else { return nil } }
    public var isNemesis: Bool { self == .nemesis }
}
