// LeaderDiscovery: how the nemesis finds the leader. Only the protocol lives here; each system under test
// conforms in its own folder of the Systems module (Builtin: GET /status; Etcd: its maintenance API).

/// LeaderDiscovery finds the current leader (or primary) among `nodes`, or nil when none is known.
public protocol LeaderDiscovery: Sendable {
    func leader(among nodes: [String]) async -> String?
}
