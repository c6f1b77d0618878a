// A tiny builder for hand-written histories in checker tests: ops appended in time order, times in ms.
import History

@testable import Checker

struct HistoryBuilder {
    private(set) var ops: [Op] = []

    /// Appends one op at `ms` milliseconds.
    @discardableResult
    mutating func op(_ type: Op.Kind, _ process: Int, _ f: String, _ value: JSONValue = nil, at ms: Int64, key: String? = nil) -> Int {
        ops.append(Op(index: ops.count, time: ms * 1_000_000, process: .client(process), type: type, f: f, key: key, value: value))
        return ops.count - 1
    }

    /// Appends a whole op: invocation at `from` ms, completion of `type` at `to` ms.
    mutating func call(_ process: Int, _ f: String, _ value: JSONValue = nil, _ type: Op.Kind, _ result: JSONValue? = nil, from: Int64, to: Int64, key: String? = nil) {
        op(.invoke, process, f, value, at: from, key: key)
        op(type, process, f, result ?? value, at: to, key: key)
    }

    /// Sets the `error` note of the last op (an ok completion's note, e.g. a cache write's `ttl_ms: t`).
    mutating func noteLast(_ note: String) {
        ops[ops.count - 1].error = note
    }

    /// Appends a nemesis op.
    mutating func nemesis(_ f: String, at ms: Int64, _ value: JSONValue = [:]) {
        ops.append(Op(index: ops.count, time: ms * 1_000_000, process: .nemesis, type: .info, f: f, value: value))
    }

    /// The history, ops sorted by time (stable) and renumbered, as a recorder would have written them.
    var history: History {
        var sorted = ops.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        for i in sorted.indices { sorted[i].index = i }
        return History(ops: sorted)
    }
}

extension Verdict {
    func count(_ name: String) -> Int { counts[name] ?? -1 }
}

let ms: Int64 = 1_000_000
