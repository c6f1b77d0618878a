// Seeded generator of large, realistic histories (with a few injected anomalies) for benches and tests.
import History

extension SplitMix64 {
    /// True with probability p (drawn as the synthetic histories always drew it, so seeds keep their histories).
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
}

/// SyntheticHistory simulates a workload against an ideal system with `concurrency` clients, a
/// partition of 10 s every 30 s (ops fail or time out more often inside it), and a few injected faults
/// (lost, duplicated, stale data), and records the history exactly as the workload conventions say
/// (docs/history-conventions.md). `injected` counts what was injected, so tests can check a checker
/// finds exactly that.
public struct SyntheticHistory: Sendable {
    public var history: History
    public var injected: [String: Int]

    /// Workloads it can generate: set, queue, log, pipeline, register, and kafka (Jepsen's Kafka workload).
    public static let workloads = ["set", "queue", "log", "pipeline", "register", "kafka"]

    /// A history of about `ops` ops (invocations and completions together) of `workload`, or nil for an
    /// unknown workload.
    public static func make(workload: String, ops: Int, seed: UInt64, concurrency: Int = 10) -> SyntheticHistory? {
        var g = Generator(seed: seed, concurrency: concurrency)
        let calls = max(1, ops / 2)
        switch workload {
        case "set": g.set(calls)
        case "queue": g.queue(calls)
        case "log": g.log(calls)
        case "pipeline": g.pipeline(calls)
        case "register": g.register(calls)
        case "kafka": return kafka(ops: ops, seed: seed, concurrency: concurrency)
        default: return nil
        }
        return SyntheticHistory(history: g.finish(), injected: g.injected)
    }
}

/// One planned call: its process, interval, function and outcome; `result` is filled in effect order.
private struct Call {
    var process: Int
    var slot = 0  // the client slot: a consumer group member keeps its position across process ids
    var start: Int64
    var end: Int64
    var f: String
    var key: String?
    var value: JSONValue
    var outcome: Op.Kind
    var result: JSONValue = .null
    var effect: Int64 { start + (end - start) / 2 }
}

private struct Generator {
    var rng: SplitMix64
    var clocks: [Int64]
    var ids: [Int]
    var nextID: Int
    var calls: [Call] = []
    var finals: [Call] = []
    var injected: [String: Int] = [:]
    let faultPeriod: Int64 = 30_000_000_000
    let faultLength: Int64 = 10_000_000_000

    init(seed: UInt64, concurrency: Int) {
        rng = SplitMix64(seed: seed)
        clocks = [Int64](repeating: 0, count: concurrency)
        ids = Array(0..<concurrency)
        nextID = concurrency
    }

    func inFault(_ t: Int64) -> Bool { t % faultPeriod >= faultPeriod - faultLength }

    /// Plans `n` calls, round-robin over the clients, each 0–2 ms after the client's last one and taking
    /// 1–20 ms (up to 1 s inside a fault); `make` picks the function, key and value.
    mutating func plan(_ n: Int, canFail: (String) -> Bool = { _ in true }, _ make: (inout SplitMix64) -> (String, String?, JSONValue)) {
        calls.reserveCapacity(n)
        for i in 0..<n {
            let slot = i % clocks.count
            let start = clocks[slot] + Int64.random(in: 0...2_000_000, using: &rng)
            let fault = inFault(start)
            var end = start + Int64.random(in: 1_000_000...20_000_000, using: &rng)
            let (f, key, value) = make(&rng)
            var outcome = Op.Kind.ok
            if canFail(f) {
                if rng.chance(fault ? 0.3 : 0.005) { outcome = .fail }
                if rng.chance(fault ? 0.05 : 0.002) {
                    outcome = .info
                    end = start + 1_000_000_000  // a client timeout
                }
            }
            calls.append(Call(process: ids[slot], slot: slot, start: start, end: end, f: f, key: key, value: value, outcome: outcome))
            clocks[slot] = end
            if outcome == .info {  // Jepsen rule: a process whose op ended in info is replaced
                ids[slot] = nextID
                nextID += 1
            }
        }
    }

    /// Calls in the order their effects happen (their midpoints).
    func effectOrder() -> [Int] { calls.indices.sorted { calls[$0].effect < calls[$1].effect } }

