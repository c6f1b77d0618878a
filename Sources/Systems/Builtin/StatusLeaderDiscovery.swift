// StatusLeaderDiscovery: the built-in nodes' leader, from each node's GET /status (docs/nodes.md).
import AsyncHTTPClient
import Foundation
import Nemesis
import NIOCore

/// StatusLeaderDiscovery asks `GET /status` of each node (the shared node contract): a node is the
/// leader when its "leader" equals its own "node"; when several claim it, the highest "term" wins.
public struct StatusLeaderDiscovery: LeaderDiscovery {
    /// Node name → its status URL, e.g. "http://127.0.0.1:7101/status".
    public var statusURLs: [String: String]
    public var timeout: TimeAmount

    public init(statusURLs: [String: String], timeout: TimeAmount = .milliseconds(500)) {
        self.statusURLs = statusURLs
        self.timeout = timeout
    }

    public func leader(among nodes: [String]) async -> String? {
        var best: (name: String, term: Int)?
        await withTaskGroup(of: (String, Int)?.self) { group in
            for n in nodes {
                guard let url = statusURLs[n] else { continue }
                group.addTask { await Self.claim(url: url, timeout: timeout) }
            }
            for await c in group {
                guard let c else { continue }
                if best == nil || c.1 > best!.term { best = (c.0, c.1) }
            }
        }
        return best?.name
    }

    /// The node's (name, term) when it claims to be the leader.
    static func claim(url: String, timeout: TimeAmount) async -> (String, Int)? {
        do {
            let resp = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: timeout)
            guard resp.status == .ok else { return nil }
            let body = try await resp.body.collect(upTo: 1 << 20)
            guard let obj = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
                  let node = obj["node"] as? String, let leader = obj["leader"] as? String, leader == node else { return nil }
            return (node, (obj["term"] as? Int) ?? 0)
        } catch {
            return nil
        }
    }
}
