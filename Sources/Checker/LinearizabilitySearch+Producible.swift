/// A linear-time necessary condition checked before any search: a read must return a value
/// that something could have produced by the time the read returned, i.e. the initial value
/// or the value of a write (or a cas's new value) invoked before the read's completion. A read
/// of anything else is non-linearizable in every order, whatever the concurrency, so it is
/// reported at once instead of after an exhaustive search. Exact: it never rejects a
/// linearizable history, and histories that pass it are still searched in full.
extension LinearizabilitySearch {
    /// The first (by completion) read that no op could have produced, with the ops open at its
    /// completion as evidence; nil when every read is producible or the partition has appends
    /// (whose states are concatenations, not values written).
    func findUnproducibleRead() -> Outcome? {
        guard !entries.contains(where: { $0.op.kind == .append }) else { return nil }
        // For each value, the earliest invocation that writes it.
        var firstWrite: [Int32: Int] = [:]
        for e in entries {
            let v: Int32
            switch e.op.kind {
            case .write: v = e.op.a
            case .cas: v = e.op.b
            default: continue
            }
            if let f = firstWrite[v], f <= e.call { continue }
            firstWrite[v] = e.call
        }
        var bad: Int?
        for (i, e) in entries.enumerated() where e.op.kind == .read {
            guard let ret = e.ret, e.op.a != model.initialState else { continue }
            if let w = firstWrite[e.op.a], w < ret { continue }
            if bad == nil || entries[bad!].ret! > ret { bad = i }
        }
        guard let b = bad else { return nil }
        let ret = entries[b].ret!
        // Concurrent: invoked before the read's completion and not completed before its call.
        let concurrent = entries.indices.filter { j in
            j != b && entries[j].call < ret && (entries[j].ret ?? Int.max) > entries[b].call
        }
        let prefix = entries.filter { ($0.ret ?? Int.max) < ret }.count
        return .notLinearizable(failing: b, concurrent: concurrent, statesBefore: [], prefixOps: prefix)
    }
}
