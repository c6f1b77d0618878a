// Jepsen's Kafka workload analysis: every anomaly its kafka checker names, by the same rules.
import History

/// Options of the Kafka analysis (the `log` checker's options for Kafka histories).
struct KafkaOptions {
    /// Infer write-write dependencies from offsets (Jepsen's `:ww-deps`); G1c is then expected.
    var wwDeps = false
    /// Consumers used subscribe (Jepsen's `:sub-via #{:subscribe}`): rebalances make poll-skip and
    /// nonmonotonic-poll expected.
    var subscribe = false
    /// Also draw read-write (anti-)dependencies (not in Jepsen's kafka checker): finds G-single and G2.
    var rwDeps = false
}

/// KafkaAnalysis applies Jepsen's `jepsen.tests.kafka` analysis to a history and names anomalies as
/// Jepsen does. Which anomalies make the history invalid follows Jepsen's `allowed-error-types`:
/// `int-send-skip` and `G0` are always allowed; `poll-skip` and `nonmonotonic-poll` with `subscribe`;
/// `G1c` with `ww_deps`. Everything else found is bad.
struct KafkaAnalysis {
    static let anomalyNames = [
        "lost-write", "duplicate", "poll-skip", "nonmonotonic-poll", "nonmonotonic-send", "inconsistent-offsets",
        "int-poll-skip", "int-send-skip", "int-nonmonotonic-poll", "int-nonmonotonic-send", "unseen",
        "precommitted-read", "G0", "G1a", "G1c",
    ]

    let history: History
    let h: KafkaHistory
    let options: KafkaOptions
    var a = Anomalies(names: KafkaAnalysis.anomalyNames)
    var warnings: [String] = []

    init(_ history: History, options: KafkaOptions) throws(UnreadableHistory) {
        self.history = history
        self.options = options
        h = try KafkaHistory(history)
    }

    static func allowed(_ options: KafkaOptions) -> Set<String> {
        var s: Set<String> = ["int-send-skip", "G0"]
        if options.subscribe { s.formUnion(["poll-skip", "nonmonotonic-poll"]) }
        if options.wwDeps { s.insert("G1c") }
        return s
    }

    var names: KafkaNames { KafkaNames(history: history, h: h) }

