// PipelineLeaders: for a pipeline workload, the leader (or primary) of each component found by that
// component's own system: GET /status for built-in components, the system's discovery for a real
// system standing in for a stage (a PostgreSQL primary, a Redis primary, ...).
import Foundation
import History
import Nemesis
import Systems

/// PipelineLeaders answers `leader(among:)` by asking the discovery of the component the names belong
/// to (a component-scoped fault names one component's nodes; otherwise each component in turn), and
/// `failover(among:)` the same way with each component's orchestrator (Postgres `failover: promote`):
/// a discovery and an orchestrator of one component share one adapter, so a promotion the orchestrator
/// published is the primary the discovery names next. The adapters it made for real systems are its
/// own: `shutdown()` releases them.
final class PipelineLeaders: LeaderDiscovery, FailoverControl, @unchecked Sendable {
    private let componentOf: [String: String]
    private let order: [String]
    private let discoveries: [String: any LeaderDiscovery]
    private let orchestrators: [String: any FailoverControl]
    private let adapters: [any SystemAdapter]

    init(pipeline: PipelineFile, nodes: [ResolvedNode], workload: WorkloadFile, concurrency: Int, builtin: any SystemAdapter) {
        var componentOf: [String: String] = [:]
        var order: [String] = []
        var discoveries: [String: any LeaderDiscovery] = [:]
        var orchestrators: [String: any FailoverControl] = [:]
        var adapters: [any SystemAdapter] = []
        for c in pipeline.components {
            let own = nodes.filter { $0.component == c.name }
            guard !own.isEmpty else { continue }
            for n in own { componentOf[n.name] = c.name }
            order.append(c.name)
            if c.command != nil {
                let a = ComponentAccess.adapter(c, workload: workload, concurrency: 1)
                adapters.append(a)
                discoveries[c.name] = a.leaderDiscovery(own.map(\.systemNode))
                orchestrators[c.name] = a.failover(own.map(\.systemNode))
            } else {
                discoveries[c.name] = builtin.leaderDiscovery(own.map(\.systemNode))
            }
        }
        self.componentOf = componentOf
        self.order = order
        self.discoveries = discoveries
        self.orchestrators = orchestrators
        self.adapters = adapters
    }

    func leader(among nodes: [String]) async -> String? {
        var order: [String] = []
        var groups: [String: [String]] = [:]
        for n in nodes {
            guard let c = componentOf[n] else { continue }
            if groups[c] == nil { order.append(c) }
            groups[c, default: []].append(n)
        }
        for c in order {
            if let l = await discoveries[c]?.leader(among: groups[c] ?? []) { return l }
        }
        return nil
    }

    struct NoOrchestrator: Error, CustomStringConvertible {
        let components: [String]
        var description: String {
            "no component among \(components.joined(separator: ", ")) has a failover orchestrator (e.g. a postgres component with failover: promote)"
        }
    }

    /// The failover of the first component (in the pipeline file's order) among whose nodes `nodes`
    /// are and whose system has an orchestrator; the history's value names the component.
    func failover(among nodes: [String]) async throws -> JSONValue {
        var groups: [String: [String]] = [:]
        for n in nodes { if let c = componentOf[n] { groups[c, default: []].append(n) } }
        let named = order.filter { groups[$0] != nil }
        guard let c = named.first(where: { orchestrators[$0] != nil }), let o = orchestrators[c] else {
            throw NoOrchestrator(components: named)
        }
        let did = try await o.failover(among: groups[c] ?? [])
        guard case .object(var fields) = did else { return ["component": .string(c), "did": did] }
        fields["component"] = .string(c)
        return .object(fields)
    }

    func shutdown() async {
        for a in adapters { await a.shutdown() }
    }
}
