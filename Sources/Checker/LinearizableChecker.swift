import Dispatch
import Foundation
import History

/// LinearizableChecker checks per-key linearizability of register, cas-register or kv
/// histories. The history is split by key, each partition is searched independently (in
/// parallel), and the verdict is the worst of the partitions'.
///
/// Verdict counts: `ops` (client ops checked), `partitions`, `invalid_partitions`,
/// `unknown_partitions`, `unchecked_partitions` (left when another key already proved the
/// history invalid). For a non-linearizable partition the evidence is the op that cannot be
/// linearized, the ops concurrent with it, the model states possible just before it, and the
/// length of the linearizable prefix (example group `non-linearizable`).
public struct LinearizableChecker: HistoryChecker {
    public enum ModelName: String, CaseIterable, Sendable {
        case register
        case casRegister = "cas-register"
        case kv
    }

    public var name: String { "linearizable" }
    public let model: ModelName
    /// The initial value of every key; nil means the model's default (nil, or "" for kv).
    public let initial: JSONValue?
    /// Seconds before the verdict becomes unknown; nil for no limit.
    public let timeLimit: Double?

    public init(model: ModelName, initial: JSONValue? = nil, timeLimit: Double? = nil) {
        self.model = model
        self.initial = initial
        self.timeLimit = timeLimit
    }

    public func check(_ history: History) -> Verdict {
        do {
            return try analyze(history)
        } catch {
            return Verdict(checker: name, valid: .unknown, error: "\(error)")
        }
    }

    /// Like `check`, but bad input (unpaired completions, ops the model does not know) throws
    /// instead of becoming an unknown verdict, so the CLI can exit 2 with the location.
    public func analyze(_ history: History) throws -> Verdict {
        let pairs = try history.pairs()
        // Keyed by JSONValue, which compares strings by their scalars: keys "\u{E9}" and "e\u{301}" are
        // two registers (a [String: _] dictionary would merge them by canonical equivalence).
        var byKey: [JSONValue: [Int]] = [:]
        for (i, p) in pairs.enumerated() { byKey[.string(p.key ?? ""), default: []].append(i) }
        let keys = byKey.keys.sorted { byKey[$0]!.count > byKey[$1]!.count }  // biggest first
        let deadline = Self.deadline(after: timeLimit)

        // Translate ops per partition up front so that model errors surface as input errors.
        var jobs: [PartitionJob] = []
        for exactKey in keys {
            let key = exactKey.stringValue ?? ""
            let m = makeModel()
            var entries: [PartitionJob.Entry] = []
            for i in byKey[exactKey]! {
                let p = pairs[i]
                let op: ModelOp?
                do { op = try m.prepare(p) } catch {
                    throw UnreadableHistory(message: "\(history.location(of: p.invokeIndex)): \(error.reason)")
                }
                guard let op else { continue }
                let crashed = p.outcome == .info
                entries.append(.init(op: op, call: p.invokeIndex, ret: crashed ? nil : p.completionIndex, id: i))
            }
            jobs.append(PartitionJob(key: key, model: m, entries: entries))
        }

        // Rounds of growing effort over the partitions still undecided, so that an easy proof
        // of invalidity in one key is found before a hard key is searched exhaustively; one
        // invalid key decides the whole history, and the rest are then left unchecked.
        var results = [PartitionResult?](repeating: nil, count: jobs.count)
        let invalidFound = StopFlag()
        let lock = NSLock()
        for budget in [100_000, 3_000_000, nil] as [Int?] {
            let pending = (0..<jobs.count).filter { j in
                if results[j] == nil { return true }
                if case .unknown = results[j]!.outcome { return true }
                return false
            }
            if pending.isEmpty || invalidFound.isSet { break }
            DispatchQueue.concurrentPerform(iterations: pending.count) { n in
                let j = pending[n]
                if invalidFound.isSet { return }
                let r = jobs[j].run(deadline: deadline, workBudget: budget, stop: invalidFound)
                if case .invalid = r.outcome { invalidFound.set() }
                lock.lock()
                results[j] = r
                lock.unlock()
            }
            if let deadline, DispatchTime.now().uptimeNanoseconds > deadline { break }
        }
        if let deadline, DispatchTime.now().uptimeNanoseconds > deadline {
            // Whatever a search said when it gave up (budget, configurations), the cause was
            // the clock: say so.
            for j in results.indices {
                if case .unknown? = results[j]?.outcome {
                    results[j] = PartitionResult(outcome: .unknown("time limit of \(Self.seconds(timeLimit ?? 0)) s reached"))
                }
            }
        }
        return makeVerdict(
            history: history, pairs: pairs, jobs: jobs,
            results: results.map { $0 ?? PartitionResult(outcome: .unknown("not checked: another key was already proven invalid")) })
    }