    mutating func run() -> Verdict {
        let n = names
        let txns = h.txns
        // Per element: read by an ok op, sent by a failed op, its (last) writer.
        var okReads = [Bool](repeating: false, count: h.elementCount)
        var failedWrites = okReads
        var writerOf = [Int32](repeating: -1, count: h.elementCount)
        var maxFirstIndexRead = [Int](repeating: -1, count: h.keyNames.count)
        for (i, t) in txns.enumerated() {
            if t.type == .ok { for r in t.reads { okReads[Int(r.value)] = true } }
            if t.type == .fail { for w in t.writes { failedWrites[Int(w.value)] = true } }
            for w in t.writes { writerOf[Int(w.value)] = Int32(i) }  // the last writer, as Jepsen's writer-of
        }
        let vo = KafkaVersionOrders(h, okReads: okReads)

        // inconsistent-offsets and duplicate: from the logs.
        var occurrences = [Int32](repeating: 0, count: h.elementCount)
        for log in vo.logs { for vs in log.values { for v in vs { occurrences[Int(v)] += 1 } } }
        for (k, log) in vo.logs.enumerated() {
            let key = Int32(k)
            var offsetsOf: [Int32: [Int]] = [:]  // only values seen at several offsets
            for (i, vs) in log.values.enumerated() {
                if vs.count > 1 {
                    a.add("inconsistent-offsets", ["key": n.key(key), "offset": .int(log.offsets[i]), "index": .int(i), "values": n.values(vs)])
                }
                for v in vs where occurrences[Int(v)] > 1 { offsetsOf[v, default: []].append(log.offsets[i]) }
            }
            for (v, offs) in offsetsOf.sorted(by: { $0.key < $1.key }) {
                a.add("duplicate", ["key": n.key(key), "value": n.value(v), "count": .int(offs.count), "offsets": .array(offs.map { .int($0) })])
            }
        }

        // G1a: an ok poll or txn read a value whose only writer failed.
        for (i, t) in txns.enumerated() where t.type == .ok {
            for r in t.reads where failedWrites[Int(r.value)] {
                let w = Int(writerOf[Int(r.value)])
                a.add("G1a", ["key": n.key(r.key), "value": n.value(r.value), "writer": w >= 0 ? n.op(w) : .null, "reader": n.op(i)])
            }
        }

        // precommitted-read: a transaction that polled its own send.
        for (i, t) in txns.enumerated() where !t.writes.isEmpty && !t.reads.isEmpty {
            let read = Set(t.reads.map(\.value))
            if let w = t.writes.first(where: { read.contains($0.value) }) {
                a.add("precommitted-read", ["op": n.op(i), "key": n.key(w.key), "value": n.value(w.value)])
            }
        }

        // lost-write: per key, the highest index an ok poll reached; every value whose last appearance
        // is at or below it must have been read, if its writer must have committed.
        for t in txns where t.type == .ok {
            for r in t.reads {
                let f = Int(vo.firstIndex[Int(r.value)])
                if f > maxFirstIndexRead[Int(r.key)] { maxFirstIndexRead[Int(r.key)] = f }
            }
        }
        var noWriter = 0
        for (k, bound) in maxFirstIndexRead.enumerated() where bound >= 0 {
            let key = Int32(k)
            let log = vo.logs[Int(key)]
            for i in 0...bound {
                for v in log.values[i] where vo.lastIndex[Int(v)] == Int32(i) && !okReads[Int(v)] {
                    let w = writerOf[Int(v)]
                    guard w >= 0 else {
                        noWriter += 1
                        continue
                    }
                    guard KafkaVersionOrders.mustHaveCommitted(txns[Int(w)], okReads: okReads) else { continue }
                    // Only the kept examples need the (linear) search for a reader.
                    let maxRead = a.count("lost-write") < maxExamplesPerAnomaly ? maxReader(key: key, index: bound, log: log, vo: vo) : nil
                    a.add(
                        "lost-write",
                        [
                            "key": n.key(key), "value": n.value(v), "index": .int(Int(vo.firstIndex[Int(v)])),
                            "max-read-index": .int(bound), "writer": n.op(Int(w)),
                            "max-read": maxRead ?? .null,
                        ])
                }
            }
        }
        if noWriter > 0 { warnings.append("\(noWriter) value(s) were polled that no op sent; they cannot be judged lost") }

        internalOrder(vo)
        processOrder(vo)

        // unseen: acknowledged sends no ok poll ever returned.
        var unseen: [Int32: [Int32]] = [:]
        var seenSent = [Bool](repeating: false, count: h.elementCount)
        for t in txns where t.type == .ok {
            for w in t.writes where !okReads[Int(w.value)] && !seenSent[Int(w.value)] {
                seenSent[Int(w.value)] = true
                unseen[w.key, default: []].append(w.value)
            }
        }
        for (k, vs) in unseen.sorted(by: { $0.key < $1.key }) {
            for v in vs { a.add("unseen", ["key": n.key(k), "value": n.value(v)]) }
        }

        let cycles = KafkaCycles(h, vo: vo, writerOf: writerOf, options: options)
        let (cases, cycleWarnings) = cycles.find(names: names)
        for (name, c) in cases { a.add(name, c) }
        warnings += cycleWarnings
        if options.rwDeps {
            if a.counts["G-single"] == nil { a.set("G-single", 0) }
            if a.counts["G2"] == nil { a.set("G2", 0) }
        }

        // Jepsen's Elle reports an empty transaction graph as an anomaly: nothing was checked.
        var counts = a.counts
        if txns.isEmpty { counts["empty-transaction-graph"] = 1 }
        let found = counts.filter { $0.value > 0 }.keys.sorted()
        let allowed = KafkaAnalysis.allowed(options)
        let bad = found.filter { !allowed.contains($0) }
        var v = a.verdict("log", bad.isEmpty ? .valid : .invalid, details: [
            "semantics": "kafka", "error_types": .array(found.map { .string($0) }), "bad_error_types": .array(bad.map { .string($0) }),
            "keys": .int(h.keyNames.count), "transactions": .int(txns.count),
            "options": ["ww_deps": .bool(options.wwDeps), "subscribe": .bool(options.subscribe), "rw_deps": .bool(options.rwDeps)],
        ])
        v.counts = counts
        if txns.isEmpty { v.error = nil; v.details["note"] = "no send, poll or txn op: empty transaction graph (Jepsen: invalid)" }
        v.addWarnings(warnings)
        return v
    }

    /// An op that read the value at `index` of `key` (an example for lost-write).
    func maxReader(key: Int32, index: Int, log: KafkaVersionOrders.KeyLog, vo: KafkaVersionOrders) -> JSONValue? {
        let n = names
        let candidates = Set(log.values[index].filter { vo.lastIndex[Int($0)] == Int32(index) })
        for (i, t) in h.txns.enumerated() where t.reads.contains(where: { $0.key == key && candidates.contains($0.value) }) {
            return n.op(i)
        }
        return nil
    }

