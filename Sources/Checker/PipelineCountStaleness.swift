// How stale the query API's per-key counts were: each `count` answer against what the warehouse had
// already shown for that key before the query began.
import History

/// One `count` answer of the pipeline workload: the number of events of `key` the API reported.
struct CountAnswer {
    var invoke: Int64
    var done: Int64
    var key: String
    var count: Int
    /// Read from a warehouse node (source "warehouse" or "replica"), not from the cache.
    var fromWarehouse: Bool
    /// A `warehouse-count` op: the workload's direct read of a warehouse node, the truth, not judged.
    var probe = false
    var op: Int
}

/// CountStaleness judges count answers. The warehouse only adds event rows, so a key's count there
/// never goes down: an answer read from a warehouse node that completed before a query began is a
/// lower bound on the warehouse's count at that query's start. An answer lower than that bound is
/// stale by `versions` = bound − count (each event of the key is one version), and `behindNs` = the
/// query's start minus the completion of the first warehouse answer showing more than it: for how long
/// at least the warehouse had held something newer. Both are lower bounds (the warehouse may have held
/// more than any answer showed), so a fresh answer is never called stale. Were the warehouse to lose
/// rows, a lower count read afterwards is reported too: the API's answers went backwards either way.
struct CountStaleness {
    struct Stale {
        var answer: CountAnswer
        var versions: Int
        var behindNs: Int64
    }

    /// The stale answers, in invocation order.
    static func judge(_ answers: [CountAnswer]) -> [Stale] {
        var truthByKey: [String: [CountAnswer]] = [:]
        for a in answers where a.fromWarehouse { truthByKey[a.key, default: []].append(a) }
        for k in truthByKey.keys { truthByKey[k]!.sort { $0.done < $1.done } }
        var stale: [Stale] = []
        for q in answers.sorted(by: { ($0.invoke, $0.op) < ($1.invoke, $1.op) }) where !q.probe {
            guard let truth = truthByKey[q.key] else { continue }
            var known = Int.min
            var newerSince = Int64.max
            for t in truth {
                guard t.done < q.invoke else { break }  // sorted by completion
                known = max(known, t.count)
                if t.count > q.count { newerSince = min(newerSince, t.done) }
            }
            guard known > q.count else { continue }
            stale.append(Stale(answer: q, versions: known - q.count, behindNs: q.invoke - newerSince))
        }
        return stale
    }
}
