// Seeded generator of large Jepsen Kafka workload histories, clean except for scripted, injected anomalies.
import History

extension SyntheticHistory {
    /// The anomalies `kafka` injects, a few of each (`injectionsPerKind`), each in keys of its own so
    /// that each shows as exactly that anomaly (a lost write is also unseen: nobody polled it).
    public static let kafkaInjectedKinds = [
        "lost-write", "duplicate", "poll-skip", "nonmonotonic-poll", "nonmonotonic-send", "inconsistent-offsets", "int-poll-skip",
        "int-send-skip", "int-nonmonotonic-poll", "int-nonmonotonic-send", "unseen", "precommitted-read", "G0", "G1a", "G1c",
    ]

    /// A Jepsen Kafka workload history of about `ops` ops: `concurrency` clients send to, poll from
    /// (each assigned some of `keys` keys, two consumers per key) and run transactions over an ideal
    /// log with contiguous offsets, a few ops failing or crashing (a crashed client's process is
    /// replaced, as Jepsen does); final polls catch every consumer up. Values and shapes are those of
    /// an imported Jepsen EDN history (`[[":send", k, [offset, v]]]`, `[[":poll", {"k": [[o, v], …]}]]`).
    /// `injectionsPerKind` scripted copies of each of `kafkaInjectedKinds` are spliced in; G0 shows
    /// only with the checker's `ww_deps`.
    public static func kafka(ops: Int, seed: UInt64, concurrency: Int = 10, keys: Int = 8, injectionsPerKind: Int = 3) -> SyntheticHistory {
        var g = KafkaGenerator(seed: seed, concurrency: concurrency, keys: keys)
        g.run(calls: max(1, ops / 2), injections: injectionsPerKind)
        return SyntheticHistory(history: History(ops: g.ops, importedFrom: .edn), injected: g.injected)
    }
}

private struct KafkaGenerator {
    var rng: SplitMix64
    let concurrency: Int
    let keys: Int
    var ops: [Op] = []
    var injected: [String: Int] = [:]
    var time: Int64 = 0
    var logs: [[Int]]  // per key, the value at each offset
    var processOf: [Int]  // per slot, its current process
    var assigned: [[Int]]  // per slot, its keys
    var position: [[Int: Int]]  // per slot, key -> next offset to poll
    var needsAssign: [Bool]
    var nextValue = 0
    var nextProcess: Int
    var nextInjectionKey = 1_000

    init(seed: UInt64, concurrency: Int, keys: Int) {
        rng = SplitMix64(seed: seed)
        self.concurrency = concurrency
        self.keys = keys
        logs = Array(repeating: [], count: keys)
        processOf = Array(0..<concurrency)
        let groups = max(1, concurrency / 2)
        assigned = (0..<concurrency).map { s in (0..<keys).filter { $0 % groups == s % groups } }
        position = Array(repeating: [:], count: concurrency)
        needsAssign = Array(repeating: true, count: concurrency)
        nextProcess = concurrency
    }

    // MARK: shapes

    static func send(_ k: Int, _ v: Int, offset: Int?) -> JSONValue {
        [":send", .int(k), offset.map { [.int($0), .int(v)] } ?? .int(v)]
    }
    static func poll(_ entries: [Int: [(Int, Int)]]) -> JSONValue {
        var o: [String: JSONValue] = [:]
        for (k, es) in entries { o[String(k)] = .array(es.map { [.int($0.0), .int($0.1)] }) }
        return [":poll", .object(o)]
    }
    static let pollInvoke: JSONValue = [":poll"]

    mutating func emit(_ process: Int, _ type: Op.Kind, _ f: String, _ value: JSONValue) {
        time += Int64.random(in: 100_000...2_000_000, using: &rng)
        ops.append(Op(index: ops.count, time: time, process: .client(process), type: type, f: f, value: value))
    }

    mutating func fresh() -> Int {
        nextValue += 1
        return nextValue
    }

    // MARK: the clean workload

    /// What one call will do, decided at invocation; its effect is applied at completion.
    struct Call {
        var slot: Int
        var f: String
        var sends: [(key: Int, value: Int)]
        var polls: Bool
        var outcome: Op.Kind
    }

