// ComponentAccess: for the component a workload targets, which client adapter and which leader discovery.
import Client
import Generator
import InputFiles
import Nemesis

/// ComponentAccess picks how clients and the nemesis talk to a component: the built-in roles' HTTP API
/// and GET /status, or a command component's own client (etcd: its JSON gateway and maintenance status).
enum ComponentAccess {
    /// An InputError when the workload's kind cannot run against the component.
    static func checkFits(_ comp: PipelineFile.Component, workload: WorkloadFile) throws {
        let fits: Bool
        if let cmd = comp.command {
            fits = cmd.client == "etcd" ? (workload.kind == .register || workload.kind == .set) : true
        } else {
            fits = workload.kind == .log ? comp.role == "broker" : ["store", "warehouse"].contains(comp.role)
        }
        if !fits {
            let what = comp.command.map { "client \($0.client)" } ?? "role \(comp.role)"
            throw InputError(file: workload.path, line: workload.targetLine, field: "target",
                             message: "a \(workload.kind.rawValue) workload cannot run against '\(comp.name)' (\(what))")
        }
    }

    static func adapter(_ comp: PipelineFile.Component, kind: OpMix.Kind, transport: HTTPTransport) -> any ClientAdapter {
        if let cmd = comp.command {
            if cmd.client == "etcd" {
                return EtcdClient(transport: transport, serializable: cmd.clientSettings["serializable"]?.boolValue ?? false)
            }
            return kind == .log ? BrokerClient(transport: transport) : StoreClient(transport: transport)
        }
        switch comp.role {
        case "warehouse": return WarehouseClient(transport: transport)
        case "broker": return BrokerClient(transport: transport)
        default: return StoreClient(transport: transport)
        }
    }

    static func leaderDiscovery(_ comp: PipelineFile.Component, nodes: [ResolvedNode]) -> any LeaderDiscovery {
        if comp.command?.client == "etcd" {
            return EtcdLeaderDiscovery(clientURLs: Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, $0.baseURL) }))
        }
        return StatusLeaderDiscovery(statusURLs: Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, $0.baseURL + "/status") }))
    }
}
