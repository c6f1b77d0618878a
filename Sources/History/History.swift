/// A history: every op of one test in the order it happened, plus where each came from, so
/// that any problem found later can name the file and line.
public struct History: Sendable {
    public var ops: [Op]
    /// The file the history was read from, if any.
    public var source: String?
    /// The 1-based source line of each op (same count as `ops`), when read from a file.
    public var lines: [Int]?
    /// The format of a history imported from another tool (Jepsen EDN, a Jepsen etcd log); nil for
    /// Faultline's own. Checkers with a Jepsen meaning and a Faultline one pick by it by default.
    public var importedFrom: HistoryFormat?

    public init(ops: [Op], source: String? = nil, lines: [Int]? = nil, importedFrom: HistoryFormat? = nil) {
        self.ops = ops
        self.source = source
        self.lines = lines
        self.importedFrom = importedFrom
    }

    /// Where op `i` came from, as `file:line` (or `op i` when the history was built in memory).
    public func location(of i: Int) -> String {
        if let lines, let source { return "\(source):\(lines[i])" }
        if let lines { return "line \(lines[i])" }
        return "op \(i)"
    }

    /// Ops of client processes only (nemesis ops removed).
    public var clientOps: [Op] { ops.filter { !$0.process.isNemesis } }
    /// Ops of the nemesis only.
    public var nemesisOps: [Op] { ops.filter { $0.process.isNemesis } }
}

/// An operation from its invocation to its completion (or to the end of the history).
public struct CompletedOp: Sendable, Hashable {
    /// Position of the invocation in `History.ops`.
    public var invokeIndex: Int
    /// Position of the completion in `History.ops`; nil when the history ended first.
    public var completionIndex: Int?
    public var invoke: Op
    public var completion: Op?

    /// How the op ended. An op that never completed is `info`: it may or may not have taken effect.
    public var outcome: Op.Kind { completion?.type ?? .info }
    public var process: ProcessID { invoke.process }
    public var f: String { invoke.f }
    public var key: String? { invoke.key ?? completion?.key }
    /// The value the client saw: the completion's for an ok op, else the invocation's.
    public var value: JSONValue {
        if let completion, completion.type == .ok { return completion.value }
        return invoke.value
    }
    /// Latency in ns, for ops that completed.
    public var latency: Int64? { completion.map { $0.time - invoke.time } }
}

/// Why a history's invocations and completions do not pair up.
public struct PairingError: Error, CustomStringConvertible {
    public var location: String
    public var reason: String
    public var description: String { "\(location): \(reason)" }
}

extension History {
    /// Pairs each client invocation with its completion, per process (Jepsen's rules).
    ///
    /// ok, fail and info close the process's open invocation. An invocation never completed
    /// stays open to the end (same as info). A process that ended in info is never reused:
    /// Jepsen starts a new process instead, and reusing one would make an op concurrent with
    /// its own predecessor. Nemesis ops are not paired.
    public func pairs() throws(PairingError) -> [CompletedOp] {
        var unused: [String] = []
        return try pairs(allowReuse: false, reused: &unused)
    }

    /// Pairs as `pairs()`, except that a process reused after an info completion (common in
    /// hand-written and older Jepsen histories) is accepted and noted in `warnings`: for checkers
    /// that do not use process order, that reuse changes nothing.
    public func pairs(warnings: inout [String]) throws(PairingError) -> [CompletedOp] {
        var reused: [String] = []
        let r = try pairs(allowReuse: true, reused: &reused)
        if let first = reused.first {
            warnings.append(
                "\(reused.count) invocation(s) by a process reused after its info completion (first: \(first)); accepted, as this checker does not depend on process order")
        }
        return r
    }

    private func pairs(allowReuse: Bool, reused: inout [String]) throws(PairingError) -> [CompletedOp] {
        var result: [CompletedOp] = []
        result.reserveCapacity(ops.count / 2 + 1)
        var open: [ProcessID: Int] = [:]  // process -> position in result
        var retired: [ProcessID: Int] = [:]  // process -> op index of its info completion
        for (i, op) in ops.enumerated() where !op.process.isNemesis {
            if op.type == .invoke {
                if let r = open[op.process] {
                    throw PairingError(
                        location: location(of: i),
                        reason: "process \(op.process) invoked '\(op.f)' while its '\(result[r].f)' from \(location(of: result[r].invokeIndex)) is still open")
                }
                if let infoAt = retired[op.process] {
                    if allowReuse {
                        reused.append("\(location(of: i)), process \(op.process) after \(location(of: infoAt))")
                        retired[op.process] = nil
                    } else {
                        throw PairingError(
                            location: location(of: i),
                            reason: "process \(op.process) reused after its info completion at \(location(of: infoAt)); a process whose op ended in info must not invoke again")
                    }
                }
                open[op.process] = result.count
                result.append(CompletedOp(invokeIndex: i, completionIndex: nil, invoke: op, completion: nil))
            } else {
                guard let r = open.removeValue(forKey: op.process) else {
                    throw PairingError(
                        location: location(of: i),
                        reason: "'\(op.type.rawValue) \(op.f)' of process \(op.process) has no open invocation")
                }
                // A completion answers its own invocation: another f means the history is garbled.
                if op.f != result[r].f {
                    throw PairingError(
                        location: location(of: i),
                        reason: "completion '\(op.type.rawValue) \(op.f)' of process \(op.process) differs from its invocation's f '\(result[r].f)' at \(location(of: result[r].invokeIndex))")
                }
                result[r].completionIndex = i
                result[r].completion = op
                if op.type == .info { retired[op.process] = i }
            }
        }
        return result
    }
}