    /// Whether an info call took effect (half of them do).
    mutating func tookEffect(_ c: Call) -> Bool { c.outcome == .ok || (c.outcome == .info && rng.chance(0.5)) }

    var endTime: Int64 { (calls.map(\.end).max() ?? 0) + 1_000_000 }

    mutating func final(_ f: String, key: String?, value: JSONValue, result: JSONValue) {
        let t = endTime + Int64(finals.count) * 1_000_000
        finals.append(Call(process: nextID, start: t, end: t + 500_000, f: f, key: key, value: value, outcome: .ok, result: result))
        nextID += 1
    }

    func finish() -> History {
        var ops: [Op] = []
        ops.reserveCapacity(calls.count * 2 + finals.count * 2 + 64)
        let end = endTime + Int64(finals.count + 1) * 1_000_000
        var t: Int64 = faultPeriod - faultLength
        while t < end {
            ops.append(Op(time: t, process: .nemesis, type: .info, f: "start-partition", value: ["cut": [["n1", "n2"]]]))
            if t + faultLength < end { ops.append(Op(time: t + faultLength, process: .nemesis, type: .info, f: "stop-partition", value: [:])) }
            t += faultPeriod
        }
        ops.append(Op(time: endTime - 500_000, process: .nemesis, type: .info, f: "heal", value: [:]))
        for c in calls + finals {
            ops.append(Op(time: c.start, process: .client(c.process), type: .invoke, f: c.f, key: c.key, value: c.value))
            ops.append(Op(time: c.end, process: .client(c.process), type: c.outcome, f: c.f, key: c.key, value: c.outcome == .ok ? c.result : c.value))
        }
        // Completions sort after invocations at the same instant, so a process never looks reused early.
        ops.sort { ($0.time, $0.type == .invoke ? 1 : 0) < ($1.time, $1.type == .invoke ? 1 : 0) }
        for i in ops.indices { ops[i].index = i }
        return History(ops: ops)
    }

    // MARK: workloads

    mutating func set(_ n: Int) {
        let keys = 100
        var next = 0
        plan(n) { r in
            let key = "s\(Int.random(in: 0..<keys, using: &r))"
            if r.chance(0.01) { return ("read", key, .null) }
            next += 1
            return ("add", key, .int(next))
        }
        var state: [String: [Int]] = [:]
        for i in effectOrder() {
            let c = calls[i]
            if c.f == "add" {
                guard tookEffect(c) else { continue }
                if c.outcome == .ok && rng.chance(0.0001) {
                    injected["lost", default: 0] += 1  // acknowledged, then dropped
                    continue
                }
                state[c.key!, default: []].append(c.value.intValue!)
            } else {
                calls[i].result = .array((state[c.key!] ?? []).map { .int($0) })
            }
        }
        for k in 0..<keys {
            let key = "s\(k)"
            final("final-read", key: key, value: .null, result: .array((state[key] ?? []).map { .int($0) }))
        }
    }

    mutating func queue(_ n: Int) {
        var next = 0
        plan(n) { r in
            if r.chance(0.5) { return ("dequeue", nil, .null) }
            next += 1
            return ("enqueue", nil, .int(next))
        }
        var q: [Int] = []
        var head = 0
        for i in effectOrder() {
            let c = calls[i]
            if c.f == "enqueue" {
                guard tookEffect(c) else { continue }
                q.append(c.value.intValue!)
                if c.outcome == .ok && rng.chance(0.0001) {
                    q.append(c.value.intValue!)
                    injected["duplicated", default: 0] += 1  // delivered twice
                }
            } else if c.outcome != .fail {
                if head < q.count {
                    if c.outcome == .ok { calls[i].result = .int(q[head]) }
                    if c.outcome == .ok || rng.chance(0.5) { head += 1 }
                } else {
                    calls[i].result = .null
                }
            }
        }
        final("drain", key: nil, value: .null, result: .array(q[head...].map { .int($0) }))
    }