    /// The uptime by which a search must give up, or nil for none. Any Double is accepted
    /// (checked here, not converted blindly): beyond ~30 years or not a number means no limit,
    /// zero or negative means at once.
    static func deadline(after seconds: Double?) -> UInt64? {
        guard let seconds, seconds.isFinite, seconds < 1e9 else { return nil }
        return DispatchTime.now().uptimeNanoseconds + UInt64(max(0, seconds) * 1e9)
    }

    static func seconds(_ s: Double) -> String {
        s == s.rounded() && abs(s) < 1e15 ? String(Int64(s)) : String(s)
    }

    private func makeModel() -> any LinearizabilityModel {
        switch model {
        case .register: return RegisterModel(initial: initial ?? .null, allowsCas: false)
        case .casRegister: return RegisterModel(initial: initial ?? .null, allowsCas: true)
        case .kv:
            let s: String
            switch initial {
            case .string(let v)?: s = v
            case nil, .null?: s = ""
            case let other?: s = other.description
            }
            return KVModel(initial: s)
        }
    }

    private func makeVerdict(history: History, pairs: [CompletedOp], jobs: [PartitionJob], results: [PartitionResult]) -> Verdict {
        var invalid: [(PartitionJob, PartitionResult)] = []
        var unknownReasons: [String] = []
        var maxFrontier = 0
        for (job, r) in zip(jobs, results) {
            switch r.outcome {
            case .valid(let f): maxFrontier = max(maxFrontier, f)
            case .invalid: invalid.append((job, r))
            case .unknown(let why): unknownReasons.append(job.key.isEmpty ? why : "key \(job.key): \(why)")
            }
        }
        let checked = jobs.reduce(0) { $0 + $1.entries.count }
        var counts: [String: Int] = [
            "ops": checked, "partitions": jobs.count, "invalid_partitions": invalid.count,
            // Once one key is invalid, undecided keys were stopped rather than found unknown.
            "unknown_partitions": invalid.isEmpty ? unknownReasons.count : 0,
            "unchecked_partitions": invalid.isEmpty ? 0 : unknownReasons.count,
        ]
        var details: [String: JSONValue] = ["model": .string(model.rawValue), "max_frontier": .int(maxFrontier)]
        if let initial { details["initial"] = initial }
        var examples: [String: [JSONValue]] = [:]
        let valid: Validity
        if !invalid.isEmpty {
            valid = .invalid
            invalid.sort { $0.0.key < $1.0.key }
            var evidence: [JSONValue] = []
            for (job, r) in invalid.prefix(10) {
                guard case .invalid(let failing, let concurrent, let states, let prefix, let first) = r.outcome else { continue }
                let f = pairs[failing]
                var e: [String: JSONValue] = [
                    "op": pairExample(f, history: history),
                    "model_op": .string(job.model.describe(op: job.entries.first { $0.id == failing }!.op)),
                    "possible_states_before": .array(states.map { .string($0) }),
                    "linearizable_prefix_ops": .int(prefix),
                    "concurrent": .array(concurrent.prefix(20).map { pairExample(pairs[$0], history: history) }),
                    "concurrent_count": .int(concurrent.count),
                ]
                if !job.key.isEmpty { e["key"] = .string(job.key) }
                if !first {
                    e["first_failure"] = .bool(false)
                    e["note"] = .string("proven non-linearizable at this op; the search for an earlier failing op did not finish, so one may exist and the states are not complete")
                }
                evidence.append(.object(e))
            }
            examples["non-linearizable"] = evidence
            counts["non_linearizable_ops"] = invalid.count
        } else if !unknownReasons.isEmpty {
            valid = .unknown
        } else {
            valid = .valid
        }
        return Verdict(
            checker: name, valid: valid, counts: counts, examples: examples, details: details,
            error: valid == .unknown ? unknownReasons.prefix(3).joined(separator: "; ") : nil)
    }

