// SeaweedLeaderDiscovery: the SeaweedFS master leader, from the masters' own status API (GET /cluster/status).
import AsyncHTTPClient
import Foundation
import History
import Nemesis
import NIOCore

/// SeaweedLeaderDiscovery asks every node `GET /cluster/status` on its "master" port (or, for a node
/// without one, its client port). A master answers `{"IsLeader": bool, "Leader": "host:port", "Peers": [...]}`;
/// any other node (a volume server, the filer's S3 gateway) answers something else and is ignored. A
/// master that says it is the leader names itself; otherwise the leader address most masters agree on
/// is mapped back to the node whose master port it is.
public struct SeaweedLeaderDiscovery: LeaderDiscovery {
    /// Node name → its master HTTP port.
    public var masterPorts: [String: Int]
    public var transport: HTTPTransport

    public init(masterPorts: [String: Int], transport: HTTPTransport) {
        self.masterPorts = masterPorts
        self.transport = transport
    }

    struct Status: Sendable {
        var node: String
        var isLeader: Bool
        var leaderPort: Int?
    }

    public func leader(among nodes: [String]) async -> String? {
        var answers: [Status] = []
        await withTaskGroup(of: Status?.self) { group in
            for n in nodes {
                guard let port = masterPorts[n] else { continue }
                group.addTask { await status(of: n, port: port) }
            }
            for await s in group { if let s { answers.append(s) } }
        }
        if let own = answers.first(where: \.isLeader) { return own.node }
        // No leader answered itself (paused, cut off): the one the others name, if they agree.
        let named = answers.compactMap(\.leaderPort)
        guard let port = Dictionary(grouping: named, by: { $0 }).max(by: { $0.value.count < $1.value.count })?.key else { return nil }
        return masterPorts.first { $0.value == port && nodes.contains($0.key) }?.key
    }

    func status(of node: String, port: Int) async -> Status? {
        guard case .status(200, let body) = await transport.send(.GET, "http://127.0.0.1:\(port)/cluster/status") else { return nil }
        // 4.48 leaves `IsLeader` out on a follower (false is omitted); `Leader` is there once one is known.
        guard body["Leader"] != nil || body["IsLeader"] != nil else { return nil }
        return Status(node: node, isLeader: body["IsLeader"]?.boolValue ?? false, leaderPort: body["Leader"]?.stringValue.flatMap(Self.httpPort))
    }

    /// The HTTP port of a master address as SeaweedFS 4.48 writes it: `127.0.0.1:9333.19333` (HTTP port,
    /// then the gRPC port after a dot), or plain `127.0.0.1:9333`.
    static func httpPort(_ address: String) -> Int? {
        guard let afterColon = address.split(separator: ":").last else { return nil }
        return afterColon.split(separator: ".").first.flatMap { Int($0) }
    }
}