    mutating func run(calls: Int, injections: Int) {
        // Scripted injections at random points of the history.
        var injectAt: [Int: [String]] = [:]
        for kind in SyntheticHistory.kafkaInjectedKinds {
            for _ in 0..<injections { injectAt[Int.random(in: 0..<max(1, calls), using: &rng), default: []].append(kind) }
        }
        var done = 0
        while done < calls {
            let batch = Int.random(in: 1...min(5, concurrency), using: &rng)
            var slots = Array(0..<concurrency)
            slots.shuffle(using: &rng)
            var pending: [Call] = []
            for s in slots.prefix(batch) {
                if needsAssign[s] {
                    emit(processOf[s], .invoke, "assign", .array(assigned[s].map { .int($0) }))
                    emit(processOf[s], .ok, "assign", .array(assigned[s].map { .int($0) }))
                    needsAssign[s] = false
                }
                let c = plan(slot: s)
                var inv: [JSONValue] = []
                if c.polls { inv.append(KafkaGenerator.pollInvoke) }
                for (k, v) in c.sends { inv.append(KafkaGenerator.send(k, v, offset: nil)) }
                emit(processOf[s], .invoke, c.f, .array(inv))
                pending.append(c)
            }
            pending.shuffle(using: &rng)
            for c in pending { complete(c) }
            for i in done..<(done + pending.count) { for kind in injectAt[i] ?? [] { inject(kind) } }
            done += pending.count
        }
        // Final polls: every consumer catches up on its keys.
        for s in 0..<concurrency {
            while assigned[s].contains(where: { position[s][$0, default: 0] < logs[$0].count }) {
                if needsAssign[s] {
                    emit(processOf[s], .invoke, "assign", .array(assigned[s].map { .int($0) }))
                    emit(processOf[s], .ok, "assign", .array(assigned[s].map { .int($0) }))
                    needsAssign[s] = false
                }
                emit(processOf[s], .invoke, "poll", [KafkaGenerator.pollInvoke])
                emit(processOf[s], .ok, "poll", [KafkaGenerator.poll(takePolls(slot: s, upTo: 1_000))])
            }
        }
    }

    mutating func plan(slot: Int) -> Call {
        let r = Double.random(in: 0..<1, using: &rng)
        let f = r < 0.45 ? "send" : r < 0.85 ? "poll" : "txn"
        var sends: [(Int, Int)] = []
        if f != "poll" {
            for _ in 0..<Int.random(in: 1...3, using: &rng) { sends.append((Int.random(in: 0..<keys, using: &rng), fresh())) }
        }
        let o = Double.random(in: 0..<1, using: &rng)
        let outcome: Op.Kind = o < 0.97 ? .ok : o < 0.985 ? .fail : .info
        return Call(slot: slot, f: f, sends: sends, polls: f != "send", outcome: outcome)
    }

    /// Up to `upTo` next entries of each of the slot's keys, advancing its positions.
    mutating func takePolls(slot s: Int, upTo: Int) -> [Int: [(Int, Int)]] {
        var out: [Int: [(Int, Int)]] = [:]
        for k in assigned[s] {
            let from = position[s][k, default: 0]
            let to = min(logs[k].count, from + upTo)
            guard to > from else { continue }
            out[k] = (from..<to).map { ($0, logs[k][$0]) }
            position[s][k] = to
        }
        return out
    }

    mutating func complete(_ c: Call) {
        let p = processOf[c.slot]
        switch c.outcome {
        case .ok:
            var value: [JSONValue] = []
            if c.polls { value.append(KafkaGenerator.poll(takePolls(slot: c.slot, upTo: Int.random(in: 0...6, using: &rng)))) }
            for (k, v) in c.sends {
                logs[k].append(v)
                value.append(KafkaGenerator.send(k, v, offset: logs[k].count - 1))
            }
            emit(p, .ok, c.f, .array(value))
        case .fail:
            // Nothing happened: the invocation's value, no offsets, positions unchanged.
            var inv: [JSONValue] = c.polls ? [KafkaGenerator.pollInvoke] : []
            for (k, v) in c.sends { inv.append(KafkaGenerator.send(k, v, offset: nil)) }
            emit(p, .fail, c.f, .array(inv))
        default:
            // Crashed: the sends may or may not have been committed; the client is replaced.
            let committed = Bool.random(using: &rng)
            var inv: [JSONValue] = c.polls ? [KafkaGenerator.pollInvoke] : []
            for (k, v) in c.sends {
                if committed { logs[k].append(v) }
                inv.append(KafkaGenerator.send(k, v, offset: nil))
            }
            emit(p, .info, c.f, .array(inv))
            processOf[c.slot] = nextProcess
            nextProcess += 1
            needsAssign[c.slot] = true
        }
    }

    // MARK: injections

    /// Fresh processes and keys of their own, so that each injection is exactly its anomaly.
    mutating func newProcess() -> Int {
        nextProcess += 1
        return nextProcess - 1
    }
    mutating func newKey() -> Int {
        nextInjectionKey += 1
        return nextInjectionKey - 1
    }

    /// One op of a fresh process: invocation (its value with offsets dropped) then completion.
    mutating func op(_ process: Int, _ type: Op.Kind, _ f: String, _ mops: [JSONValue]) {
        emit(process, .invoke, f, .array(mops.map { m in
            guard let parts = m.arrayValue, parts.first == ":send", let pair = parts[2].arrayValue else { return KafkaGenerator.pollInvoke }
            return [":send", parts[1], pair[1]]
        }))
        emit(process, type, f, .array(mops))
    }

    func s(_ k: Int, _ o: Int?, _ v: Int) -> JSONValue { KafkaGenerator.send(k, v, offset: o) }
    func p(_ k: Int, _ es: [(Int, Int)]) -> JSONValue { KafkaGenerator.poll([k: es]) }

