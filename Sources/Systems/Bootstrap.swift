// Bootstrap: how a system Faultline starts itself turns a short `system:` block of a pipeline file into
// processes, one-time setup steps, health checks and a stop signal.
import Foundation
import History

/// The short block of a pipeline component, e.g. `kv: {system: etcd, nodes: 3, settings: {...}}`.
public struct SystemBlock: Sendable {
    /// Nodes of the system's main process kind (members, primary + standbys, masters).
    public var nodes: Int
    /// The block's `settings:`, minus the client's own (`System.clientSettings`).
    public var settings: [String: JSONValue]
    /// The client's own settings of the block (already checked), for a plan they shape (PostgreSQL's
    /// `failover: patroni` runs Patroni and etcd beside the servers).
    public var clientSettings: [String: JSONValue]

    public init(nodes: Int, settings: [String: JSONValue], clientSettings: [String: JSONValue] = [:]) {
        self.nodes = nodes
        self.settings = settings
        self.clientSettings = clientSettings
    }
}

/// How a process kind's nodes are checked healthy. Templates: see `ProcessKind.args`.
public enum HealthCheck: Sendable, Equatable {
    case none
    /// An http:// URL template that answers 200 when healthy.
    case url(String)
    /// A command (templates) that exits 0 when healthy.
    case command([String])
}

/// One kind of process of a system (etcd: members; SeaweedFS: masters, volume servers, a filer; Patroni:
/// etcd members and Postgres nodes). Its nodes are named `<component>-<i>` for the plan's client kind and
/// `<component>_<kind>-<i>` for the others (i from 1 in each kind).
public struct ProcessKind: Sendable, Equatable {
    public var name: String
    public var count: Int
    /// An executable path, or a name looked up in PATH.
    public var command: String
    /// Templates: `{name}`, `{host}`, `{data_dir}`, `{port:NAME}`, `{peers}`, `{cluster}`, and in plans of
    /// several kinds `{peers:KIND}`, `{peers:KIND:PORT}`, `{cluster:KIND}` (docs/systems.md).
    public var args: [String]
    public var env: [String: String]
    /// Named ports, each a free port from the allocator.
    public var ports: [String]
    /// The port clients talk to (one of `ports`).
    public var clientPort: String
    /// The port `{peers}` and `{cluster}` name: the one peers of the same kind dial.
    public var peerPort: String?
    /// Every port other nodes of the system dial on a node of this kind: each directed link to it has a
    /// proxy on each of these ports (default: the peer port). A port dialed but not listed bypasses the
    /// proxies, so a partition would not cut it.
    public var dialedPorts: [String]
    public var health: HealthCheck
    /// Sent for a graceful stop; SIGKILL follows after `stopGrace` seconds.
    public var stopSignal: Int32
    public var stopGrace: Double
    /// Seconds a node may take from its start to healthy (nil: the controller's default, 15 s).
    public var startTimeout: Double?
    /// Its processes leave the node's process tree (Patroni's postmaster): each node is owned by a cgroup
    /// (Supervisor), and cannot start where none can be made.
    public var ownedByCgroup = false

    public init(name: String, count: Int, command: String, args: [String], env: [String: String] = [:],
                ports: [String], clientPort: String, peerPort: String? = nil, dialedPorts: [String]? = nil,
                health: HealthCheck, stopSignal: Int32 = SIGTERM, stopGrace: Double = 3, startTimeout: Double? = nil) {
        self.name = name; self.count = count; self.command = command; self.args = args; self.env = env
        self.ports = ports; self.clientPort = clientPort; self.peerPort = peerPort
        self.dialedPorts = dialedPorts ?? peerPort.map { [$0] } ?? []
        self.health = health
        self.stopSignal = stopSignal; self.stopGrace = stopGrace; self.startTimeout = startTimeout
    }
}

/// A command run once, outside the long-running processes: an initdb before a node first starts, a
/// cluster join after every node is healthy. A non-zero exit means the system could not start (exit 4).
public struct SetupStep: Sendable, Equatable {
    public enum When: Sendable, Equatable {
        /// On each node of the kind, before it starts (its data dir exists and is empty). Kinds start in
        /// plan order, so the kinds before it are already healthy (a standby's base backup can run).
        case beforeStart
        /// Once, on the first node of the kind, after every node of the system is healthy.
        case afterHealthy
    }
    public var when: When
    /// The process kind it runs for (in a plan of one kind, every step runs for that kind).
    public var kind: String
    /// The command and its arguments (templates, expanded for the node it runs for).
    public var argv: [String]
    public var timeout: Double

    public init(when: When, kind: String, argv: [String], timeout: Double = 30) {
        self.when = when; self.kind = kind; self.argv = argv; self.timeout = timeout
    }
}

/// Everything Faultline needs to start a system and to stop it.
public struct BootstrapPlan: Sendable, Equatable {
    /// In start order: every node of a kind is started and healthy before the next kind starts.
    public var processes: [ProcessKind]
    public var setup: [SetupStep]
    /// The kind clients talk to (a SeaweedFS filer, the Postgres nodes under Patroni); nil: the first.
    public var clientKind: String?

    public init(processes: [ProcessKind], setup: [SetupStep] = [], clientKind: String? = nil) {
        self.processes = processes
        self.setup = setup
        self.clientKind = clientKind
    }

    /// The client kind's name.
    public var clientKindName: String? { clientKind ?? processes.first?.name }
}

/// A system Faultline can start from a short `system:` block.
public protocol SystemBootstrap: Sendable {
    /// The server settings the block may give (besides the client's own).
    var settingNames: [String] { get }
    /// The plan for `block`; throws a `SettingsError` naming the setting (or `nodes`) that is wrong.
    func plan(_ block: SystemBlock) throws -> BootstrapPlan
}