    mutating func log(_ n: Int) {
        let partitions = 10
        var next = 0
        plan(n, canFail: { $0 == "produce" }) { r in
            let key = "p\(Int.random(in: 0..<partitions, using: &r))"
            if r.chance(0.5) { return ("poll", key, .null) }
            next += 1
            return ("produce", key, .int(next))
        }
        var logs: [String: [Int]] = [:]
        var positions: [Int: Int] = [:]  // slot * partitions + partition -> next offset to read (committed)
        for i in effectOrder() {
            let c = calls[i]
            if c.f == "produce" {
                guard tookEffect(c) else { continue }
                let v = c.value.intValue!
                logs[c.key!, default: []].append(v)
                calls[i].result = ["value": .int(v), "offset": .int(logs[c.key!]!.count - 1)]
            } else {
                let log = logs[c.key!] ?? []
                let consumer = c.slot * partitions + Int(c.key!.dropFirst())!
                let at = positions[consumer] ?? 0
                let to = min(log.count, at + 20)
                var entries = (at..<to).map { JSONValue.array([.int($0), .int(log[$0])]) }
                if entries.count > 2 && rng.chance(0.001) {
                    entries.remove(at: 1)  // a poll that skips an entry
                    injected["skipped-in-poll", default: 0] += 1
                }
                calls[i].result = .array(entries)
                positions[consumer] = to
            }
        }
        for p in 0..<partitions {
            let key = "p\(p)"
            let log = logs[key] ?? []
            final("drain", key: key, value: .null, result: .array(log.indices.map { .array([.int($0), .int(log[$0])]) }))
        }
    }

    mutating func pipeline(_ n: Int) {
        var next = 0
        plan(n) { r in
            if next > 0 && r.chance(0.2) { return ("query", nil, ["id": .int(Int.random(in: max(1, next - 50)...next, using: &r))]) }
            next += 1
            return ("ingest", nil, .int(next))
        }
        // Events reach the warehouse 0.5–3 s after ingest; the API answers from a cache half the time.
        var ingested: [(id: Int, visible: Int64)] = []
        var visibleAt: [Int: Int64] = [:]
        var position = 0
        for i in effectOrder() {
            let c = calls[i]
            if c.f == "ingest" {
                guard tookEffect(c) else { continue }
                let at = c.effect + Int64.random(in: 500_000_000...3_000_000_000, using: &rng)
                ingested.append((c.value.intValue!, at))
                visibleAt[c.value.intValue!] = at
            } else {
                let id = c.value["id"]!.intValue!
                let t = c.effect
                position = max(position, Int(t / 100_000_000))  // a load commits every 100 ms
                let cached = rng.chance(0.5)
                let asOf: Int64 = cached ? t - Int64.random(in: 0...1_000_000_000, using: &rng) : t
                let found = (visibleAt[id] ?? .max) <= asOf
                calls[i].result = [
                    "id": .int(id), "found": .bool(found), "source": cached ? "cache" : "warehouse",
                    "position": .int(Int(asOf / 100_000_000)),
                ]
            }
        }
        var stages: [[Int]] = [[], [], []]
        for e in ingested {
            if rng.chance(0.0001) {  // lost at a random hop
                let hop = Int.random(in: 0..<3, using: &rng)
                for s in 0..<hop { stages[s].append(e.id) }
                injected["lost", default: 0] += 1
                continue
            }
            for s in 0..<3 { stages[s].append(e.id) }
        }
        for (s, name) in ["broker", "store", "warehouse"].enumerated() {
            final("final-read", key: nil, value: ["stage": .string(name)], result: ["stage": .string(name), "ids": .array(stages[s].map { .int($0) })])
        }
    }

    mutating func register(_ n: Int) {
        let keys = 100
        var next = 0
        plan(n) { r in
            let key = "r\(Int.random(in: 0..<keys, using: &r))"
            if r.chance(0.5) { return ("read", key, .null) }
            next += 1
            return ("write", key, .int(next))
        }
        var versions: [String: [Int]] = [:]
        for i in effectOrder() {
            let c = calls[i]
            if c.f == "write" {
                if tookEffect(c) { versions[c.key!, default: []].append(c.value.intValue!) }
            } else {
                let vs = versions[c.key!] ?? []
                // A replica a few versions behind answers 5% of reads (an AP setting).
                let behind = rng.chance(0.05) ? Int.random(in: 1...3, using: &rng) : 0
                calls[i].result = vs.count > behind ? .int(vs[vs.count - 1 - behind]) : .null
            }
        }
    }
}
