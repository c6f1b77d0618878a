// CommandComponent: a pipeline component that runs any command as its nodes (a user's own system, etcd, ...).
import Foundation
import History
import InputFiles
import Systems
import Yams

/// CommandComponent is the `command:` form of a pipeline component (README "Your own system under test"):
///
///     store:
///       command: etcd                    # a path, or a name looked up in PATH
///       replicas: 3
///       ports: {client: free, peer: free}  # named ports: `free` (allocated) or a base (node i: base + i - 1)
///       peer_port: peer                  # the port peers dial: one proxy per directed link on it
///       client_port: client              # the port clients talk to (default: the first port)
///       args: [--name={name}, --initial-cluster={cluster}, ...]   # templates
///       env: {GOMAXPROCS: "1"}           # templates
///       health: http://127.0.0.1:{port:client}/health     # or {command: [etcdctl, ...]}; optional
///       stop_signal: TERM                # TERM (default), INT, QUIT, HUP, KILL, USR1, USR2
///       peer_names: hosts                # hosts (default) | addresses
///       client: etcd                     # a system of the registry (Systems/SystemRegistry.swift)
///       client_settings: {serializable: true}   # that system's client settings
///       start_timeout: 60s               # how long a node may take to be healthy (default 15s; at most 600s)
///
/// Placeholders: `{name}`, `{host}` (the name peers know this node by), `{data_dir}`, `{port:NAME}`,
/// `{peers}` (the other nodes' `host:PEERPORT`, comma-separated) and `{cluster}` (every node as
/// `name=http://host:PEERPORT`, comma-separated: etcd's `--initial-cluster`). `{{` and `}}` are literal braces.
public struct CommandComponent: Sendable, Equatable {
    public struct Port: Sendable, Equatable {
        public var name: String
        /// nil: a free port from the allocator.
        public var base: Int?
        public var line: Int
    }

    public enum Health: Sendable, Equatable {
        case none
        case url(String)
        case command([String])
    }

    /// How `{host}`, `{peers}` and `{cluster}` name peers.
    public enum PeerNames: String, Sendable, Equatable {
        /// `NAME.faultline`, the same string for every node; each node runs in its own mount namespace whose
        /// /etc/hosts resolves a peer's name to the loopback address of this node's own proxy to that peer.
        case hosts
        /// The loopback address of this node's own proxy to that peer (different strings on each node).
        case addresses
    }

    public var command: String
    public var args: [String]
    public var env: [String: String]
    public var ports: [Port]
    public var peerPort: String?
    public var clientPort: String
    public var health: Health
    public var stopSignal: Int32
    public var peerNames: PeerNames
    public var client: String
    public var clientSettings: [String: JSONValue]
    /// One-time commands of a bootstrapped system (`system:` form): before each node starts, after all are healthy.
    public var setup: [SetupStep] = []
    /// Seconds from the stop signal to SIGKILL, when the system says (else the controller's).
    public var stopGrace: Double? = nil
    /// Seconds a node may take from its start to healthy (nil: the controller's default). Some systems
    /// (SeaweedFS on a loaded machine) need a minute before they accept a write.
    public var startTimeout: Double? = nil
    /// A bootstrapped system's ports other nodes dial (a proxy per directed link on each); empty: the peer port.
    public var dialedPorts: [String] = []
    /// The process kind in a system of several kinds (`system:` form); nil otherwise.
    public var kind: String? = nil
    /// Each node owned by a cgroup (`ProcessKind.ownedByCgroup`, Supervisor's `NodeSpec.ownedByCgroup`).
    public var ownedByCgroup = false

    /// The ports that get a proxy per directed link to a node of this command.
    public var proxiedPorts: [String] { dialedPorts.isEmpty ? (peerPort.map { [$0] } ?? []) : dialedPorts }

    public static let fields = ["command", "replicas", "ports", "peer_port", "client_port", "args", "env", "health",
                                "stop_signal", "peer_names", "client", "client_settings", "start_timeout"]
    static let signals: [String: Int32] = ["TERM": SIGTERM, "INT": SIGINT, "QUIT": SIGQUIT, "HUP": SIGHUP,
                                           "KILL": SIGKILL, "USR1": SIGUSR1, "USR2": SIGUSR2]

