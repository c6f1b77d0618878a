/// The depth-first variant of the search: the same just-in-time steps as the frontier search
/// (at each op's return, linearize some open ops and then it), but it commits to one choice at
/// a time and backtracks, like Wing & Gong's and Porcupine's search. It wins where the frontier
/// would hold every interleaving of many concurrent non-commuting ops (appends), because a
/// valid history is usually linearized at the first try.
///
/// Memoisation is of (return event, state, linearized open ops), with the crashed-op counts
/// each such node was reached with: a node reached again with counts no smaller than a visited
/// one's is skipped (it has fewer crashed ops left, so it can do nothing the visited one could
/// not). A few machine words per entry, where Porcupine's entries each copy an n-bit set.
///
/// Crashed ops make exact search expensive (every count vector is a different node), so two
/// cheaper searches come first (see `CrashMode`), each of which can prove one answer.
extension LinearizabilitySearch {
    /// How the depth-first search treats the counts of crashed ops it linearized.
    enum CrashMode {
        /// Counts are part of the node: the exact search.
        case exact
        /// Counts are kept along the path (never more uses of a class than members invoked so
        /// far) but not in the memo, so a node is searched once whatever counts it was reached
        /// with. A linearization found is real (proves linearizable); a failure proves nothing.
        case optimistic
        /// Every crashed class may be used any number of times once one member was invoked: a
        /// relaxation of the problem, so a failure proves non-linearizable (and a linearization
        /// found proves nothing).
        case relaxed
    }

    /// A depth-first node without its crash counts (the memo's key).
    struct DFSCore<S: SlotSet>: Hashable {
        var r: Int32
        var state: Int32
        var slots: S

        func hash(into h: inout Hasher) {
            h.combine(UInt64(UInt32(bitPattern: r)) << 32 | UInt64(UInt32(bitPattern: state)))
            h.combine(slots)
        }
    }

    struct DFSKey<S: SlotSet>: Hashable {
        var r: Int32
        var state: Int32
        var slots: S
        var used: CrashCounts

        /// One combine of the position and state packed in a word (the memo's hot path), then
        /// the open set; crash counts only when there are any.
        func hash(into h: inout Hasher) {
            h.combine(UInt64(UInt32(bitPattern: r)) << 32 | UInt64(UInt32(bitPattern: state)))
            h.combine(slots)
            if !used.packed.isEmpty { h.combine(used) }
        }
    }

    /// What the depth-first search needs to know at each return event.
    struct ReturnPlan {
        /// Return events in order: the returning entry and its slot.
        var entry: [Int] = []
        var slot: [Int] = []
        /// For return event r, the other open entries and their slots:
        /// `openEntries[openStart[r]..<openStart[r+1]]`.
        var openStart: [Int] = [0]
        var openEntries: [Int] = []
        var openSlots: [Int] = []
        /// Crashed-op classes: their model op, and for each member the number of returns that
        /// came before its invocation (it is usable from that return event on). Sorted.
        var classOps: [ModelOp] = []
        var classMembers: [[Int]] = []
        var classEntries: [[Int]] = []
        /// Number of classes that exist at return event r (classes are numbered by first call).
        var classesAt: [Int] = []
        /// How many of return event r's other open entries were invoked before it (they come
        /// first in `openEntries`, which is in call order).
        var openBefore: [Int] = []

