// FaultWindows: the nemesis's fault windows read from a history (start-X to stop-X, heal or the end).
import Store

/// FaultWindow is one interval during which a fault was in force, in nanoseconds of history time.
struct FaultWindow {
    var fault: String
    var start: Int64
    var end: Int64
}

extension FaultWindow {
    /// Windows of every nemesis `start-X` op: closed by the next `stop-X`, by `heal`, or by the history's end.
    static func windows(_ ops: [Op], end: Int64) -> [FaultWindow] {
        var open: [String: [Int64]] = [:]
        var out: [FaultWindow] = []
        for op in ops where op.process == .nemesis {
            if op.f.hasPrefix("start-") {
                open[String(op.f.dropFirst(6)), default: []].append(op.time)
            } else if op.f.hasPrefix("stop-") {
                let k = String(op.f.dropFirst(5))
                for s in open[k] ?? [] { out.append(FaultWindow(fault: k, start: s, end: op.time)) }
                open[k] = nil
            } else if op.f == "heal" {
                for (k, starts) in open { for s in starts { out.append(FaultWindow(fault: k, start: s, end: op.time)) } }
                open = [:]
            }
        }
        for (k, starts) in open { for s in starts { out.append(FaultWindow(fault: k, start: s, end: end)) } }
        return out.sorted { $0.start < $1.start }
    }
}