    /// Parses the command fields of component `f` (the mapping `m`, already checked against `fields`).
    /// Throws after recording the first problem in `y` (the pipeline reader goes on with the next component).
    static func parse(_ y: YAMLReader, _ m: Node.Mapping, _ f: String) throws -> CommandComponent {
        guard let command = y.string(m, "command", f) else { throw y.error() }
        var ports: [Port] = []
        if let pn = m["ports"] {
            guard let pm = pn.mapping, !pm.isEmpty else { throw y.fail(pn, "\(f).ports", "expected a mapping of port name to free or a base port") }
            for (k, v) in pm {
                guard let name = k.string, name.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) != nil else {
                    throw y.fail(k, "\(f).ports", "a port name is lower-case letters, digits and _")
                }
                if v.string == "free" || v.null != nil {
                    ports.append(Port(name: name, base: nil, line: v.mark?.line ?? 0))
                } else if let b = v.int, (1024...65000).contains(b) {
                    ports.append(Port(name: name, base: b, line: v.mark?.line ?? 0))
                } else {
                    throw y.fail(v, "\(f).ports.\(name)", "expected free or a base port between 1024 and 65000")
                }
            }
        } else {
            ports = [Port(name: "client", base: nil, line: 0)]
        }
        let names = ports.map(\.name)
        func portName(_ key: String) throws -> String? {
            guard let s = y.string(m, key, f) else {
                if m[key] != nil { throw y.error() }
                return nil
            }
            guard names.contains(s) else {
                throw y.fail(m[key], "\(f).\(key)", "no port named '\(s)' (ports: \(names.joined(separator: ", ")))")
            }
            return s
        }
        let peerPort = try portName("peer_port")
        let clientPort = try portName("client_port") ?? names[0]
        var peerNames = PeerNames.hosts
        if let s = y.string(m, "peer_names", f) {
            guard let p = PeerNames(rawValue: s) else { throw y.fail(m["peer_names"], "\(f).peer_names", "expected hosts or addresses") }
            peerNames = p
        }
        let check = { (node: Node?, field: String, text: String) throws in
            if let problem = TemplateText.problem(in: text, ports: names, hasPeers: peerPort != nil) {
                throw y.fail(node, field, problem)
            }
        }
        var args: [String] = []
        if let an = m["args"] {
            guard let seq = an.sequence else { throw y.fail(an, "\(f).args", "expected a list of argument templates") }
            for item in seq {
                guard let s = item.scalar?.string else { throw y.fail(item, "\(f).args", "expected a string") }
                try check(item, "\(f).args", s)
                args.append(s)
            }
        }
        var env: [String: String] = [:]
        if let en = m["env"] {
            guard let em = en.mapping else { throw y.fail(en, "\(f).env", "expected a mapping of variable to value") }
            for (k, v) in em {
                guard let key = k.string, !key.isEmpty, let val = v.scalar?.string else {
                    throw y.fail(k, "\(f).env", "expected NAME: value")
                }
                try check(v, "\(f).env.\(key)", val)
                env[key] = val
            }
        }
        var health = Health.none
        if let hn = m["health"] {
            if let s = hn.scalar?.string {
                guard s.hasPrefix("http://") else {
                    throw y.fail(hn, "\(f).health", "expected an http:// URL template or {command: [...]}")
                }
                try check(hn, "\(f).health", s)
                health = .url(s)
            } else {
                guard let hm = y.mapping(hn, "\(f).health", allowed: ["command"]) else { throw y.error() }
                guard let cn = hm["command"], let seq = cn.sequence, !seq.isEmpty else {
                    throw y.fail(hn, "\(f).health.command", "expected a non-empty list: the command and its arguments")
                }
                var cmd: [String] = []
                for item in seq {
                    guard let s = item.scalar?.string else { throw y.fail(item, "\(f).health.command", "expected a string") }
                    try check(item, "\(f).health.command", s)
                    cmd.append(s)
                }
                health = .command(cmd)
            }
        }
        var stop = SIGTERM
        if let sn = m["stop_signal"] {
            let s = (sn.scalar?.string ?? "").uppercased()
            let bare = s.hasPrefix("SIG") ? String(s.dropFirst(3)) : s
            guard let sig = signals[bare] else {
                throw y.fail(sn, "\(f).stop_signal", "unknown signal (one of \(signals.keys.sorted().joined(separator: ", ")))")
            }
            stop = sig
        }
        let client = y.string(m, "client", f) ?? "builtin"
        guard let system = SystemRegistry.named(client) else {
            throw y.fail(m["client"], "\(f).client", "unknown client '\(client)' (one of \(SystemRegistry.names.joined(separator: ", ")))")
        }
        var settings: [String: JSONValue] = [:]
        if let sn = m["client_settings"] {
            // The system names its client settings and checks their values, so a typo is an input error.
            guard let sm = y.mapping(sn, "\(f).client_settings", allowed: system.clientSettings) else { throw y.error() }
            for (k, v) in sm { settings[k.string ?? "?"] = y.json(v, "\(f).client_settings.\(k.string ?? "?")") }
            if let e = system.checkClientSettings(settings) {
                throw y.fail(sm[e.field] ?? sn, "\(f).client_settings.\(e.field)", e.message)
            }
        }
        let startTimeout = y.duration(m, "start_timeout", f, range: 1...600)
        var component = CommandComponent(command: command, args: args, env: env, ports: ports, peerPort: peerPort,
                                         clientPort: clientPort, health: health, stopSignal: stop, peerNames: peerNames,
                                         client: client, clientSettings: settings)
        component.startTimeout = startTimeout
        return component
    }
}

/// One process kind of a `command:` or `system:` component: how many nodes, and how to start them.
public struct CommandKind: Sendable, Equatable {
    public var name: String
    public var count: Int
    public var command: CommandComponent
    /// Clients talk to this kind's nodes; they are `<component>-<i>`, other kinds' `<component>_<kind>-<i>`.
    public var isClientKind: Bool

    public func nodeName(component: String, _ i: Int) -> String {
        isClientKind ? "\(component)-\(i)" : "\(component)_\(name)-\(i)"
    }
}
