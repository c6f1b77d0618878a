// Per-window tallies of op outcomes (availability and throughput), with fault windows marked.
import History

/// WindowTally counts completed client ops by the window of their completion time.
struct WindowTally {
    let width: Int64
    private(set) var ok: [Int] = []
    private(set) var fail: [Int] = []
    private(set) var info: [Int] = []

    init(width: Int64) { self.width = max(1, width) }

    mutating func add(_ time: Int64, _ outcome: Op.Kind) {
        let w = Int(max(0, time) / width)
        if w >= ok.count {
            let grow = w + 1 - ok.count
            ok += [Int](repeating: 0, count: grow)
            fail += [Int](repeating: 0, count: grow)
            info += [Int](repeating: 0, count: grow)
        }
        switch outcome {
        case .ok: ok[w] += 1
        case .fail: fail[w] += 1
        default: info[w] += 1
        }
    }

    var count: Int { ok.count }

    /// One object per window: `{"start": s, "ok", "fail", "info", "ok_ratio", "fault"}` (start in seconds;
    /// ok_ratio null for an empty window; fault true when any fault window overlaps it).
    func json(faults: FaultTimeline) -> JSONValue {
        var out: [JSONValue] = []
        out.reserveCapacity(ok.count)
        for w in 0..<ok.count {
            let total = ok[w] + fail[w] + info[w]
            let start = Int64(w) * width
            out.append([
                "start": seconds(start), "ok": .int(ok[w]), "fail": .int(fail[w]), "info": .int(info[w]),
                "ok_ratio": total == 0 ? .null : .double(Double(ok[w]) / Double(total)),
                "fault": .bool(faults.overlaps(start, start + width - 1)),
            ])
        }
        return .array(out)
    }
}

extension FaultTimeline {
    /// Whether any fault window overlaps [from, to].
    func overlaps(_ from: Int64, _ to: Int64) -> Bool {
        windows.contains { $0.start <= to && $0.end >= from }
    }
}

extension OutcomeTimeline {
    /// The typed form of a tally and the fault windows it was measured against (stored in results.json).
    init(_ tally: WindowTally, faults: FaultTimeline) {
        var ws: [OutcomeWindow] = []
        ws.reserveCapacity(tally.count)
        for w in 0..<tally.count {
            let start = Int64(w) * tally.width
            ws.append(OutcomeWindow(start: Double(start) / 1e9, counts: OutcomeCounts(ok: tally.ok[w], fail: tally.fail[w], info: tally.info[w]),
                                    fault: faults.overlaps(start, start + tally.width - 1)))
        }
        self.init(windowSeconds: Double(tally.width) / 1e9, windows: ws,
                  faults: faults.windows.map { FaultSpan(fault: $0.fault, start: $0.start, end: $0.end, endedBy: $0.endedBy) })
    }
}