    private func pairExample(_ p: CompletedOp, history: History) -> JSONValue {
        var o: [String: JSONValue] = [
            "process": .string(p.process.description), "f": .string(p.f), "value": p.value,
            "type": .string(p.outcome.rawValue), "invoke_index": .int(p.invoke.index),
            "at": .string(history.location(of: p.invokeIndex)),
        ]
        if let c = p.completion { o["complete_index"] = .int(c.index) }
        if let k = p.key { o["key"] = .string(k) }
        if let e = p.completion?.error { o["error"] = .string(e) }
        return .object(o)
    }
}

/// One key's ops, ready to search.
struct PartitionJob: @unchecked Sendable {
    struct Entry {
        var op: ModelOp
        var call: Int
        var ret: Int?
        var id: Int
    }
    let key: String
    let model: any LinearizabilityModel
    /// The ops searched.
    let entries: [Entry]
    /// Crashed ops left out of the search because nothing observes their effect (see
    /// `dropUnobservableCrashes`); still possible states in the evidence.
    let dropped: [Entry]

    init(key: String, model: any LinearizabilityModel, entries all: [Entry]) {
        self.key = key
        self.model = model
        let kept = PartitionJob.dropUnobservableCrashes(all)
        let keptIds = Set(kept.map(\.id))
        entries = kept
        dropped = all.filter { !keptIds.contains($0.id) }
    }

    /// Drops crashed writes and cas ops whose written value no read ever returns and no cas
    /// ever compares against. Exact: right after such an op, no read or cas is legal until a
    /// write replaces the value, so any linearization using it works as well without it. This
    /// keeps histories with unique values and many timeouts (every timeout is a crashed op)
    /// from multiplying the search. Not for partitions with appends, which build on the state.
    static func dropUnobservableCrashes(_ entries: [Entry]) -> [Entry] {
        guard !entries.contains(where: { $0.op.kind == .append }) else { return entries }
        var observed = Set<Int32>()
        for e in entries {
            switch e.op.kind {
            case .read, .cas: observed.insert(e.op.a)
            default: break
            }
        }
        return entries.filter { e in
            guard e.ret == nil else { return true }
            switch e.op.kind {
            case .write: return observed.contains(e.op.a)
            case .cas: return observed.contains(e.op.b)
            default: return true
            }
        }
    }

    /// Work for the exact search once invalidity is already proven (it only finds the first
    /// failing op for the evidence), whatever the round's budget.
    static let evidenceBudget = 3_000_000
    /// Work for each cheap search in the last, unbounded round: past this they are not cheap,
    /// and the exact searches get the time.
    static let cheapBudget = 20_000_000

    /// Decides the partition within `workBudget` steps per search, or, without a budget, races
    /// the two exact searches to the end.
    ///
    /// Order: cheap proofs first. An unproducible read, or a failure of the relaxed search
    /// (crashed ops reusable), proves the partition invalid; a linearization found by the
    /// optimistic search (crash counts on the path only) proves it valid. The exact search then
    /// decides what is left, and for an invalid partition finds the first op that cannot be
    /// linearized (the cheap proofs may fail later than it).
    func run(deadline: UInt64?, workBudget: Int?, stop: StopFlag) -> PartitionResult {
        func search<M: LinearizabilityModel>(_ m: M) -> PartitionResult {
            let es = entries.map { LinearizabilitySearch<M>.Entry(op: $0.op, call: $0.call, ret: $0.ret, id: $0.id) }
            let base = LinearizabilitySearch(model: m, entries: es, deadline: deadline, stops: [stop])
            var proof = base.findUnproducibleRead()
            if proof == nil && es.contains(where: { $0.ret == nil }) {
                let cheap = workBudget ?? Self.cheapBudget
                let optimistic = base.runDepthFirst(maxWork: cheap, crashes: .optimistic)
                if case .linearizable = optimistic { return result(optimistic, es, m, first: true) }
                let relaxed = base.runDepthFirst(maxWork: cheap, crashes: .relaxed)
                if case .notLinearizable = relaxed { proof = relaxed }
            }
            let (exact, winner): (LinearizabilitySearch<M>.Outcome, M)
            if proof != nil {
                (exact, winner) = (base.runDepthFirst(maxWork: max(workBudget ?? 0, Self.evidenceBudget)), m)
            } else if let workBudget {
                (exact, winner) = (base.runDepthFirst(maxWork: workBudget), m)
            } else {
                (exact, winner) = race(model: m, entries: es, deadline: deadline, stop: stop)
            }
            if case .unknown = exact, let proof { return result(proof, es, m, first: false) }
            return result(exact, es, winner, first: true)
        }
        // Concrete types here, not the existential, so that the search is specialised for each
        // model (several times faster than going through value witnesses).
        if let m = model as? RegisterModel { return search(m) }
        if let m = model as? KVModel { return search(m) }
        return search(model)
    }

