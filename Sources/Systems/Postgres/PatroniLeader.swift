// PatroniLeader: the primary as Patroni says it, from its REST API, and the published primary kept on it
// (what a load balancer's health checks on `GET /primary` do in front of a Patroni cluster).
import AsyncHTTPClient
import Foundation
import Nemesis
import NIOCore

enum PatroniREST {
    /// What each node's Patroni answers to `GET /primary`: 200 when it holds the leader key and its
    /// PostgreSQL runs read-write, 503 when it is not the primary; absent when it did not answer (paused,
    /// down). Asked on 127.0.0.1, not through the link proxies: the harness' own view, as a load balancer
    /// with its own network path has.
    static func primaryChecks(_ nodes: [SystemNode], timeout: Double) async -> [String: UInt] {
        await withTaskGroup(of: (String, UInt)?.self) { group in
            for n in nodes {
                guard let rest = n.ports["rest"] else { continue }
                group.addTask {
                    let req = HTTPClientRequest(url: "http://\(n.host):\(rest)/primary")
                    guard let resp = try? await HTTPClient.shared.execute(req, timeout: .milliseconds(Int64(timeout * 1000))) else { return nil }
                    _ = try? await resp.body.collect(upTo: 1 << 20)
                    return (n.name, resp.status.code)
                }
            }
            var out: [String: UInt] = [:]
            for await a in group { if let a { out[a.0] = a.1 } }
            return out
        }
    }
}

/// PatroniWatch asks every node which one is the primary, every `interval` seconds, and publishes it
/// (PostgresCluster): clients then write there. When the published node's Patroni says it is not the
/// primary (it demoted itself) and none other claims it, nothing is published: clients get no primary
/// connection, as behind a load balancer whose health check took the node out. A published node that
/// does not answer (paused) stays published: requests sent there end at the client's deadline.
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
        let checks = await PatroniREST.primaryChecks(cluster.names.compactMap { cluster.node($0) }, timeout: timeout)
        let primaries = PostgresCluster.ordered(checks.filter { $0.value == 200 }.map(\.key))
        let current = cluster.primary?.name
        if let current, primaries.contains(current) { return current }
        guard let p = primaries.first else {
            if let current, let code = checks[current], code != 200 { cluster.unpublish(current) }
            return nil
        }
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