    /// int-poll-skip, int-nonmonotonic-poll, int-send-skip, int-nonmonotonic-send: consecutive values of
    /// one key within one transaction must be adjacent in the version order, and ascending.
    mutating func internalOrder(_ vo: KafkaVersionOrders) {
        var keys: [Int32] = []
        for (i, t) in h.txns.enumerated() {
            if t.reads.count > 1 {
                distinctKeys(t.reads, into: &keys)
                for k in keys { compareAdjacent(k, t.reads, vo, skip: "int-poll-skip", nonmonotonic: "int-nonmonotonic-poll", txn: i) }
            }
            if t.writes.count > 1 {
                distinctKeys(t.writes, into: &keys)
                for k in keys { compareAdjacent(k, t.writes, vo, skip: "int-send-skip", nonmonotonic: "int-nonmonotonic-send", txn: i) }
            }
        }
    }

    /// Compares each pair of consecutive values of key `k` among `mops`.
    private mutating func compareAdjacent(_ k: Int32, _ mops: [KafkaMop], _ vo: KafkaVersionOrders, skip: String, nonmonotonic: String, txn: Int) {
        let n = names
        var prev: Int32 = -1
        for m in mops where m.key == k {
            defer { prev = m.value }
            guard prev >= 0, let i1 = vo.index(k, prev), let i2 = vo.index(k, m.value) else { continue }  // unknown: assume +1
            let delta = i2 - i1
            if delta > 1 {
                let skipped = Array(vo.logs[Int(k)].byIndex[(i1 + 1)..<i2])
                a.add(skip, ["key": n.key(k), "values": n.values([prev, m.value]), "delta": .int(delta), "skipped": n.values(skipped), "op": n.op(txn)])
            } else if delta < 1 {
                a.add(nonmonotonic, ["key": n.key(k), "values": n.values([prev, m.value]), "delta": .int(delta), "op": n.op(txn)])
            }
        }
    }

    /// poll-skip and nonmonotonic-poll (per process: where an op's polls of a key begin, against where the
    /// process's last ok poll of that key ended) and nonmonotonic-send (the same for sends of ok and info
    /// ops). An assign or subscribe (ok or info) that drops a key forgets that key's position.
    mutating func processOrder(_ vo: KafkaVersionOrders) {
        let n = names
        var keys: [Int32] = []
        for process in h.byProcess.keys.sorted() {
            var lastRead: [Int32: (txn: Int, value: Int32)] = [:]  // value -1: the last poll of the key was empty
            var lastSend: [Int32: (txn: Int, value: Int32)] = [:]
            for e in h.byProcess[process]! {
                if e < 0 {
                    let s = h.assigns[-1 - e]
                    guard s.type == .ok || s.type == .info else { continue }
                    lastRead = lastRead.filter { s.keys.contains($0.key) }
                    lastSend = lastSend.filter { s.keys.contains($0.key) }
                    continue
                }
                let t = h.txns[e]
                distinctKeys(t.reads, into: &keys)
                for k in keys {
                    guard let last = lastRead[k], last.value >= 0, let i1 = vo.index(k, last.value) else { continue }
                    let first = t.reads.first { $0.key == k }!.value
                    guard let i2 = vo.index(k, first) else { continue }
                    let delta = i2 - i1
                    if delta > 1 {
                        let skipped = Array(vo.logs[Int(k)].byIndex[(i1 + 1)..<i2])
                        a.add("poll-skip", ["key": n.key(k), "delta": .int(delta), "skipped": n.values(skipped), "ops": [n.op(last.txn), n.op(e)]])
                    } else if delta < 1 {
                        a.add("nonmonotonic-poll", ["key": n.key(k), "values": n.values([last.value, first]), "delta": .int(delta), "ops": [n.op(last.txn), n.op(e)]])
                    }
                }
                if t.type == .ok {
                    for m in t.reads { lastRead[m.key] = (e, m.value) }  // the last one per key wins
                    for k in t.emptyReadKeys where !keys.contains(k) { lastRead[k] = (e, -1) }
                }
                guard t.type == .ok || t.type == .info, !t.writes.isEmpty else { continue }
                distinctKeys(t.writes, into: &keys)
                for k in keys {
                    let first = t.writes.first { $0.key == k }!.value
                    guard let last = lastSend[k], let i1 = vo.index(k, last.value), let i2 = vo.index(k, first) else { continue }
                    let delta = i2 - i1
                    if delta < 1 {
                        a.add("nonmonotonic-send", ["key": n.key(k), "values": n.values([last.value, first]), "delta": .int(delta), "ops": [n.op(last.txn), n.op(e)]])
                    }
                }
                for m in t.writes { lastSend[m.key] = (e, m.value) }
            }
        }
    }
}

/// How anomaly examples name ops, keys and values: as in the history.
struct KafkaNames {
    let history: History
    let h: KafkaHistory
    func op(_ t: Int) -> JSONValue { history.ops[h.txns[t].op].exampleJSON }
    func key(_ k: Int32) -> JSONValue { h.keyNames[Int(k)] }
    func value(_ v: Int32) -> JSONValue { h.elementValue[Int(v)] }
    func values(_ vs: [Int32]) -> JSONValue { .array(vs.map(value)) }
}
