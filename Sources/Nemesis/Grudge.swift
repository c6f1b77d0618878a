// Grudge: pure partition topologies; a grudge says which node cannot reach which (directed links to cut).
import Net

/// Grudge maps each node to the nodes it cannot reach: `grudge[a]` contains `b` when link a→b is cut.
/// Pure values: computing a partition never touches the network (see `NemesisExecutor` for that).
public struct Grudge: Sendable, Equatable {
    public var cuts: [String: Set<String>]

    public init(_ cuts: [String: Set<String>] = [:]) { self.cuts = cuts }

    /// The directed links to cut, sorted.
    public var links: [LinkID] {
        cuts.flatMap { a, bs in bs.map { LinkID(a, $0) } }.sorted { ($0.from, $0.to) < ($1.from, $1.to) }
    }

    /// Every node of `a` and `b` cannot reach any node of the other side (both directions).
    public static func complete(_ a: [String], _ b: [String]) -> Grudge {
        var g: [String: Set<String>] = [:]
        for x in a { g[x, default: []].formUnion(b) }
        for y in b { g[y, default: []].formUnion(a) }
        return Grudge(g)
    }

    /// Splits nodes (in the given order) into a smaller first half and a larger second half.
    public static func halves(_ nodes: [String]) -> Grudge {
        let k = nodes.count / 2
        return complete(Array(nodes[..<k]), Array(nodes[k...]))
    }

    /// `node` alone on one side.
    public static func isolate(_ node: String, in nodes: [String]) -> Grudge {
        complete([node], nodes.filter { $0 != node })
    }

    /// Each node sees a majority made of its ring neighbours, and no two nodes see the same majority
    /// (Jepsen's majorities-ring). With n = 5 each node reaches itself and its two neighbours.
    public static func majoritiesRing(_ nodes: [String]) -> Grudge {
        let n = nodes.count
        guard n >= 3 else { return Grudge() }
        let m = n / 2 + 1
        let back = (m - 1) / 2
        var g: [String: Set<String>] = [:]
        for (i, a) in nodes.enumerated() {
            let visible = Set((0..<m).map { nodes[(i - back + $0 + n) % n] })
            let cut = Set(nodes).subtracting(visible)
            if !cut.isEmpty { g[a] = cut }
        }
        return Grudge(g)
    }

    /// Two halves joined by one bridge node that sees both (Jepsen's bridge).
    public static func bridge(_ nodes: [String]) -> Grudge {
        guard nodes.count >= 3 else { return Grudge() }
        let mid = nodes.count / 2
        let bridgeNode = nodes[mid]
        return complete(Array(nodes[..<mid]), Array(nodes[(mid + 1)...])).removing(bridgeNode)
    }

    /// `from` cannot reach `to`; `to` still reaches `from`.
    public static func oneWay(from: String, to: String) -> Grudge { Grudge([from: [to]]) }

    private func removing(_ node: String) -> Grudge {
        var g = cuts
        g[node] = nil
        for k in g.keys { g[k]?.remove(node) }
        return Grudge(g)
    }
}
