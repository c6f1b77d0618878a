import History

/// SyntheticRegisterHistory simulates clients of a truly atomic register and records what they
/// see, so tests and benchmarks get linearizable histories of any size with a known answer.
///
/// Each op takes effect at one instant between its invocation and its completion (that is
/// what makes the history linearizable by construction). Some ops end in `info`: the client
/// never hears back, whether or not the op took effect, and the process is replaced by a new
/// one, as in Jepsen.
public struct SyntheticRegisterHistory {
    public var ops: Int = 1000
    public var processes: Int = 10
    public var seed: UInt64 = 1
    /// Mix of functions (read, write, cas); the rest of 1.0 after read and write is cas.
    public var readRatio = 0.5
    public var writeRatio = 0.25
    /// Values are 0..<valueCount; with `uniqueValues` every write/cas writes a fresh value.
    public var valueCount = 5
    public var uniqueValues = false
    /// Probability that an op ends in info.
    public var infoRatio = 0.01
    /// A key for every op, or none.
    public var key: String? = nil

    public init() {}

    /// The history. Times are synthetic nanoseconds (one step = 1 µs).
    public func make() -> History {
        var rng = SeededRandom(seed: seed)
        var out: [Op] = []
        out.reserveCapacity(ops * 2)
        var state: JSONValue = .null
        var nextValue = 0
        // Per logical client slot: its process number and where its current op is.
        enum Phase { case idle, invoked, applied }
        struct Client {
            var process: Int
            var phase: Phase = .idle
            var f = ""
            var value: JSONValue = .null
            var result: JSONValue = .null
            var outcome: Op.Kind = .ok
        }
        var clients = (0..<processes).map { Client(process: $0) }
        var nextProcess = processes
        var invoked = 0
        var time: Int64 = 0
        func record(_ c: Client, _ type: Op.Kind, _ value: JSONValue, error: String? = nil) {
            time += 1000
            out.append(Op(index: out.count, time: time, process: .client(c.process), type: type, f: c.f, key: key, value: value, error: error))
        }
        func freshValue() -> JSONValue {
            if uniqueValues {
                nextValue += 1
                return .int(nextValue)
            }
            return .int(rng.below(valueCount))
        }

        while true {
            let busy = clients.contains { $0.phase != .idle }
            if invoked >= ops && !busy { break }
            let i = rng.below(processes)
            var c = clients[i]
            switch c.phase {
            case .idle:
                guard invoked < ops else { continue }
                let r = Double(rng.next() >> 11) / Double(1 << 53)
                if r < readRatio {
                    c.f = "read"
                    c.value = .null
                } else if r < readRatio + writeRatio {
                    c.f = "write"
                    c.value = freshValue()
                } else {
                    c.f = "cas"
                    let from: JSONValue = uniqueValues ? (rng.chance(0.7) ? state : .int(max(0, nextValue - rng.below(3)))) : .int(rng.below(valueCount))
                    c.value = .array([from, freshValue()])
                }
                invoked += 1
                c.phase = .invoked
                record(c, .invoke, c.value)
                // A crash before the op took effect: it never will.
                if rng.chance(infoRatio / 2) {
                    record(c, .info, c.value, error: "timed-out")
                    c = Client(process: nextProcess)
                    nextProcess += 1
                }
            case .invoked:
                // The op takes effect now, atomically.
                switch c.f {
                case "read":
                    c.result = state
                    c.outcome = .ok
                case "write":
                    state = c.value
                    c.result = c.value
                    c.outcome = .ok
                default:
                    let pair = c.value.arrayValue!
                    if state == pair[0] {
                        state = pair[1]
                        c.outcome = .ok
                    } else {
                        c.outcome = .fail
                    }
                    c.result = c.value
                }
                c.phase = .applied
            case .applied:
                // A crash after the op took effect: the client never learns the result.
                if c.f != "read" && rng.chance(infoRatio / 2) {
                    record(c, .info, c.value, error: "timed-out")
                    c = Client(process: nextProcess)
                    nextProcess += 1
                } else {
                    record(c, c.outcome, c.result)
                    c.phase = .idle
                }
            }
            clients[i] = c
        }
        return History(ops: out)
    }

    /// Replaces the value of one ok read near the middle with a value no op ever wrote, which
    /// no linearization can explain. Returns the index of the changed completion.
    public static func injectImpossibleRead(_ history: inout History, value: JSONValue = .int(-1)) -> Int? {
        let mid = history.ops.count / 2
        for i in mid..<history.ops.count where history.ops[i].type == .ok && history.ops[i].f == "read" {
            history.ops[i].value = value
            return i
        }
        return nil
    }

    /// Makes one read near the middle stale, in a way that is provably not linearizable. Needs
    /// a history made with `uniqueValues` (so only one op ever wrote each value): it finds an ok
    /// read R and two ok writes W1, W2 of different values where W1 completed before W2 was
    /// invoked and W2 completed before R was invoked, and makes R return W1's value. R must
    /// then follow W2, which overwrote that value for good. Returns the changed index.
    public static func injectStaleRead(_ history: inout History) -> Int? {
        let pairs = (try? history.pairs()) ?? []
        let writes = pairs.filter { $0.outcome == .ok && ($0.f == "write" || $0.f == "cas") }
        func written(_ p: CompletedOp) -> JSONValue { p.f == "write" ? p.invoke.value : p.invoke.value.arrayValue![1] }
        let reads = pairs.filter { $0.outcome == .ok && $0.f == "read" && $0.invokeIndex >= history.ops.count / 2 }
        for r in reads {
            // W2: the last ok write completed before R's invocation.
            guard let w2 = writes.last(where: { $0.completionIndex! < r.invokeIndex }) else { continue }
            // W1: an ok write completed before W2's invocation, with another value.
            guard let w1 = writes.last(where: { $0.completionIndex! < w2.invokeIndex && written($0) != written(w2) }) else { continue }
            history.ops[r.completionIndex!].value = written(w1)
            return r.completionIndex!
        }
        return nil
    }
}
