// NodePlacement+Pipeline: the links between components of a pipeline (service → upstream nodes).
import Foundation
import Net

extension NodePlacement {
    /// Fills each service node's `upstreams` (role → node names) from its component's `uses`.
    static func wireUpstreams(_ nodes: inout [ResolvedNode], pipeline: PipelineFile) {
        for i in nodes.indices {
            guard let c = pipeline.component(named: nodes[i].component) else { continue }
            for u in c.uses {
                guard let uc = pipeline.component(named: u) else { continue }
                // The nodes clients talk to: `<component>-<i>` (a multi-kind system's other kinds are
                // `<component>_<kind>-<i>`, which a pipeline service never dials).
                let names = nodes.filter { $0.component == u && $0.name.hasPrefix(u + "-") }.map(\.name)
                if !names.isEmpty { nodes[i].upstreams[uc.pipelineRole] = names }
                if let b = uc.backend { nodes[i].upstreamKinds[uc.pipelineRole] = b.rawValue }
            }
        }
    }

    /// One proxy per directed link from a service node to each node of its upstream components, so the
    /// nemesis can cut (or slow) the pipeline between components as well as between replicas.
    static func linkUpstreams(_ nodes: [ResolvedNode], net: ProxyNetwork) async throws {
        for a in nodes {
            for names in a.upstreams.values {
                for b in nodes where names.contains(b.name) {
                    try await net.addLink(from: a.name, to: b.name, targetPort: b.port)
                }
            }
        }
    }
}
