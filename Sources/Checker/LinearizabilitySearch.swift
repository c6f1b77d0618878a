import Dispatch
import Foundation

/// LinearizabilitySearch decides whether one partition of a history (one key) is linearizable
/// with respect to a model.
///
/// It walks the history in order and keeps the frontier of reachable configurations: model
/// state, which currently open ops are already linearized, and how many crashed ops of each
/// class were used. At the return of an op, each configuration is extended by every sequence of
/// open ops that ends with that op (Lowe's just-in-time linearization); configurations where
/// the op cannot be linearized die. If none survives, the history is not linearizable, and the
/// returning op is the evidence. Memory is bounded by the concurrency, not the length.
///
/// Pruning keeps the frontier small: exact duplicates are merged, and a configuration that used
/// more crashed ops than another with the same state and open set is dropped (it can do nothing
/// the other cannot, since crashed ops never have to be linearized).
struct LinearizabilitySearch<Model: LinearizabilityModel> {
    /// One op of the partition, already translated for the model.
    struct Entry {
        var op: ModelOp
        /// Position of the invocation in the history.
        var call: Int
        /// Position of the completion; nil for a crashed op (may take effect any time after call).
        var ret: Int?
        /// Caller's identifier for evidence.
        var id: Int
    }

    enum Outcome {
        case linearizable(maxFrontier: Int)
        /// `failing` is the entry that could not be linearized; `concurrent` the entries open at
        /// its return (crashed ones included); `statesBefore` the model states reachable just
        /// before; `prefixOps` how many ops returned before it (a linearizable prefix).
        case notLinearizable(failing: Int, concurrent: [Int], statesBefore: [Int32], prefixOps: Int)
        case unknown(reason: String)
    }

    let model: Model
    let entries: [Entry]
    let deadline: UInt64?
    let maxConfigs: Int
    /// Set by a racing search that already has the answer, or by another partition that
    /// proved the whole history invalid: this search then stops.
    let stops: [StopFlag]

    init(model: Model, entries: [Entry], deadline: UInt64? = nil, maxConfigs: Int = 2_000_000, stops: [StopFlag] = []) {
        self.model = model
        self.entries = entries
        self.deadline = deadline
        self.maxConfigs = maxConfigs
        self.stops = stops
    }

    /// Why the search must give up now (time limit, or another search has the answer), or nil.
    func shouldStop() -> String? {
        for s in stops where s.isSet { return "stopped" }
        if let deadline, DispatchTime.now().uptimeNanoseconds > deadline { return "time limit reached" }
        return nil
    }

    /// Linearizes every open read that is legal in `state`. Doing so at once never loses a
    /// linearization: a read changes nothing whenever it happens, so waiting only keeps an
    /// obligation open, and configurations that differ only in such reads need not both be
    /// explored. (Not so for a write of the current value: later, it could restore the value.)
    @inline(__always)
    func saturate<S: SlotSet>(_ state: Int32, _ slots: S, open: [Int], entryOf: (Int) -> Int) -> S {
        var out = slots
        for p in open where !out.contains(p) {
            let op = entries[entryOf(p)].op
            if op.kind == .read, model.step(state, op) == state { out = out.inserting(p) }
        }
        return out
    }

    /// Breadth-first over the frontier of configurations (see the type's comment).
    func runFrontier() -> Outcome {
        let (events, maxOpen) = makeEvents()
        if maxOpen <= 64 { return runFrontier(events: events, slots: Slots64.self) }
        return runFrontier(events: events, slots: SlotsWide.self)
    }

    /// History events in order: call and return of each ok op, call of each crashed op.
    func makeEvents() -> (events: [(pos: Int, entry: Int, isCall: Bool)], maxOpen: Int) {
        var events: [(pos: Int, entry: Int, isCall: Bool)] = []
        events.reserveCapacity(entries.count * 2)
        for (i, e) in entries.enumerated() {
            events.append((e.call, i, true))
            if let r = e.ret { events.append((r, i, false)) }
        }
        events.sort { $0.pos < $1.pos || ($0.pos == $1.pos && $0.isCall && !$1.isCall) }
        var open = 0
        var maxOpen = 0
        for ev in events where entries[ev.entry].ret != nil {
            open += ev.isCall ? 1 : -1
            maxOpen = max(maxOpen, open)
        }
        return (events, maxOpen)
    }

    struct Key<S: SlotSet>: Hashable {
        var state: Int32
        var slots: S
    }

    /// Configurations keyed by (state, open set), each with the minimal crash-count vectors.
    struct ConfigSet<S: SlotSet> {
        var map: [Key<S>: [CrashCounts]] = [:]
        var count = 0

        /// Inserts unless an existing configuration dominates it; drops those it dominates.
        mutating func insert(_ key: Key<S>, _ used: CrashCounts) -> Bool {
            if var list = map[key] {
                for c in list where c.isAtMost(used) { return false }
                let before = list.count
                list.removeAll { used.isAtMost($0) }
                list.append(used)
                count += list.count - before
                map[key] = list
                return true
            }
            map[key] = [used]
            count += 1
            return true
        }
    }

