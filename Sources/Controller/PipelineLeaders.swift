// PipelineLeaders: for a pipeline workload, the leader (or primary) of each component found by that
// component's own system: GET /status for built-in components, the system's discovery for a real
// system standing in for a stage (a PostgreSQL primary, a Redis primary, ...).
import Foundation
import Nemesis
import Systems

/// PipelineLeaders answers `leader(among:)` by asking the discovery of the component the names belong
/// to (a component-scoped fault names one component's nodes; otherwise each component in turn). The
/// adapters it made for real systems are its own: `shutdown()` releases them.
final class PipelineLeaders: LeaderDiscovery, @unchecked Sendable {
    private let componentOf: [String: String]
    private let discoveries: [String: any LeaderDiscovery]
    private let adapters: [any SystemAdapter]

    init(pipeline: PipelineFile, nodes: [ResolvedNode], workload: WorkloadFile, concurrency: Int, builtin: any SystemAdapter) {
        var componentOf: [String: String] = [:]
        var discoveries: [String: any LeaderDiscovery] = [:]
        var adapters: [any SystemAdapter] = []
        for c in pipeline.components {
            let own = nodes.filter { $0.component == c.name }
            guard !own.isEmpty else { continue }
            for n in own { componentOf[n.name] = c.name }
            if c.command != nil {
                let a = ComponentAccess.adapter(c, workload: workload, concurrency: 1)
                adapters.append(a)
                discoveries[c.name] = a.leaderDiscovery(own.map(\.systemNode))
            } else {
                discoveries[c.name] = builtin.leaderDiscovery(own.map(\.systemNode))
            }
        }
        self.componentOf = componentOf
        self.discoveries = discoveries
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

    func shutdown() async {
        for a in adapters { await a.shutdown() }
    }
}
