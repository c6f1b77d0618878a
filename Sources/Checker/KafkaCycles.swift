// Dependency cycles between Kafka transactions (G0, G1c; G-single and G2 with rw_deps), found as Elle finds them.
import History

/// The dependency graph over completed send/poll/txn ops, as Jepsen's kafka checker builds it:
/// - wr: T1 sent a value T2 polled (every value polled, from every op that polled it);
/// - ww (option `ww_deps`): T1 sent the value right before T2's value in the version order;
/// - rw (option `rw_deps`, not in Jepsen): T1's highest poll of a key is right before a value T2 sent.
/// Strongly connected components (Tarjan) hold every cycle; in each, as Elle does, one cycle per
/// anomaly is searched for: G0 (ww edges only), G1c (ww and wr, at least one wr), G-single (exactly
/// one rw), G2 (rw, when no G-single). Each cycle is reported with its ops and the step behind each edge.
struct KafkaCycles {
    static let ww: UInt8 = 1
    static let wr: UInt8 = 2
    static let rw: UInt8 = 4

    let h: KafkaHistory
    let vo: KafkaVersionOrders
    let writerOf: [Int32]  // per element, its writer (-1: none)
    let options: KafkaOptions
    /// CSR adjacency: edges of node n are targets[start[n]..<start[n+1]] with kinds.
    private var start: [Int32] = []
    private var targets: [Int32] = []
    private var kinds: [UInt8] = []
    /// Search steps allowed per component and anomaly, so that a pathological component cannot stall
    /// the checker (Elle also bounds its search); a component cut short is reported in warnings.
    static let searchBudget = 2_000_000

    init(_ h: KafkaHistory, vo: KafkaVersionOrders, writerOf: [Int32], options: KafkaOptions) {
        self.h = h
        self.vo = vo
        self.writerOf = writerOf
        self.options = options
        buildGraph()
    }

    private mutating func buildGraph() {
        var edges: [UInt64] = []  // from << 34 | to << 2 ... packed with the kind in the low bits
        func link(_ a: Int32, _ b: Int32, _ kind: UInt8) {
            guard a != b else { return }
            edges.append(UInt64(UInt32(a)) << 35 | UInt64(UInt32(b)) << 3 | UInt64(kind))
        }
        for (i, t) in h.txns.enumerated() {
            for r in t.reads { let w = writerOf[Int(r.value)]; if w >= 0 { link(w, Int32(i), KafkaCycles.wr) } }
            if options.rwDeps {
                var highest: [Int32: Int] = [:]
                for r in t.reads { if let ix = vo.index(r.key, r.value) { highest[r.key] = max(highest[r.key] ?? -1, ix) } }
                for (k, ix) in highest {
                    let log = vo.logs[Int(k)]
                    guard ix + 1 < log.byIndex.count else { continue }
                    let w = writerOf[Int(log.byIndex[ix + 1])]
                    guard w >= 0 else { continue }
                    link(Int32(i), w, KafkaCycles.rw)
                }
            }
        }
        if options.wwDeps {
            for (e, w2) in writerOf.enumerated() where w2 >= 0 {
                let k = h.elementKey[e]
                guard let i2 = vo.index(k, Int32(e)), i2 > 0 else { continue }
                let w1 = writerOf[Int(vo.logs[Int(k)].byIndex[i2 - 1])]
                guard w1 >= 0 else { continue }
                link(w1, w2, KafkaCycles.ww)
            }
        }
        edges.sort()
        let n = h.txns.count
        start = [Int32](repeating: 0, count: n + 1)
        targets.reserveCapacity(edges.count)
        kinds.reserveCapacity(edges.count)
        var lastPair: UInt64 = .max
        var counts = [Int32](repeating: 0, count: n)
        for e in edges {
            let pair = e >> 3
            if pair == lastPair {
                kinds[kinds.count - 1] |= UInt8(e & 7)
                continue
            }
            lastPair = pair
            counts[Int(e >> 35)] += 1
            targets.append(Int32(truncatingIfNeeded: (e >> 3) & 0xFFFF_FFFF))
            kinds.append(UInt8(e & 7))
        }
        for i in 0..<n { start[i + 1] = start[i] + counts[i] }
    }

