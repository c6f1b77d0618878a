// FailoverControl: what an outside orchestrator does when the nemesis asks for a failover. Only the
// protocol lives here; a system that has such an orchestrator conforms in its own folder of Systems
// (Postgres: promote the most advanced reachable standby, repoint the others).
import History

/// FailoverControl moves the primary role to another node the way the system's orchestrator would.
public protocol FailoverControl: Sendable {
    /// Performs one failover among `nodes` (the live ones of the component); returns what it did, for
    /// the history's `start-failover`. Throws when it could not (no reachable standby, a refusal).
    func failover(among nodes: [String]) async throws -> JSONValue
}
