// Role: the built-in node roles, the one table Node (which runs them) and Controller/Systems (which place
// and talk to them) share.

/// A `faultline-node` role: three replicated roles and the pipeline's single-process services.
public enum Role: String, Sendable, CaseIterable {
    case broker, store, warehouse
    /// The pipeline's single-process services (docs/nodes.md "Pipeline roles").
    case ingest, connector, loader, cache, api

    /// The roles with a replicated log and a leader (several replicas).
    public static let replicated: [Role] = [.broker, .store, .warehouse]
    /// The single-process services, in pipeline order.
    public static let services: [Role] = [.ingest, .connector, .loader, .cache, .api]

    /// A single-process role of the pipeline that talks to other components through its upstreams.
    public var isService: Bool { !Role.replicated.contains(self) }

    /// The upstream components (keyed by role) each service role needs in its config.
    public var upstreamRoles: [Role] {
        switch self {
        case .ingest: return [.broker]
        case .connector: return [.broker, .store]
        case .loader: return [.store, .warehouse]
        case .api: return [.warehouse, .cache]
        default: return []
        }
    }
}