    var edgeCount: Int { targets.count }

    /// Strongly connected components with more than one node, each sorted, in order of smallest node.
    func components() -> [[Int32]] {
        let n = h.txns.count
        var index = [Int32](repeating: -1, count: n)
        var low = [Int32](repeating: 0, count: n)
        var onStack = [Bool](repeating: false, count: n)
        var stack: [Int32] = []
        var next: Int32 = 0
        var out: [[Int32]] = []
        var work: [(node: Int32, edge: Int32)] = []
        for root in 0..<n where index[root] < 0 {
            work.append((Int32(root), start[root]))
            index[root] = next
            low[root] = next
            next += 1
            stack.append(Int32(root))
            onStack[root] = true
            while let top = work.last {
                let v = Int(top.node)
                if top.edge < start[v + 1] {
                    work[work.count - 1].edge += 1
                    let w = Int(targets[Int(top.edge)])
                    if index[w] < 0 {
                        index[w] = next
                        low[w] = next
                        next += 1
                        stack.append(Int32(w))
                        onStack[w] = true
                        work.append((Int32(w), start[w]))
                    } else if onStack[w] {
                        low[v] = min(low[v], index[w])
                    }
                    continue
                }
                work.removeLast()
                if let parent = work.last { low[Int(parent.node)] = min(low[Int(parent.node)], low[v]) }
                if low[v] == index[v] {
                    var scc: [Int32] = []
                    while true {
                        let w = stack.removeLast()
                        onStack[Int(w)] = false
                        scc.append(w)
                        if Int(w) == v { break }
                    }
                    if scc.count > 1 { out.append(scc.sorted()) }
                }
            }
        }
        return out.sorted { $0[0] < $1[0] }
    }

    /// A path from `from` to `to` inside `members` using only edges whose kind is in `allowed`
    /// (breadth-first: a shortest one), or nil. `budget` counts edges looked at.
    private func path(from: Int32, to: Int32, allowed: UInt8, members: Set<Int32>, budget: inout Int) -> [Int32]? {
        if from == to { return [from] }
        var pred: [Int32: Int32] = [from: from]
        var queue: [Int32] = [from]
        var head = 0
        while head < queue.count {
            let v = queue[head]
            head += 1
            for e in Int(start[Int(v)])..<Int(start[Int(v) + 1]) {
                budget -= 1
                if budget < 0 { return nil }
                let w = targets[e]
                guard kinds[e] & allowed != 0, members.contains(w), pred[w] == nil else { continue }
                pred[w] = v
                if w == to {
                    var p: [Int32] = [w]
                    var x = w
                    while x != from {
                        x = pred[x]!
                        p.append(x)
                    }
                    return p.reversed()
                }
                queue.append(w)
            }
        }
        return nil
    }

    /// A cycle through an edge of kind `through` (a -> b), closed by a path from b back to a over
    /// edges in `rest`. The cycle as nodes [a, b, ..., a] with the kind used for each step.
    private func cycle(through: UInt8, rest: UInt8, scc: [Int32], members: Set<Int32>, budget: inout Int) -> [(Int32, UInt8)]? {
        for a in scc {
            for e in Int(start[Int(a)])..<Int(start[Int(a) + 1]) where kinds[e] & through != 0 && members.contains(targets[e]) {
                let b = targets[e]
                guard budget > 0 else { return nil }
                guard let back = path(from: b, to: a, allowed: rest, members: members, budget: &budget) else { continue }
                var steps: [(Int32, UInt8)] = [(a, through)]
                for j in 0..<(back.count - 1) {
                    // An edge may carry several kinds: name the step by the first of ww, wr, rw allowed.
                    steps.append((back[j], lowestBit(kind(back[j], back[j + 1]) & rest)))
                }
                steps.append((a, 0))
                return steps
            }
        }
        return nil
    }