    mutating func inject(_ kind: String) {
        injected[kind, default: 0] += 1
        let k = newKey()
        let (a, b, c) = (fresh(), fresh(), fresh())
        let (p1, p2, p3) = (newProcess(), newProcess(), newProcess())
        switch kind {
        case "lost-write":  // a acknowledged at 0; a poll shows 1 but never 0
            op(p1, .ok, "send", [s(k, 0, a), s(k, 1, b)])
            op(p2, .ok, "poll", [p(k, [(1, b)])])
            injected["unseen", default: 0] += 1
        case "duplicate":  // a at offsets 1 and 3
            op(p1, .ok, "send", [s(k, 1, a)])
            op(p2, .info, "send", [s(k, nil, b)])
            op(p3, .ok, "poll", [p(k, [(2, b), (3, a)])])
        case "inconsistent-offsets":  // a and b both at offset 0
            op(p1, .ok, "send", [s(k, 0, a)])
            op(p2, .ok, "send", [s(k, 0, b)])
            op(p3, .ok, "poll", [p(k, [(0, a)])])
            op(newProcess(), .ok, "poll", [p(k, [(0, b)])])
        case "poll-skip":  // p2 polls 0, then 2: it skipped b
            op(p1, .ok, "send", [s(k, 0, a), s(k, 1, b), s(k, 2, c)])
            op(p2, .ok, "poll", [p(k, [(0, a)])])
            op(p2, .ok, "poll", [p(k, [(2, c)])])
            op(p3, .ok, "poll", [p(k, [(1, b)])])
        case "nonmonotonic-poll":  // p2 polls 0 1, then 0 again
            op(p1, .ok, "send", [s(k, 0, a), s(k, 1, b)])
            op(p2, .ok, "poll", [p(k, [(0, a), (1, b)])])
            op(p2, .ok, "poll", [p(k, [(0, a)])])
        case "nonmonotonic-send":  // p1 sends a at 1, then b at 0
            op(p1, .ok, "send", [s(k, 1, a)])
            op(p1, .ok, "send", [s(k, 0, b)])
            op(p2, .ok, "poll", [p(k, [(0, b), (1, a)])])
        case "int-poll-skip":  // one poll returns 0 and 2
            op(p1, .ok, "send", [s(k, 0, a), s(k, 1, b), s(k, 2, c)])
            op(p2, .ok, "poll", [p(k, [(0, a), (2, c)])])
            op(p3, .ok, "poll", [p(k, [(1, b)])])
        case "int-nonmonotonic-poll":  // one poll returns 1 then 0
            op(p1, .ok, "send", [s(k, 0, a), s(k, 1, b)])
            op(p2, .ok, "poll", [p(k, [(1, b), (0, a)])])
        case "int-send-skip":  // p1's sends land at 0 and 2, p2's between them
            op(p1, .ok, "send", [s(k, 0, a), s(k, 2, c)])
            op(p2, .ok, "send", [s(k, 1, b)])
            op(p3, .ok, "poll", [p(k, [(0, a), (1, b), (2, c)])])
        case "int-nonmonotonic-send":  // one op's sends land at 1 then 0
            op(p1, .ok, "send", [s(k, 1, a), s(k, 0, b)])
            op(p2, .ok, "poll", [p(k, [(0, b), (1, a)])])
        case "unseen":  // acknowledged, never polled
            op(p1, .ok, "send", [s(k, 0, a)])
        case "precommitted-read":  // a txn polls its own send
            op(p1, .ok, "txn", [s(k, 0, a), p(k, [(0, a)])])
        case "G1a":  // a failed send is polled
            op(p1, .fail, "send", [s(k, 0, a)])
            op(p2, .ok, "poll", [p(k, [(0, a)])])
        case "G0":  // two sends to two keys, in opposite orders (ww_deps)
            let k2 = newKey()
            let d = fresh()
            emit(p1, .invoke, "send", [s(k, nil, a), s(k2, nil, b)])
            emit(p2, .invoke, "send", [s(k, nil, c), s(k2, nil, d)])
            emit(p1, .ok, "send", [s(k, 0, a), s(k2, 1, b)])
            emit(p2, .ok, "send", [s(k, 1, c), s(k2, 0, d)])
            op(p3, .ok, "poll", [KafkaGenerator.poll([k: [(0, a), (1, c)], k2: [(0, d), (1, b)]])])
        case "G1c":  // each txn polls the other's send
            let k2 = newKey()
            emit(p1, .invoke, "txn", [s(k, nil, a), KafkaGenerator.pollInvoke])
            emit(p2, .invoke, "txn", [s(k2, nil, b), KafkaGenerator.pollInvoke])
            emit(p1, .ok, "txn", [s(k, 0, a), p(k2, [(0, b)])])
            emit(p2, .ok, "txn", [s(k2, 0, b), p(k, [(0, a)])])
        default:
            injected[kind, default: 1] -= 1
        }
    }
}
