// The linearizability checker against an independent brute-force checker on many small random
// histories (crashed and failed ops included): same verdict, and for invalid ones the same first
// failing op, a prefix that really is linearizable and exactly the states possible before it.
import Foundation
import History
import Testing

@testable import Checker

/// An independent, deliberately naive checker for tiny register histories: tries every order of
/// the ops that respects real time (an op may go next only when every ok op that returned before
/// its invocation is already placed), with crashed ops optional. Shares no code with the search.
struct BruteForceRegister {
    struct Step {
        enum Kind { case read, write, cas }
        var kind: Kind
        var a: JSONValue
        var b: JSONValue = .null
        var call: Int
        var ret: Int?  // nil: crashed, may take effect at any time after call, or never
    }
    var ops: [Step] = []
    var initial: JSONValue = .null

    /// From a history, with the checker's documented meaning: fail ops and reads that did not
    /// return ok took no effect; info writes and cas ops may or may not have.
    init(_ h: History) {
        var open: [ProcessID: Int] = [:]
        var raw: [(f: String, inv: JSONValue, call: Int, type: Op.Kind?, res: JSONValue, ret: Int?)] = []
        for (i, o) in h.ops.enumerated() {
            if o.type == .invoke {
                open[o.process] = raw.count
                raw.append((o.f, o.value, i, nil, .null, nil))
            } else if let r = open.removeValue(forKey: o.process) {
                raw[r].type = o.type
                raw[r].res = o.value
                raw[r].ret = i
            }
        }
        for r in raw {
            let type = r.type ?? .info
            if type == .fail { continue }
            let ret = type == .ok ? r.ret : nil
            switch r.f {
            case "read": if type == .ok { ops.append(Step(kind: .read, a: r.res, call: r.call, ret: ret)) }
            case "write": ops.append(Step(kind: .write, a: r.inv, call: r.call, ret: ret))
            case "cas": ops.append(Step(kind: .cas, a: r.inv.arrayValue![0], b: r.inv.arrayValue![1], call: r.call, ret: ret))
            default: break
            }
        }
    }

    /// The state after `op`, or nil when `op` is illegal. (JSONValue is expressible by `nil`,
    /// so a bare `nil` in a ternary would be the value null: every branch says `.none`.)
    static func step(_ s: JSONValue, _ op: Step) -> JSONValue? {
        switch op.kind {
        case .read: if s == op.a { return .some(s) } else { return .none }
        case .write: return .some(op.a)
        case .cas: if s == op.a { return .some(op.b) } else { return .none }
        }
    }

    /// Every state reachable with the ops invoked before position `cut` placed in a legal order,
    /// once every ok op that returned before `cut` is placed (ops returning after `cut`, and
    /// `excluded`, are optional or left out). Empty when no such order exists.
    func states(cut: Int, excluded: Int? = nil) -> Set<JSONValue> {
        let n = ops.count
        var need: UInt64 = 0  // ok ops that returned before the cut
        var usable: UInt64 = 0  // ops invoked before the cut
        for i in 0..<n {
            if let r = ops[i].ret, r < cut { need |= UInt64(1) << UInt64(i) }
            if ops[i].call < cut && i != excluded { usable |= UInt64(1) << UInt64(i) }
        }
        var visited = Set<String>()
        var out = Set<JSONValue>()
        func search(_ placed: UInt64, _ s: JSONValue) {
            guard visited.insert("\(placed)|\(s)").inserted else { return }
            if (placed & need) == need { out.insert(s) }
            for i in 0..<n {
                let bit = UInt64(1) << UInt64(i)
                if (placed & bit) != 0 || (usable & bit) == 0 { continue }
                // Real time: every ok op that returned before i's call must already be placed.
                var blocked = false
                for j in 0..<n where j != i && (placed & (UInt64(1) << UInt64(j))) == 0 {
                    if let rj = ops[j].ret, rj < ops[i].call { blocked = true }
                }
                if blocked { continue }
                if let s2 = Self.step(s, ops[i]) { search(placed | bit, s2) }
            }
        }
        search(0, initial)
        return out
    }

    var isLinearizable: Bool { !states(cut: Int.max).isEmpty }

    /// The first ok op (by return) at whose return no legal order exists, with the states
    /// possible just before it; nil when the history is linearizable.
    func firstFailure() -> (op: Int, before: Set<JSONValue>, returnedBefore: Int)? {
        let byReturn = ops.indices.filter { ops[$0].ret != nil }.sorted { ops[$0].ret! < ops[$1].ret! }
        for (k, i) in byReturn.enumerated() {
            let cut = ops[i].ret! + 1
            if states(cut: cut).isEmpty {
                return (i, states(cut: ops[i].ret!, excluded: i), k)
            }
        }
        return nil
    }
}

