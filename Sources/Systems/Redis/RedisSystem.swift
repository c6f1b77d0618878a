// RedisSystem: Redis 7 (Debian redis-server, optionally redis-sentinel) as a system under test: register
// and set workloads over RESP, the primary from Sentinel or ROLE, and a bootstrap from `system: redis`.
import Contracts
import History
import Nemesis
import RedisProtocol

public struct RedisSystem: System {
    public init() {}

    public var name: String { "redis" }

    public func operations(workload: String, role: Role?) -> [String]? {
        switch workload {
        case "register": return ["read", "write", "cas"]
        case "set": return ["add", "read", "final-read"]
        default: return nil
        }
    }

    /// `wait: {replicas: k, timeout_ms: t}` sends WAIT k t after each write; `reads: primary` (default)
    /// or `replicas` (a process reads from its own node, replica or not: stale reads possible);
    /// `ttl_ms: t` makes the deployment a cache (the pipeline's cache role): every register write is a
    /// SET with an expiry of t ms, and a read of an absent key is a miss.
    public var clientSettings: [String] { ["wait", "reads", "ttl_ms"] }

    public func checkClientSettings(_ settings: [String: JSONValue]) -> SettingsError? {
        if let w = settings["wait"] {
            guard case .object(let o) = w, Set(o.keys).isSubset(of: ["replicas", "timeout_ms"]) else {
                return SettingsError(field: "wait", message: "expected {replicas: k, timeout_ms: t}")
            }
            guard let k = o["replicas"]?.intValue, (1...8).contains(k) else {
                return SettingsError(field: "wait", message: "replicas must be an integer in 1...8")
            }
            guard let t = o["timeout_ms"]?.intValue, (1...60_000).contains(t) else {
                return SettingsError(field: "wait", message: "timeout_ms must be an integer in 1...60000 (0, wait forever, would hang a client)")
            }
        }
        if let t = settings["ttl_ms"], t.intValue.map({ (1...86_400_000).contains($0) }) != true {
            return SettingsError(field: "ttl_ms", message: "must be an integer in 1...86400000 (a day)")
        }
        if let r = settings["reads"], r.stringValue != "primary" && r.stringValue != "replicas" {
            return SettingsError(field: "reads", message: "expected primary or replicas")
        }
        return nil
    }

    static func clientSettings(_ context: AdapterContext) -> RedisClientSettings {
        var wait: (replicas: Int, timeoutMs: Int)?
        if case .object(let o)? = context.settings["wait"], let k = o["replicas"]?.intValue, let t = o["timeout_ms"]?.intValue {
            wait = (k, t)
        }
        return RedisClientSettings(wait: wait, replicaReads: context.settings["reads"]?.stringValue == "replicas",
                                   ttlMs: context.settings["ttl_ms"]?.intValue, opTimeout: context.opTimeout)
    }

    public func adapter(_ context: AdapterContext) -> any SystemAdapter {
        RedisAdapter(settings: Self.clientSettings(context), book: RedisNodeBook())
    }

    public var bootstrap: (any SystemBootstrap)? { RedisBootstrap() }
}

struct RedisAdapter: SystemAdapter {
    let settings: RedisClientSettings
    let book: RedisNodeBook

    /// One connection to the node per logical client; a refused connection throws `notSent` (the op fails).
    func open(_ node: SystemNode, process: Int) async throws -> any SystemClient {
        // A node behind a client proxy carries the proxy's port: the book keeps the real one (from
        // leaderDiscovery), which is what Redis and Sentinel report.
        if node.clientRoutes.isEmpty { book.learn([node]) }
        let c = try await RedisConnection.connect(host: node.host, port: node.port,
                                                  timeout: .milliseconds(Int64(settings.opTimeout * 1000)))
        return RedisClient(node: node, book: book, settings: settings, own: c)
    }

    func leaderDiscovery(_ nodes: [SystemNode]) -> any LeaderDiscovery {
        book.learn(nodes)
        return RedisLeaderDiscovery(book: book, nodes: Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, $0) }))
    }

    /// Connections belong to the clients; the event loop group is NIO's shared singleton.
    func shutdown() async {}
}
