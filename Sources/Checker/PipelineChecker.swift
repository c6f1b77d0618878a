// The `pipeline` checker: every acknowledged event exactly once in the warehouse, the hop where it was lost or
// doubled, end-to-end freshness, and how stale the query API's answers were.
import History

/// PipelineChecker checks the pipeline workload (docs/history-conventions.md "pipeline"):
/// `ingest` sends one event id into the ingest API; `query` asks the query API whether an event is
/// visible (ok value `{"id", "found", "source", "position"}`); after the final heal and the drain,
/// `final-read` ops read every event id held by each stage (`{"stage", "ids"}`).
///
/// Anomalies, judged on the warehouse (the last stage) after the drain:
/// - `lost`: acknowledged, absent; `duplicated`: present more than once; `unexpected`: present but never
///   ingested (or every ingest of it failed); `recovered` (not an error): an info ingest present.
/// - For each lost or duplicated event, the hop where it went missing or was doubled, from the final
///   reads of the stages in order (`details.lost_by_hop`, `details.duplicated_by_hop`): `ingest->broker`
///   when the broker never had it, `broker->store` when the broker had it and the store did not, …
/// - `unchecked`: acknowledged after the warehouse's final read began, so it cannot be judged.
/// - `stale-answer`: a query answered "not found" for an event that the warehouse itself (an answer
///   with source "warehouse") had already shown before the query began.
/// - `stale-count`: a `count` answer (`{"key", "count", "source"}`: the API's per-key count of events)
///   lower than a count a warehouse node had already answered for that key before the query began
///   (CountStaleness), with how many versions and seconds behind. The warehouse's answers are the
///   `warehouse-count` ops (read from a warehouse node, not through the API) and the API's own answers
///   read from the warehouse; `warehouse-count` ops are the truth only, never judged.
/// - `late` (not an error): acknowledged and missing from the warehouse's final read, but shown after it
///   by the API's final read with the warehouse leader as its source (`warehouse_ids`): it reached the
///   warehouse after the drain ended, so it is counted neither lost nor in the funnel's warehouse step.
/// - `not-visible` (not an error): a judged event the warehouse holds that the query API's final read
///   (`final-read {"stage": "api"}`, after the drain) did not show; the funnel's last hop.
/// - `beyond-bound`: answers staler than the `max_stale_seconds` / `max_stale_versions` options.
/// Distributions: `freshness_warehouse` / `freshness_api` (ack to first answer showing the event,
/// from the warehouse / from any source), `staleness_versions` / `staleness_ns` (per answer with a
/// position: warehouse positions known before the query began minus the answer's, and how long the
/// warehouse had held something newer).
public struct PipelineChecker: HistoryChecker, GuardedChecker {
    public let name = "pipeline"
    let stages: [String]
    let maxStaleSeconds: Double?
    let maxStaleVersions: Int?
    let optionError: String?

    /// - Parameters:
    ///   - stages: the stages whose final reads are recorded, in pipeline order; the last is the warehouse.
    ///   - maxStaleSeconds, maxStaleVersions: optional bounds on an API answer's staleness.
    public init(stages: [String] = ["broker", "store", "warehouse"], maxStaleSeconds: Double? = nil, maxStaleVersions: Int? = nil) {
        self.stages = stages
        self.maxStaleSeconds = maxStaleSeconds
        self.maxStaleVersions = maxStaleVersions
        optionError = stages.isEmpty ? "checker pipeline: stages must not be empty" : nil
    }

    init(options: [String: JSONValue]) {
        var r = OptionReader("pipeline", options)
        stages = r.strings("stages") ?? ["broker", "store", "warehouse"]
        maxStaleSeconds = r.double("max_stale_seconds")
        maxStaleVersions = r.int("max_stale_versions")
        optionError = r.error
    }

    private struct Event {
        var ok = false
        var info = false
        var ack: Int64 = .max
        var op = -1
        var failedOp = -1
    }

    private struct Answer {
        var invoke: Int64
        var done: Int64
        var id: Int
        var found: Bool
        var fromWarehouse: Bool
        var position: Int?
        var op: Int
    }

    /// The final read through the query API: not a stage that holds events, the funnel's last step.
    static let apiStage = "api"

    public func check(_ history: History) -> Verdict { checkGuarded(history) }

