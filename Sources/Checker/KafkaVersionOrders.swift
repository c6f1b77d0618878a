// Version orders of a Kafka history: per key, the values at each offset, as Jepsen's kafka checker infers them.
import History

/// Per key, the log as observed: each offset some send or poll placed a value at, with every value
/// seen there. Sends count only when their transaction must have committed (ok, or info with some
/// send read by an ok poll); polls count from every transaction, even failed ones (a consumer must
/// never return bad data). The *index* of an offset is its position among observed offsets
/// (transaction markers leave gaps in offsets; indices are dense).
struct KafkaVersionOrders {
    struct KeyLog {
        var offsets: [Int] = []  // observed offsets, ascending
        var values: [[Int32]] = []  // the values seen at each observed offset (sorted, distinct)
        var byIndex: [Int32] = []  // one value per index: the first one seen, when several
    }
    var logs: [KeyLog]
    /// Per element: its index in the version order (the last index where it was picked), -1 if none.
    var byValue: [Int32]
    /// Per element: the first and last index it appears at in the log, -1 if none.
    var firstIndex: [Int32]
    var lastIndex: [Int32]

    /// Whether a transaction must have committed: ok, or info with a send that an ok poll read.
    static func mustHaveCommitted(_ t: KafkaTxn, okReads: [Bool]) -> Bool {
        if t.type == .ok { return true }
        if t.type != .info { return false }
        return t.writes.contains { okReads[Int($0.value)] }
    }

    init(_ h: KafkaHistory, okReads: [Bool]) {
        byValue = [Int32](repeating: -1, count: h.elementCount)
        firstIndex = byValue
        lastIndex = byValue
        var entries = [[(offset: Int, value: Int32)]](repeating: [], count: h.keyNames.count)
        for t in h.txns {
            if KafkaVersionOrders.mustHaveCommitted(t, okReads: okReads) {
                for w in t.writes where w.offset != KafkaMop.noOffset { entries[Int(w.key)].append((w.offset, w.value)) }
            }
            for r in t.reads where r.offset != KafkaMop.noOffset { entries[Int(r.key)].append((r.offset, r.value)) }
        }
        logs = []
        logs.reserveCapacity(entries.count)
        for (k, var es) in entries.enumerated() {
            es.sort { $0.offset != $1.offset ? $0.offset < $1.offset : $0.value < $1.value }
            var log = KeyLog()
            for e in es {
                if log.offsets.last == e.offset {
                    if log.values[log.values.count - 1].last != e.value { log.values[log.values.count - 1].append(e.value) }
                } else {
                    log.offsets.append(e.offset)
                    log.values.append([e.value])
                }
            }
            log.byIndex = log.values.map { $0[0] }  // smallest id: the value seen first in the history
            for (i, v) in log.byIndex.enumerated() { byValue[Int(v)] = Int32(i) }
            for (i, vs) in log.values.enumerated() {
                for v in vs {
                    if firstIndex[Int(v)] < 0 { firstIndex[Int(v)] = Int32(i) }
                    lastIndex[Int(v)] = Int32(i)
                }
            }
            entries[k] = []
            logs.append(log)
        }
    }

    @inline(__always) func index(_ k: Int32, _ v: Int32) -> Int? {
        let i = byValue[Int(v)]
        return i < 0 ? nil : Int(i)
    }
}
