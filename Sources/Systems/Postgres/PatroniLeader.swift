// PatroniLeader: the primary as Patroni says it, from its REST API, and the published primary kept on it
// (what a load balancer's health checks on `GET /primary` do in front of a Patroni cluster).
import AsyncHTTPClient
import Foundation
import Nemesis
import NIOCore

enum PatroniREST {
    /// The nodes whose Patroni answers 200 to `GET /primary` (it holds the leader key and its PostgreSQL
    /// runs read-write). Asked on 127.0.0.1, not through the link proxies: the harness' own view, as a
    /// load balancer with its own network path has. A paused node does not answer: not a primary.
    static func primaries(_ nodes: [SystemNode], timeout: Double) async -> [String] {
        await withTaskGroup(of: String?.self) { group in
            for n in nodes {
                guard let rest = n.ports["rest"] else { continue }
                group.addTask {
                    let req = HTTPClientRequest(url: "http://\(n.host):\(rest)/primary")
                    guard let resp = try? await HTTPClient.shared.execute(req, timeout: .milliseconds(Int64(timeout * 1000))) else { return nil }
                    _ = try? await resp.body.collect(upTo: 1 << 20)
                    return resp.status == .ok ? n.name : nil
                }
            }
            var out: [String] = []
            for await name in group { if let name { out.append(name) } }
            return PostgresCluster.ordered(out)
        }
    }
}

/// PatroniWatch asks every node which one is the primary, every `interval` seconds, and publishes it
/// (PostgresCluster): clients then write there. While Patroni names none (between a leader's loss and
/// the next election) the published primary stays where it was: writes sent there fail or end unknown.
final class PatroniWatch: @unchecked Sendable {
    let cluster: PostgresCluster
    var interval = 0.2
    var timeout = 0.5
    private let lock = NSLock()
    private var task: Task<Void, Never>?

    init(cluster: PostgresCluster) { self.cluster = cluster }

    /// Asks once; publishes and returns the primary (the published one when several claim it).
    @discardableResult
    func refresh() async -> String? {
        let names = cluster.names
        let primaries = await PatroniREST.primaries(names.compactMap { cluster.node($0) }, timeout: timeout)
        let current = cluster.primary?.name
        if let current, primaries.contains(current) { return current }
        guard let p = primaries.first else { return nil }
        cluster.publish(p)
        return p
    }

    /// Starts polling (once).
    func start() {
        lock.lock()
        defer { lock.unlock() }
        if task != nil { return }
        task = Task { [weak self] in
            while !Task.isCancelled, let self {
                await self.refresh()
                try? await Task.sleep(for: .milliseconds(Int64(self.interval * 1000)))
            }
        }
    }

    func stop() {
        lock.lock()
        task?.cancel()
        task = nil
        lock.unlock()
    }
}

/// The nemesis' leader: the primary Patroni names, as published.
struct PatroniLeaderDiscovery: LeaderDiscovery {
    let watch: PatroniWatch

    func leader(among names: [String]) async -> String? {
        guard let p = await watch.refresh(), names.contains(p) else { return nil }
        return p
    }
}
