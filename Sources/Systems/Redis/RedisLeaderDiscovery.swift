// RedisLeaderDiscovery: the Redis primary, from Sentinel when Sentinels run, else from each node's ROLE.
import Foundation
import Nemesis
import NIOCore
import RedisProtocol

/// RedisLeaderDiscovery asks every node `ROLE`. When some nodes are Sentinels, their answers to
/// `SENTINEL get-master-addr-by-name faultline` decide (the address most of the answering Sentinels
/// give): that is the primary the deployment will converge on. Without Sentinels, the one node that
/// calls itself master; when several do (a primary restarted empty beside a promoted one cannot happen
/// without Sentinel, but a hand-made REPLICAOF could), the one with the most connected replicas.
struct RedisLeaderDiscovery: LeaderDiscovery {
    let book: RedisNodeBook
    let nodes: [String: SystemNode]
    var timeout: TimeAmount = .milliseconds(500)

    enum Answer: Sendable {
        case role(String, RedisRole)
        case sentinelSays(String)
    }

    func leader(among names: [String]) async -> String? {
        var answers: [Answer] = []
        await withTaskGroup(of: [Answer].self) { group in
            for name in names {
                guard let n = nodes[name] else { continue }
                group.addTask { await ask(n) }
            }
            for await a in group { answers += a }
        }
        var votes: [String: Int] = [:]
        for case .sentinelSays(let name) in answers where names.contains(name) { votes[name, default: 0] += 1 }
        if let best = votes.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }) { return best.key }
        var primaries: [(String, Int)] = []
        for case .role(let name, .primary(let replicas)) in answers { primaries.append((name, replicas)) }
        return primaries.max { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 > $1.0) }?.0
    }

    func ask(_ n: SystemNode) async -> [Answer] {
        guard let c = try? await RedisConnection.connect(host: n.host, port: n.port, timeout: timeout) else { return [] }
        defer { Task { await c.close() } }
        guard let reply = try? await c.send(["ROLE"], timeout: timeout), let role = RedisRole(reply) else { return [] }
        guard role == .sentinel else { return [.role(n.name, role)] }
        guard let r = try? await c.send(["SENTINEL", "get-master-addr-by-name", RedisValues.masterName], timeout: timeout),
              let (host, port) = RedisValues.address(r), let primary = book.node(host: host, port: port) else { return [] }
        return [.sentinelSays(primary.name)]
    }
}
