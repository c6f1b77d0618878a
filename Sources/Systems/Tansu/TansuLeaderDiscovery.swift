// TansuLeaderDiscovery: the controller broker, from the Metadata each broker answers.
import Foundation
import KafkaProtocol
import Nemesis
import NIOCore

/// TansuLeaderDiscovery asks every broker for Metadata and takes the controller most answers name
/// (`controller_id`), mapped to a node through the broker list's advertised address: brokers
/// advertise `127.0.0.1:<client port>`, so the port names the node. With one broker (storage
/// memory) that broker is the leader of every partition and the controller whenever it answers.
struct TansuLeaderDiscovery: LeaderDiscovery {
    let nodes: [String: SystemNode]
    var timeout: TimeAmount = .milliseconds(500)

    func leader(among names: [String]) async -> String? {
        var votes: [String: Int] = [:]
        await withTaskGroup(of: String?.self) { group in
            for name in names {
                guard let n = nodes[name] else { continue }
                group.addTask { await controller(asking: n) }
            }
            for await c in group { if let c, names.contains(c) { votes[c, default: 0] += 1 } }
        }
        return votes.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key
    }

    func controller(asking n: SystemNode) async -> String? {
        guard let c = try? await KafkaClient.connect(host: n.host, port: n.port, clientId: "faultline-nemesis", requestTimeout: timeout) else {
            return nil
        }
        defer { Task { await c.close() } }
        guard let m = try? await c.metadata(topics: nil),
              let broker = m.brokers.first(where: { $0.nodeId == m.controllerId }) else { return nil }
        return nodes.values.first { $0.port == Int(broker.port) }?.name
    }
}