    /// The partition's result from a search outcome; `winner` interned the states.
    private func result<M: LinearizabilityModel>(_ outcome: LinearizabilitySearch<M>.Outcome, _ es: [LinearizabilitySearch<M>.Entry],
                                                 _ winner: M, first: Bool) -> PartitionResult {
        switch outcome {
        case .linearizable(let f): return PartitionResult(outcome: .valid(maxFrontier: f))
        case .notLinearizable(let failing, let concurrent, let states, let prefix):
            let all = withDroppedCrashes(states: states, before: es[failing].ret ?? Int.max, model: winner)
            return PartitionResult(outcome: .invalid(
                failing: es[failing].id, concurrent: concurrent.map { es[$0].id },
                states: all.map { winner.describe(state: $0) }, prefix: prefix, first: first))
        case .unknown(let reason): return PartitionResult(outcome: .unknown(reason))
        }
    }

    /// Adds to the states the search found possible before an op returning at `before` those
    /// that dropped crashed ops invoked before it could have produced: a write's value, or a
    /// cas's new value when its expected value is possible. Nothing reads or compares those
    /// values, so they lead nowhere else. Empty stays empty (no states known).
    func withDroppedCrashes<M: LinearizabilityModel>(states: [Int32], before: Int, model m: M) -> [Int32] {
        guard !states.isEmpty else { return states }
        var all = Set(states)
        var grew = true
        while grew {
            grew = false
            for d in dropped where d.call < before {
                for s in Array(all) {
                    if let s2 = m.step(s, d.op), all.insert(s2).inserted { grew = true }
                }
            }
        }
        return all.sorted()
    }
}

/// Runs the frontier search and the depth-first search side by side and takes the first
/// definite answer. Both are exact; they differ in which histories they find easy (see their
/// comments), so racing them gives the better of the two on every history.
func race<M: LinearizabilityModel>(model: M, entries: [LinearizabilitySearch<M>.Entry], deadline: UInt64?, stop outer: StopFlag)
    -> (LinearizabilitySearch<M>.Outcome, M)
{
    // FAULTLINE_SEARCH=frontier|depth-first runs one search alone (for benchmarks).
    switch ProcessInfo.processInfo.environment["FAULTLINE_SEARCH"] {
    case "frontier"?: return (LinearizabilitySearch(model: model, entries: entries, deadline: deadline, stops: [outer]).runFrontier(), model)
    case "depth-first"?: return (LinearizabilitySearch(model: model, entries: entries, deadline: deadline, stops: [outer]).runDepthFirst(), model)
    default: break
    }
    // The model's intern tables are not thread-safe: the racers step private copies.
    let copy = model.copy() as! M
    let stop = StopFlag()
    let box = OutcomeBox<M>()
    let thread = Thread {
        let r = LinearizabilitySearch(model: copy, entries: entries, deadline: deadline, stops: [stop, outer]).runFrontier()
        if case .unknown = r {} else { stop.set() }
        box.put(r)
    }
    thread.stackSize = 8 << 20
    thread.start()
    let depthFirst = LinearizabilitySearch(model: model, entries: entries, deadline: deadline, stops: [stop, outer]).runDepthFirst()
    if case .unknown = depthFirst {} else { stop.set() }
    let frontier = box.take()
    if case .unknown = depthFirst { return (frontier, copy) }
    return (depthFirst, model)
}

/// Hands the frontier search's outcome from its thread back to the caller.
final class OutcomeBox<M: LinearizabilityModel>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var value: LinearizabilitySearch<M>.Outcome?
    func put(_ v: LinearizabilitySearch<M>.Outcome) {
        value = v
        done.signal()
    }
    func take() -> LinearizabilitySearch<M>.Outcome {
        done.wait()
        return value!
    }
}

struct PartitionResult {
    enum Outcome {
        case valid(maxFrontier: Int)
        /// `first`: the failing op is the first that cannot be linearized (false when only a
        /// cheaper proof finished in time: then an earlier op may fail too).
        case invalid(failing: Int, concurrent: [Int], states: [String], prefix: Int, first: Bool)
        case unknown(String)
    }
    var outcome: Outcome
}