struct LinearizabilityDifferentialTests {
    /// A random well-formed history of `n` ops over `procs` processes: random results (so about
    /// half are not linearizable), info completions (the process is then replaced), fail ops.
    static func randomHistory(seed: UInt64, n: Int, procs: Int, values: Int) -> History {
        var rng = SplitMix64(seed: seed)
        func below(_ k: Int) -> Int { Int(rng.next() % UInt64(k)) }
        func value() -> JSONValue { below(values + 1) == values ? .null : .int(below(values)) }
        var out: [Op] = []
        var busy: [Int: (f: String, v: JSONValue)] = [:]
        var pids = Array(0..<procs)
        var next = procs
        var invoked = 0
        while invoked < n || !busy.isEmpty {
            let slot = below(procs)
            let p = pids[slot]
            if let cur = busy[p] {
                let roll = below(10)
                let type: Op.Kind = roll < 2 ? .info : (roll < 3 && cur.f != "read" ? .fail : .ok)
                let v = cur.f == "read" && type == .ok ? value() : cur.v
                out.append(Op(index: out.count, process: .client(p), type: type, f: cur.f, value: v))
                busy[p] = nil
                if type == .info {
                    pids[slot] = next
                    next += 1
                }
            } else if invoked < n {
                let f = ["read", "write", "cas"][below(3)]
                let v: JSONValue = f == "read" ? .null : f == "write" ? .int(below(values)) : .array([value(), .int(below(values))])
                out.append(Op(index: out.count, process: .client(p), type: .invoke, f: f, value: v))
                busy[p] = (f, v)
                invoked += 1
            }
        }
        return History(ops: out)
    }

    static let batches = Array(0..<8)

    /// 8 x 250 seeded histories of 2-9 ops; bounded and deterministic.
    @Test(arguments: batches)
    func agreesWithBruteForce(batch: Int) throws {
        var invalid = 0
        for i in 0..<250 {
            let seed = UInt64(batch * 1000 + i)
            let h = Self.randomHistory(seed: seed, n: 2 + i % 8, procs: 1 + i % 4, values: 2 + i % 2)
            let brute = BruteForceRegister(h)
            let v = try LinearizableChecker(model: .casRegister).analyze(h)
            let expected = brute.firstFailure()
            #expect(v.valid == (expected == nil ? .valid : .invalid), "seed \(seed): \(h.ops)")
            guard let (op, before, returnedBefore) = expected, v.valid == .invalid else { continue }
            invalid += 1
            let e = try #require(v.examples["non-linearizable"]?.first?.objectValue, "seed \(seed)")
            #expect(e["op"]?["complete_index"] == .int(brute.ops[op].ret!), "seed \(seed): first failing op\n\(h.ops)\n\(e)")
            let states = Set((e["possible_states_before"]?.arrayValue ?? []).compactMap(\.stringValue))
            #expect(states == Set(before.map(\.description)), "seed \(seed): states before\n\(h.ops)\n\(e)")
            #expect(e["linearizable_prefix_ops"] == .int(returnedBefore), "seed \(seed)")
        }
        #expect(invalid > 100, "the random histories exercise invalid verdicts too (\(invalid))")
    }

    /// The example from issue 15: write 1, a stale read of nil, then a read of 7 nobody wrote.
    /// The first op that cannot be linearized is the stale read, not the read of 7.
    @Test func evidenceBlamesTheFirstFailingOpNotTheUnproducibleRead() throws {
        var b = HistoryBuilder()
        b.call(0, "write", 1, .ok, from: 0, to: 1)
        b.call(1, "read", nil, .ok, nil, from: 2, to: 3)
        b.call(1, "read", nil, .ok, 7, from: 4, to: 5)
        let v = try LinearizableChecker(model: .casRegister).analyze(b.history)
        #expect(v.valid == .invalid)
        let e = try #require(v.examples["non-linearizable"]?.first?.objectValue)
        #expect(e["op"]?["value"] == .null && e["op"]?["f"] == "read", "\(e)")
        #expect(e["possible_states_before"] == ["1"])
        #expect(e["linearizable_prefix_ops"] == 1)
    }

    /// A crashed write whose value nobody reads is still a possible state before the failure.
    @Test func possibleStatesIncludeCrashedWrites() throws {
        var b = HistoryBuilder()
        b.call(0, "write", 1, .ok, from: 0, to: 1)
        b.call(2, "write", 9, .info, from: 2, to: 3)
        b.call(1, "read", nil, .ok, 5, from: 4, to: 5)
        let v = try LinearizableChecker(model: .casRegister).analyze(b.history)
        #expect(v.valid == .invalid)
        let e = try #require(v.examples["non-linearizable"]?.first?.objectValue)
        #expect(e["op"]?["value"] == 5)
        #expect(e["possible_states_before"] == ["1", "9"], "\(e)")
    }
}