    private func lowestBit(_ k: UInt8) -> UInt8 { k & (~k &+ 1) }

    private func kind(_ a: Int32, _ b: Int32) -> UInt8 {
        for e in Int(start[Int(a)])..<Int(start[Int(a) + 1]) where targets[e] == b { return kinds[e] }
        return 0
    }

    /// Searches every component: G0, G1c (and G-single, G2) cases, and warnings.
    func find(names: KafkaNames) -> (cases: [(String, JSONValue)], warnings: [String]) {
        var found: [(String, JSONValue)] = []
        var cut = 0
        for scc in components() {
            let members = Set(scc)
            var exhausted = false
            // Each anomaly gets its own search budget.
            func search(_ through: UInt8, _ rest: UInt8) -> [(Int32, UInt8)]? {
                var budget = KafkaCycles.searchBudget
                let c = cycle(through: through, rest: rest, scc: scc, members: members, budget: &budget)
                if c == nil && budget <= 0 { exhausted = true }
                return c
            }
            if let c = search(KafkaCycles.ww, KafkaCycles.ww) { found.append(("G0", explain(c, names))) }
            if let c = search(KafkaCycles.wr, KafkaCycles.ww | KafkaCycles.wr) { found.append(("G1c", explain(c, names))) }
            if options.rwDeps {
                if let c = search(KafkaCycles.rw, KafkaCycles.ww | KafkaCycles.wr) {
                    found.append(("G-single", explain(c, names)))
                } else if let c = search(KafkaCycles.rw, 7) {
                    found.append(("G2", explain(c, names)))
                }
            }
            if exhausted { cut += 1 }
        }
        let warnings =
            cut > 0 ? ["\(cut) dependency cycle component(s) were too large to search completely; some cycles may be unreported"] : []
        return (found, warnings)
    }

    /// The cycle's ops and, for each edge, what links them (Elle's steps).
    private func explain(_ c: [(Int32, UInt8)], _ an: KafkaNames) -> JSONValue {
        var ops: [JSONValue] = []
        var steps: [JSONValue] = []
        for j in 0..<c.count {
            ops.append(an.op(Int(c[j].0)))
            guard j + 1 < c.count else { break }
            steps.append(step(c[j].0, c[j + 1].0, c[j].1, an))
        }
        return ["cycle": .array(ops), "steps": .array(steps)]
    }

    private func step(_ a: Int32, _ b: Int32, _ kind: UInt8, _ an: KafkaNames) -> JSONValue {
        let ta = h.txns[Int(a)]
        let tb = h.txns[Int(b)]
        switch kind {
        case KafkaCycles.ww:
            for w in tb.writes {
                guard let i2 = vo.index(w.key, w.value), i2 > 0 else { continue }
                let v1 = vo.logs[Int(w.key)].byIndex[i2 - 1]
                if writerOf[Int(v1)] == a {
                    return ["type": "ww", "key": an.key(w.key), "value": an.value(v1), "value'": an.value(w.value)]
                }
            }
        case KafkaCycles.wr:
            for r in tb.reads where writerOf[Int(r.value)] == a {
                return ["type": "wr", "key": an.key(r.key), "value": an.value(r.value)]
            }
        case KafkaCycles.rw:
            for r in ta.reads {
                guard let ix = vo.index(r.key, r.value), ix + 1 < vo.logs[Int(r.key)].byIndex.count else { continue }
                let v2 = vo.logs[Int(r.key)].byIndex[ix + 1]
                if writerOf[Int(v2)] == b {
                    return ["type": "rw", "key": an.key(r.key), "value": an.value(r.value), "value'": an.value(v2)]
                }
            }
        default: break
        }
        return ["type": .string(kind == KafkaCycles.ww ? "ww" : kind == KafkaCycles.wr ? "wr" : "rw")]
    }
}