        func available(_ cls: Int, at r: Int) -> UInt32 {
            // Members usable at r: those whose value <= r (binary search, values sorted).
            let m = classMembers[cls]
            var lo = 0
            var hi = m.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if m[mid] <= r { lo = mid + 1 } else { hi = mid }
            }
            return UInt32(lo)
        }
    }

    func makeReturnPlan(events: [(pos: Int, entry: Int, isCall: Bool)]) -> ReturnPlan {
        var plan = ReturnPlan()
        var table = SlotTable(entries: entries.count)
        var classOf: [ModelOp: Int] = [:]
        for ev in events {
            let e = entries[ev.entry]
            if ev.isCall {
                if e.ret == nil {
                    let cls: Int
                    if let c = classOf[e.op] {
                        cls = c
                    } else {
                        cls = plan.classOps.count
                        classOf[e.op] = cls
                        plan.classOps.append(e.op)
                        plan.classMembers.append([])
                        plan.classEntries.append([])
                    }
                    plan.classMembers[cls].append(plan.entry.count)
                    plan.classEntries[cls].append(ev.entry)
                } else {
                    table.open(ev.entry)
                }
                continue
            }
            let target = table.slot(of: ev.entry)
            plan.entry.append(ev.entry)
            plan.slot.append(target)
            // table.open is in call order.
            var before = 0
            for p in table.open where p != target {
                let other = table.entryInSlot[p]
                plan.openEntries.append(other)
                plan.openSlots.append(p)
                if entries[other].call < e.call { before += 1 }
            }
            plan.openBefore.append(before)
            plan.openStart.append(plan.openEntries.count)
            plan.classesAt.append(plan.classOps.count)
            table.close(target)
        }
        return plan
    }

    /// Depth-first search; gives up (unknown) past `maxMemo` memoised nodes or `maxWork`
    /// branches tried (revisits of memoised nodes cost work too).
    func runDepthFirst(maxMemo: Int = 8_000_000, maxWork: Int = Int.max, crashes: CrashMode = .exact) -> Outcome {
        let (events, maxOpen) = makeEvents()
        let plan = makeReturnPlan(events: events)
        if maxOpen <= 64 { return runDepthFirst(plan: plan, maxMemo: maxMemo, maxWork: maxWork, crashes: crashes, slots: Slots64.self) }
        return runDepthFirst(plan: plan, maxMemo: maxMemo, maxWork: maxWork, crashes: crashes, slots: SlotsWide.self)
    }

    private func runDepthFirst<S: SlotSet>(plan: ReturnPlan, maxMemo: Int, maxWork: Int, crashes: CrashMode, slots _: S.Type) -> Outcome {
        let returns = plan.entry.count
        // Without crashed ops the three modes are one search: a plain set of nodes.
        let counted = crashes == .exact && !plan.classOps.isEmpty
        var seen = Set<DFSCore<S>>()
        var seenWithCounts: [DFSCore<S>: [CrashCounts]] = [:]
        var memoCount = 0
        /// Records a node; false when it (or one that dominates it) was seen before.
        func admit(_ k: DFSKey<S>) -> Bool {
            let core = DFSCore(r: k.r, state: k.state, slots: k.slots)
            if !counted { return seen.insert(core).inserted }
            if let list = seenWithCounts[core] {
                for c in list where c.isAtMost(k.used) { return false }
                var kept = list.filter { !k.used.isAtMost($0) }
                kept.append(k.used)
                seenWithCounts[core] = kept
            } else {
                seenWithCounts[core] = [k.used]
            }
            return true
        }
        var stack: [(key: DFSKey<S>, choice: Int)] = []
        let root = DFSKey(r: 0, state: model.initialState, slots: S(), used: CrashCounts())
        _ = admit(root)
        memoCount += 1
        stack.append((root, 0))
        var maxR = 0
        var statesAtMax = Set<Int32>([model.initialState])
        var work = 0

        while !stack.isEmpty {
            work += 1
            if work & 4095 == 0 {
                if let why = shouldStop() { return .unknown(reason: "\(why) after \(maxR) of \(returns) returns") }
                if memoCount > maxMemo { return .unknown(reason: "depth-first memo exceeded \(maxMemo) nodes") }
                if work > maxWork { return .unknown(reason: "depth-first budget of \(maxWork) steps spent") }
            }
            let top = stack.count - 1
            let node = stack[top].key
            let r = Int(node.r)
            if r == returns {
                if crashes == .relaxed && !plan.classOps.isEmpty { return .unknown(reason: "relaxed search found a linearization (proves nothing)") }
                return .linearizable(maxFrontier: memoCount)
            }
            let choice = stack[top].choice
            stack[top].choice += 1
            let target = plan.slot[r]

            var child: DFSKey<S>?
            if node.slots.contains(target) {
                // Already linearized while open: move on to the next return.
                if choice > 0 { stack.removeLast(); continue }
                child = DFSKey(r: node.r + 1, state: node.state, slots: node.slots.removing(target), used: node.used)
            } else {
                let openLo = plan.openStart[r]
                let openCount = plan.openStart[r + 1] - openLo
                let classCount = plan.classesAt[r]
                // Branch order: open ops invoked before the returning op (in call order), then
                // the returning op itself, then later-invoked open ops, then crashed ops. Call
                // order is how most systems order concurrent ops, so valid histories are
                // usually linearized without backtracking.
                let before = plan.openBefore[r]
                if choice <= openCount {
                    let k: Int
                    if choice < before {
                        k = openLo + choice
                    } else if choice == before {
                        k = -1
                    } else {
                        k = openLo + choice - 1
                    }
                    if k < 0 {
                        if let s2 = model.step(node.state, entries[plan.entry[r]].op) {
                            child = DFSKey(r: node.r + 1, state: s2, slots: node.slots, used: node.used)
                        }
                    } else {
                        let p = plan.openSlots[k]
                        if !node.slots.contains(p), let s2 = model.step(node.state, entries[plan.openEntries[k]].op) {
                            child = DFSKey(r: node.r, state: s2, slots: node.slots.inserting(p), used: node.used)
                        }
                    }
                } else if choice <= openCount + classCount {
                    let cls = choice - openCount - 1
                    let usable = crashes == .relaxed ? plan.available(cls, at: r) > 0 : plan.available(cls, at: r) > node.used.count(of: Int32(cls))
                    if usable, let s2 = model.step(node.state, plan.classOps[cls]), s2 != node.state {
                        child = DFSKey(r: node.r, state: s2, slots: node.slots,
                                       used: crashes == .relaxed ? node.used : node.used.incremented(Int32(cls)))
                    }
                } else {
                    stack.removeLast()
                    continue
                }
            }
            guard var c = child else { continue }
            // Saturate with the legal open reads at c's return event (see `saturate`).
            let cr = Int(c.r)
            if cr < returns {
                let lo = plan.openStart[cr]
                let hi = plan.openStart[cr + 1]
                var sl = c.slots
                for k in lo..<hi where !sl.contains(plan.openSlots[k]) {
                    let op = entries[plan.openEntries[k]].op
                    if op.kind == .read, model.step(c.state, op) == c.state { sl = sl.inserting(plan.openSlots[k]) }
                }
                let t = entries[plan.entry[cr]].op
                if !sl.contains(plan.slot[cr]), t.kind == .read, model.step(c.state, t) == c.state {
                    sl = sl.inserting(plan.slot[cr])
                }
                c.slots = sl
            }
            guard admit(c) else { continue }
            memoCount += 1
            if Int(c.r) > maxR {
                maxR = Int(c.r)
                statesAtMax = [c.state]
            } else if Int(c.r) == maxR {
                statesAtMax.insert(c.state)
            }
            stack.append((c, 0))
        }
        // Exhausted: no path gets past return event maxR.
        let failing = plan.entry[maxR]
        var concurrent = Array(plan.openEntries[plan.openStart[maxR]..<plan.openStart[maxR + 1]])
        for cls in 0..<plan.classesAt[maxR] {
            concurrent.append(contentsOf: plan.classEntries[cls].prefix(Int(plan.available(cls, at: maxR))))
        }
        if crashes == .optimistic && !plan.classOps.isEmpty {
            return .unknown(reason: "optimistic search found no linearization (proves nothing)")
        }
        return .notLinearizable(failing: failing, concurrent: concurrent.sorted(), statesBefore: statesAtMax.sorted(), prefixOps: maxR)
    }
}
