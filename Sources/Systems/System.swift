// System: the one seam between Faultline and a system under test. A system is one folder of this module
// (Builtin/, Etcd/, ...) and one line of SystemRegistry; nothing else in Faultline knows its protocol.
import Contracts
import History
import Nemesis

/// One node of a running system, as its clients and its leader discovery reach it.
public struct SystemNode: Sendable, Equatable {
    public var name: String
    /// Always a loopback address: servers listen on 127.0.0.1 only.
    public var host: String
    /// The port clients use.
    public var port: Int
    /// Every named port of the node ("client", "peer", ...); `port` is one of them.
    public var ports: [String: Int]
    /// Built-in nodes: their role (a pipeline workload routes by it); nil for any other system.
    public var role: Role?
    /// The node's process kind in a system of several kinds (`ProcessKind.name`: "master", "volume");
    /// nil in a system of one kind.
    public var kind: String?
    /// Set on the nodes the controller hands to `SystemAdapter.open`: every port a node of the run listens
    /// on → the port of the controller's client proxy to it (ClientRoutes.swift). Such a node's own
    /// `port` and `ports` are already its proxy's; an address a node hands out (Kafka Metadata,
    /// Sentinel's primary, a published primary) goes through `clientAddress(host:port:)`. Empty: clients
    /// connect directly (tests of one adapter, leader discovery, failover).
    public var clientRoutes: [Int: Int] = [:]

    public init(name: String, host: String = "127.0.0.1", port: Int, ports: [String: Int] = [:], role: Role? = nil,
                kind: String? = nil) {
        self.name = name
        self.host = host
        self.port = port
        self.ports = ports.isEmpty ? ["client": port] : ports
        self.role = role
        self.kind = kind
    }
}

/// One operation of a logical client: `f` on `key` with the invocation `value` (docs/history-conventions.md).
public struct ClientOperation: Sendable, Equatable {
    public var f: String
    public var key: String?
    public var value: JSONValue
    /// The logical client (Jepsen's process) performing it.
    public var process: Int

    public init(f: String, key: String?, value: JSONValue, process: Int) {
        self.f = f
        self.key = key
        self.value = value
        self.process = process
    }
}

/// ClientOutcome is the completion a client records for one invocation, in Jepsen's terms.
public enum ClientOutcome: Sendable, Equatable {
    /// Took effect; the value is the op's result (docs/history-conventions.md).
    case ok(JSONValue)
    /// Took effect, with a weaker guarantee than the client asked for (Redis: a WAIT that reached fewer
    /// replicas than asked). The history keeps the note in the ok op's `error` field, so checkers can tell.
    case okNoted(JSONValue, note: String)
    /// Certainly took no effect (a refusal such as 503, a failed condition such as 412, a refused connection).
    case fail(String)
    /// May or may not have taken effect (timeout, broken connection, 504, unexpected answer).
    case info(String)
}

/// A client of one node for one logical client: opened when the process first talks to that node, used
/// for each of its operations, closed when the process ends (Jepsen's open!/invoke!/close!). Whatever
/// the wire (HTTP, RESP, the Postgres protocol), every error becomes an outcome: `fail` only when the
/// operation certainly had no effect.
public protocol SystemClient: Sendable {
    func perform(_ op: ClientOperation) async -> ClientOutcome
    func close() async
}

/// What one test needs from a system: clients, and the leader (or primary) among nodes.
public protocol SystemAdapter: Sendable {
    /// Opens a client of `node` for `process`. A throw means nothing was sent: the op that needed it is `fail`.
    func open(_ node: SystemNode, process: Int) async throws -> any SystemClient
    /// How the nemesis finds the leader among `nodes`: every node of the component, of every process kind
    /// (nil from it: none known right now).
    func leaderDiscovery(_ nodes: [SystemNode]) -> any LeaderDiscovery
    /// Releases what the adapter shares between its clients (an HTTP pool, an event loop group).
    func shutdown() async
    /// The orchestrator the nemesis' `failover` fault calls among `nodes`; nil (the default) when the
    /// system has none, and such a fault then does not apply.
    func failover(_ nodes: [SystemNode]) -> (any FailoverControl)?
}

extension SystemAdapter {
    public func failover(_ nodes: [SystemNode]) -> (any FailoverControl)? { nil }
}

/// What an adapter is made from: the component's settings and the workload's client options.
public struct AdapterContext: Sendable {
    /// The system's settings from the pipeline file (checked by `System.checkSettings` at load).
    public var settings: [String: JSONValue]
    /// The workload kind ("register", "set", "log", "kafka", "pipeline").
    public var workload: String
    /// Built-in components: the component's role.
    public var role: Role?
    /// Deadline of one operation, seconds.
    public var opTimeout: Double
    /// Concurrent logical clients (a pool may size itself by it).
    public var concurrency: Int
    /// The workload's `keys` (Kafka: the partitions its micro-ops name, 0..<keys).
    public var keys: Int
    /// The workload's functions with a weight above 0 (Kafka: whether consumers subscribe or assign).
    public var functions: [String]

    public init(settings: [String: JSONValue] = [:], workload: String, role: Role? = nil, opTimeout: Double, concurrency: Int,
                keys: Int = 0, functions: [String] = []) {
        self.functions = functions
        self.settings = settings
        self.workload = workload
        self.role = role
        self.opTimeout = opTimeout
        self.concurrency = concurrency
        self.keys = keys
    }
}

/// A registry entry: one system under test.
public protocol System: Sendable {
    /// The name a pipeline file uses: `client: NAME` (the `command:` form) or `system: NAME` (the short form).
    var name: String { get }
    /// The operations a client performs for a workload kind on a component (of `role`, for built-in
    /// components); nil when the system cannot run that workload.
    func operations(workload: String, role: Role?) -> [String]?
    /// The settings its clients understand (`client_settings:`, or `settings:` of a `system:` block).
    var clientSettings: [String] { get }
    /// The first problem of `settings` (only names in `clientSettings` are given), or nil.
    func checkClientSettings(_ settings: [String: JSONValue]) -> SettingsError?
    func adapter(_ context: AdapterContext) -> any SystemAdapter
    /// Set when Faultline can start the system itself from a short `system:` block.
    var bootstrap: (any SystemBootstrap)? { get }
}