    private func runFrontier<S: SlotSet>(events: [(pos: Int, entry: Int, isCall: Bool)], slots _: S.Type) -> Outcome {
        var frontier = ConfigSet<S>()
        _ = frontier.insert(Key(state: model.initialState, slots: S()), CrashCounts())
        var table = SlotTable(entries: entries.count)
        // Crashed ops, grouped into classes of identical effect.
        var classOf: [ModelOp: Int32] = [:]
        var classOps: [ModelOp] = []
        var classAvailable: [UInt32] = []
        var classEntries: [[Int]] = []
        var returned = 0
        var maxFrontier = 1
        var work = 0

        for ev in events {
            let e = entries[ev.entry]
            if ev.isCall {
                if e.ret == nil {
                    let cls: Int32
                    if let c = classOf[e.op] {
                        cls = c
                    } else {
                        cls = Int32(classOps.count)
                        classOf[e.op] = cls
                        classOps.append(e.op)
                        classAvailable.append(0)
                        classEntries.append([])
                    }
                    classAvailable[Int(cls)] += 1
                    classEntries[Int(cls)].append(ev.entry)
                } else {
                    table.open(ev.entry)
                }
                continue
            }

            // Return of an ok op: every surviving configuration must linearize it now.
            let target = table.slot(of: ev.entry)
            let openSlots = table.open
            let entryInSlot = table.entryInSlot
            var next = ConfigSet<S>()
            var visited = ConfigSet<S>()
            var stack: [(Key<S>, CrashCounts)] = []
            for (key, list) in frontier.map {
                for used in list {
                    if key.slots.contains(target) {
                        // Linearized earlier, while it was open: nothing more to do.
                        _ = next.insert(Key(state: key.state, slots: key.slots.removing(target)), used)
                        continue
                    }
                    let k = Key(state: key.state, slots: saturate(key.state, key.slots, open: openSlots, entryOf: { entryInSlot[$0] }))
                    if k.slots.contains(target) {
                        _ = next.insert(Key(state: k.state, slots: k.slots.removing(target)), used)
                    } else if visited.insert(k, used) {
                        stack.append((k, used))
                    }
                }
            }
            while let (key, used) = stack.popLast() {
                work += 1
                if work & 1023 == 0 {
                    if let why = shouldStop() {
                        return .unknown(reason: "\(why) after \(returned) of \(entries.count) ops")
                    }
                    if visited.count + next.count > maxConfigs {
                        return .unknown(reason: "search space exceeded \(maxConfigs) configurations after \(returned) ops")
                    }
                }
                if let s2 = model.step(key.state, entries[entryInSlot[target]].op) {
                    let sat = s2 == key.state ? key.slots : saturate(s2, key.slots, open: openSlots, entryOf: { entryInSlot[$0] })
                    _ = next.insert(Key(state: s2, slots: sat.removing(target)), used)
                }
                for p in openSlots where p != target && !key.slots.contains(p) {
                    // Legal reads were already linearized by saturation.
                    if let s2 = model.step(key.state, entries[entryInSlot[p]].op) {
                        let sat = s2 == key.state ? key.slots.inserting(p) : saturate(s2, key.slots.inserting(p), open: openSlots, entryOf: { entryInSlot[$0] })
                        let k2 = Key(state: s2, slots: sat)
                        if k2.slots.contains(target) {
                            _ = next.insert(Key(state: s2, slots: k2.slots.removing(target)), used)
                        } else if visited.insert(k2, used) {
                            stack.append((k2, used))
                        }
                    }
                }
                for cls in 0..<classOps.count where classAvailable[cls] > used.count(of: Int32(cls)) {
                    // A crashed op that leaves the state as it is never helps: skip it.
                    if let s2 = model.step(key.state, classOps[cls]), s2 != key.state {
                        let k2 = Key(state: s2, slots: saturate(s2, key.slots, open: openSlots, entryOf: { entryInSlot[$0] }))
                        let u2 = used.incremented(Int32(cls))
                        if k2.slots.contains(target) {
                            _ = next.insert(Key(state: s2, slots: k2.slots.removing(target)), u2)
                        } else if visited.insert(k2, u2) {
                            stack.append((k2, u2))
                        }
                    }
                }
            }
            if next.count == 0 {
                var concurrent = openSlots.filter { $0 != target }.map { entryInSlot[$0] }
                for cls in 0..<classOps.count { concurrent.append(contentsOf: classEntries[cls]) }
                // Every state the register could be in when the op would have taken effect: the
                // whole closure explored from the frontier (open and crashed ops applied), not
                // only the states at the previous return.
                let states = Set(visited.map.keys.map(\.state)).sorted()
                return .notLinearizable(failing: ev.entry, concurrent: concurrent.sorted(), statesBefore: states, prefixOps: returned)
            }
            frontier = next
            maxFrontier = max(maxFrontier, frontier.count)
            table.close(target)
            returned += 1
        }
        return .linearizable(maxFrontier: maxFrontier)
    }
}

/// A flag one search sets to stop another that races it.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
    func set() {
        lock.lock()
        value = true
        lock.unlock()
    }
}
