// Fault windows taken from the nemesis ops of a history (start-X … stop-X / heal / end of history).
import History

/// FaultWindow is one interval during which a fault was in force, per the common contract: from a
/// `start-<fault>` nemesis op to the matching `stop-<fault>`, or to `heal`, or to the end of the history.
struct FaultWindow {
    var fault: String
    var start: Int64
    /// When the fault ended; the end of the history when it never did.
    var end: Int64
    /// The op that ended it (stop-X or heal); nil when the history ended first.
    var endedBy: String?
    var startIndex: Int
    var value: JSONValue

    var json: JSONValue {
        var o: [String: JSONValue] = [
            "fault": .string(fault), "start": .int(Int(start)), "end": .int(Int(end)), "start_index": .int(startIndex),
        ]
        o["ended_by"] = endedBy.map { .string($0) } ?? .null
        return .object(o)
    }
}

/// FaultTimeline lists a history's fault windows, in start order, and answers "was time t inside one".
struct FaultTimeline {
    private(set) var windows: [FaultWindow] = []
    /// Moments at which faults ended (stop-X or heal), with the op's f, in time order.
    private(set) var heals: [(time: Int64, f: String, index: Int)] = []
    /// Disjoint merged intervals, sorted, for fast membership tests.
    private var merged: [(Int64, Int64)] = []

    init(_ history: History) {
        let end = history.ops.last?.time ?? 0
        var open: [String: Int] = [:]  // fault -> position in windows
        for (i, op) in history.ops.enumerated() where op.process.isNemesis && op.type != .invoke {
            // Jepsen's generic nemesis uses plain "start"/"stop"; treat them as one fault named "fault".
            let f = op.f == "start" ? "start-fault" : op.f == "stop" ? "stop-fault" : op.f
            if f.hasPrefix("start-") {
                let fault = String(f.dropFirst(6))
                if open[fault] == nil {  // a repeated start extends the window already open
                    open[fault] = windows.count
                    windows.append(FaultWindow(fault: fault, start: op.time, end: end, endedBy: nil, startIndex: i, value: op.value))
                }
            } else if f.hasPrefix("stop-") {
                let fault = String(f.dropFirst(5))
                if let w = open.removeValue(forKey: fault) {
                    windows[w].end = op.time
                    windows[w].endedBy = op.f
                }
                heals.append((op.time, op.f, i))
            } else if f == "heal" {
                for (_, w) in open {
                    windows[w].end = op.time
                    windows[w].endedBy = op.f
                }
                open.removeAll()
                heals.append((op.time, op.f, i))
            }
        }
        for w in windows.sorted(by: { $0.start < $1.start }) {
            if let last = merged.last, w.start <= last.1 {
                merged[merged.count - 1].1 = max(last.1, w.end)
            } else {
                merged.append((w.start, w.end))
            }
        }
    }

    /// Whether time `t` falls inside any fault window (ends inclusive).
    func contains(_ t: Int64) -> Bool {
        var lo = 0
        var hi = merged.count
        while lo < hi {  // first interval whose end >= t
            let mid = (lo + hi) / 2
            if merged[mid].1 < t { lo = mid + 1 } else { hi = mid }
        }
        return lo < merged.count && merged[lo].0 <= t
    }

    var json: JSONValue { .array(windows.map(\.json)) }
}