    func run(_ history: History) throws(UnreadableHistory) -> Verdict {
        func ex(_ i: Int) -> JSONValue { i >= 0 ? history.ops[i].exampleJSON : .null }
        var events: [Int: Event] = [:]
        var answers: [Answer] = []
        var stageCounts: [String: [Int: Int]] = [:]
        var stageReadInvoke: [String: Int64] = [:]  // earliest invocation of each stage's ok final reads
        // The ids the API's final read found answered by the warehouse leader (`warehouse_ids`), and when
        // that read began: an event the warehouse's own final read missed but the warehouse showed later
        // had not arrived yet; it was not lost.
        var lateEvidence: Set<Int> = []
        var lateEvidenceInvoke: Int64?
        var stageReadOp: [String: Int] = [:]
        var sources: [String: Int] = [:]
        var counts: [CountAnswer] = []
        for c in try pairedOps(history) {
            switch c.f {
            case "ingest":
                let id = try ValueShape.int(c.invoke.value, history, c.invoke)
                var e = events[id, default: Event()]
                switch c.outcome {
                case .ok:
                    e.ok = true
                    e.ack = min(e.ack, c.completion!.time)
                    e.op = c.completionIndex!
                case .info:
                    e.info = true
                    if e.op < 0 { e.op = c.completionIndex ?? c.invokeIndex }
                default:
                    e.failedOp = c.completionIndex!
                }
                events[id] = e
            case "query":
                guard c.outcome == .ok, let done = c.completion else { continue }
                let o = try ValueShape.object(done.value, history, done)
                guard let idv = o["id"] else { throw UnreadableHistory(history, done, field: "value.id", "missing") }
                let id = try ValueShape.int(idv, history, done, field: "value.id")
                guard let found = o["found"]?.boolValue else { throw UnreadableHistory(history, done, field: "value.found", "expected true or false") }
                let source = o["source"]?.stringValue ?? "unknown"
                var pos: Int?
                if let p = o["position"], !p.isNull { pos = try ValueShape.int(p, history, done, field: "value.position") }
                sources[source, default: 0] += 1
                answers.append(Answer(invoke: c.invoke.time, done: done.time, id: id, found: found, fromWarehouse: source == "warehouse", position: pos, op: c.completionIndex!))
            case "count", "warehouse-count":
                guard c.outcome == .ok, let done = c.completion else { continue }
                let o = try ValueShape.object(done.value, history, done)
                guard let key = o["key"]?.stringValue else { throw UnreadableHistory(history, done, field: "value.key", "expected a key") }
                let n = try ValueShape.int(o["count"] ?? .null, history, done, field: "value.count")
                let source = o["source"]?.stringValue ?? "unknown"
                let probe = c.f == "warehouse-count"
                if !probe { sources[source, default: 0] += 1 }
                counts.append(CountAnswer(invoke: c.invoke.time, done: done.time, key: key, count: n,
                                          fromWarehouse: probe || source == "warehouse" || source == "replica", probe: probe, op: c.completionIndex!))
            case "final-read":
                guard c.outcome == .ok, let done = c.completion else { continue }
                let o = try ValueShape.object(done.value, history, done)
                guard let stage = o["stage"]?.stringValue else { throw UnreadableHistory(history, done, field: "value.stage", "expected a stage name") }
                // `api`: the events the query API showed after the drain (the funnel's last step).
                guard stages.contains(stage) || stage == Self.apiStage else {
                    throw UnreadableHistory(history, done, field: "value.stage", "unknown stage \"\(stage)\" (stages: \(stages.joined(separator: ", ")))")
                }
                // A stage may be read in parts (one per partition or shard): the parts add up.
                for id in try ValueShape.ints(o["ids"] ?? .null, history, done, field: "value.ids") {
                    stageCounts[stage, default: [:]][id, default: 0] += 1
                }
                if stage == Self.apiStage, let w = o["warehouse_ids"] {
                    lateEvidence.formUnion(try ValueShape.ints(w, history, done, field: "value.warehouse_ids"))
                    lateEvidenceInvoke = min(lateEvidenceInvoke ?? .max, c.invoke.time)
                }
                if stageCounts[stage] == nil { stageCounts[stage] = [:] }
                stageReadInvoke[stage] = min(stageReadInvoke[stage] ?? .max, c.invoke.time)
                if stageReadOp[stage] == nil { stageReadOp[stage] = c.completionIndex! }
            default:
                continue
            }
        }
        var a = Anomalies(names: ["lost", "duplicated", "unexpected", "recovered", "unchecked", "stale-answer", "stale-count", "beyond-bound", "not-visible", "late"])
        let warehouse = stages.last!
        var lostByHop: [String: Int] = [:]
        var dupByHop: [String: Int] = [:]
        // The hop where `id` went missing: after the last stage read holding it, at the first read not holding it.
        func hop(_ id: Int, missing: Bool) -> String {
            var last = "ingest"
            for s in stages {
                guard let counts = stageCounts[s] else { continue }  // stage not read: skip over it
                let n = counts[id] ?? 0
                if missing ? n == 0 : n > 1 { return "\(last)->\(s)" }
                last = s
            }
            return "unknown"
        }
        if let wh = stageCounts[warehouse] {
            let whInvoke = stageReadInvoke[warehouse]!
            for id in events.keys.sorted() {
                let e = events[id]!
                let n = wh[id] ?? 0
                if e.ok && n == 0 {
                    if let t = lateEvidenceInvoke, t >= whInvoke, lateEvidence.contains(id) {
                        // The warehouse itself showed it through the API after its final read: it arrived
                        // late (the drain ended before it), it was not lost.
                        a.add("late", ["id": .int(id), "hop": .string(hop(id, missing: true)), "ingest": ex(e.op)])
                    } else if e.ack < whInvoke {
                        let h = hop(id, missing: true)
                        lostByHop[h, default: 0] += 1
                        a.add("lost", ["id": .int(id), "hop": .string(h), "ingest": ex(e.op)])
                    } else {
                        a.add("unchecked", ["id": .int(id), "ingest": ex(e.op)])
                    }
                }
                if n > 0 && e.info && !e.ok { a.add("recovered", ["id": .int(id), "ingest": ex(e.op)]) }
            }
            for (id, n) in wh.sorted(by: { $0.key < $1.key }) {
                let e = events[id]
                if e == nil || !(e!.ok || e!.info) {
                    a.add("unexpected", ["id": .int(id), "count": .int(n), "failed_ingest": ex(e?.failedOp ?? -1), "final_read": ex(stageReadOp[warehouse]!)])
                } else if n > 1 {
                    let h = hop(id, missing: false)
                    dupByHop[h, default: 0] += 1
                    a.add("duplicated", ["id": .int(id), "count": .int(n), "hop": .string(h), "ingest": ex(e!.op)])
                }
            }
        }
        // Freshness: ack to the first answer showing the event (completion time: visible by then at the latest).
        var firstWarehouse: [Int: Int64] = [:]
        var firstAny: [Int: Int64] = [:]
        for q in answers where q.found {
            firstAny[q.id] = min(firstAny[q.id] ?? .max, q.done)
            if q.fromWarehouse { firstWarehouse[q.id] = min(firstWarehouse[q.id] ?? .max, q.done) }
        }
        var freshWarehouse = Distribution(unit: "ns")
        var freshAPI = Distribution(unit: "ns")
        for (id, t) in firstWarehouse { if let e = events[id], e.ok { freshWarehouse.record(t - e.ack) } }
        for (id, t) in firstAny { if let e = events[id], e.ok { freshAPI.record(t - e.ack) } }
        // Staleness of each answer against the warehouse positions known before it began.
        let truth = answers.filter { $0.fromWarehouse && $0.position != nil }.sorted { $0.done < $1.done }
        var runningMax: [Int] = []
        for t in truth { runningMax.append(max(runningMax.last ?? Int.min, t.position!)) }
        let byPosition = truth.sorted { $0.position! < $1.position! }
        var suffixMinDone = [Int64](repeating: .max, count: byPosition.count + 1)
        for i in stride(from: byPosition.count - 1, through: 0, by: -1) { suffixMinDone[i] = min(suffixMinDone[i + 1], byPosition[i].done) }
        var staleVersions = Distribution(unit: "versions")
        var staleTime = Distribution(unit: "ns")
        for q in answers.sorted(by: { $0.invoke < $1.invoke }) {
            if !q.found, let seen = firstWarehouse[q.id], seen < q.invoke {
                a.add("stale-answer", ["id": .int(q.id), "warehouse_showed_it_at": .int(Int(seen)), "answer": ex(q.op)])
            }
            guard let p = q.position else { continue }
            // Truth: the highest position of warehouse answers completed before q began.
            var lo = 0
            var hi = truth.count
            while lo < hi {
                let m = (lo + hi) / 2
                if truth[m].done < q.invoke { lo = m + 1 } else { hi = m }
            }
            let known = lo > 0 ? runningMax[lo - 1] : Int.min
            let versions = known == Int.min ? 0 : max(0, known - p)
            // Since when the warehouse held a position newer than p.
            lo = 0
            hi = byPosition.count
            while lo < hi {
                let m = (lo + hi) / 2
                if byPosition[m].position! <= p { lo = m + 1 } else { hi = m }
            }
            let newerSince = suffixMinDone[lo]
            let behind: Int64 = newerSince < q.invoke ? q.invoke - newerSince : 0
            staleVersions.record(Int64(versions))
            staleTime.record(behind)
            let overTime = maxStaleSeconds.map { Double(behind) / 1e9 > $0 } ?? false
            let overVersions = maxStaleVersions.map { versions > $0 } ?? false
            if overTime || overVersions {
                a.add("beyond-bound", ["versions_behind": .int(versions), "seconds_behind": seconds(behind), "answer": ex(q.op)])
            }
        }
        var staleCountVersions = Distribution(unit: "versions")
        var staleCountTime = Distribution(unit: "ns")
        for s in CountStaleness.judge(counts) {
            staleCountVersions.record(Int64(s.versions))
            staleCountTime.record(s.behindNs)
            a.add("stale-count", ["key": .string(s.answer.key), "versions_behind": .int(s.versions), "seconds_behind": seconds(s.behindNs), "answer": ex(s.answer.op)])
            let overTime = maxStaleSeconds.map { Double(s.behindNs) / 1e9 > $0 } ?? false
            let overVersions = maxStaleVersions.map { s.versions > $0 } ?? false
            if overTime || overVersions {
                a.add("beyond-bound", ["versions_behind": .int(s.versions), "seconds_behind": seconds(s.behindNs), "answer": ex(s.answer.op)])
            }
        }
        // The funnel: of the acknowledged events that can be judged (acked before the warehouse's final
        // read began), how many each stage's final read held.
        var funnel: [JSONValue] = []
        if let whInvoke = stageReadInvoke[warehouse] {
            let judged = events.filter { $0.value.ok && $0.value.ack < whInvoke }.map(\.key)
            funnel.append(["stage": "ingest", "events": .int(judged.count)])
            for s in stages {
                guard let c = stageCounts[s] else { continue }
                funnel.append(["stage": .string(s), "events": .int(judged.filter { (c[$0] ?? 0) > 0 }.count)])
            }
            if let visible = stageCounts[Self.apiStage], !stages.contains(Self.apiStage) {
                funnel.append(["stage": .string(Self.apiStage), "events": .int(judged.filter { (visible[$0] ?? 0) > 0 }.count)])
                // In the warehouse but not shown by the API after the drain: not lost (the data is
                // there), but invisible to the API's users at that time (a cached "not found").
                let wh = stageCounts[warehouse] ?? [:]
                for id in judged.sorted() where (wh[id] ?? 0) > 0 && (visible[id] ?? 0) == 0 {
                    a.add("not-visible", ["id": .int(id), "ingest": ex(events[id]!.op)])
                }
            }
        }
        var stageDetails: [String: JSONValue] = [:]
        for s in stages + (stages.contains(Self.apiStage) ? [] : [Self.apiStage]) {
            if let c = stageCounts[s] {
                stageDetails[s] = ["read": true, "events": .int(c.count), "entries": .int(c.values.reduce(0, +))]
            } else {
                stageDetails[s] = ["read": false]
            }
        }
        let details: [String: JSONValue] = [
            "stages": .object(stageDetails),
            "lost_by_hop": .object(lostByHop.mapValues { .int($0) }),
            "duplicated_by_hop": .object(dupByHop.mapValues { .int($0) }),
            "acknowledged": .int(events.values.filter(\.ok).count),
            "answers_by_source": .object(sources.mapValues { .int($0) }),
            "freshness_warehouse": freshWarehouse.json, "freshness_api": freshAPI.json,
            "staleness_versions": staleVersions.json, "staleness_ns": staleTime.json,
            // What the report's funnel and staleness histograms show: count answers judged, the funnel,
            // every stale answer (stale-answer + stale-count), and how far behind each stale count was.
            "count_answers": .int(counts.filter { !$0.probe }.count),
            "funnel": .array(funnel),
            "stale_answers": .int(a.count("stale-answer") + a.count("stale-count")),
            "stale_count_versions": staleCountVersions.json, "stale_count_ns": staleCountTime.json,
        ]
        let invalid = a.count("lost") + a.count("duplicated") + a.count("unexpected") + a.count("beyond-bound") > 0
        let valid: Validity
        var error: String?
        if invalid {
            valid = .invalid
        } else if events.isEmpty {
            valid = .unknown
            error = "the history has no ingest ops"
        } else if stageCounts[warehouse] == nil {
            valid = .unknown
            error = "no ok final-read of stage \(warehouse): lost events cannot be decided"
        } else {
            valid = .valid
        }
        return a.verdict(name, valid, details: details, error: error)
    }
}
