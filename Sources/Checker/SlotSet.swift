/// A set of open-op slots (which of the currently open operations are already linearized in a
/// configuration). Slots are reused as ops complete, so the width needed is the history's
/// maximum concurrency, not its length: one machine word almost always suffices.
protocol SlotSet: Hashable {
    init()
    func contains(_ slot: Int) -> Bool
    func inserting(_ slot: Int) -> Self
    func removing(_ slot: Int) -> Self
}

/// Up to 64 concurrently open ops.
struct Slots64: SlotSet {
    var bits: UInt64 = 0
    init() {}
    @inline(__always) func contains(_ slot: Int) -> Bool { bits & (1 << UInt64(slot)) != 0 }
    @inline(__always) func inserting(_ slot: Int) -> Slots64 { var s = self; s.bits |= 1 << UInt64(slot); return s }
    @inline(__always) func removing(_ slot: Int) -> Slots64 { var s = self; s.bits &= ~(1 << UInt64(slot)); return s }
}

/// Any number of concurrently open ops (histories with hundreds of live clients).
struct SlotsWide: SlotSet {
    var words: [UInt64] = []
    init() {}
    func contains(_ slot: Int) -> Bool {
        let w = slot >> 6
        return w < words.count && words[w] & (1 << UInt64(slot & 63)) != 0
    }
    func inserting(_ slot: Int) -> SlotsWide {
        var s = self
        let w = slot >> 6
        if w >= s.words.count { s.words.append(contentsOf: repeatElement(0, count: w - s.words.count + 1)) }
        s.words[w] |= 1 << UInt64(slot & 63)
        return s
    }
    func removing(_ slot: Int) -> SlotsWide {
        var s = self
        let w = slot >> 6
        guard w < s.words.count else { return s }
        s.words[w] &= ~(1 << UInt64(slot & 63))
        while let last = s.words.last, last == 0 { s.words.removeLast() }  // canonical form for hashing
        return s
    }
}

/// How many crashed ops of each interchangeable class a configuration has linearized, as a
/// sorted list of (class << 32 | count). Empty in the common case, which costs nothing.
///
/// Crashed (info) ops never return, so they would stay open forever and blow up the set of
/// open ops. Two crashed ops with the same effect are interchangeable, so a configuration only
/// needs to know how many of each class it used.
struct CrashCounts: Hashable {
    var packed: [UInt64] = []

    func count(of cls: Int32) -> UInt32 {
        for p in packed where UInt32(truncatingIfNeeded: p >> 32) == UInt32(cls) { return UInt32(truncatingIfNeeded: p) }
        return 0
    }

    func incremented(_ cls: Int32) -> CrashCounts {
        var c = self
        let key = UInt64(UInt32(cls)) << 32
        for (i, p) in c.packed.enumerated() {
            let k = p >> 32
            if k == UInt64(UInt32(cls)) {
                c.packed[i] = p + 1
                return c
            }
            if k > UInt64(UInt32(cls)) {
                c.packed.insert(key | 1, at: i)
                return c
            }
        }
        c.packed.append(key | 1)
        return c
    }

    /// True when every class count here is at most the other's: this configuration has used
    /// no more crashed ops than `other`, so it can do everything `other` can.
    func isAtMost(_ other: CrashCounts) -> Bool {
        if packed.isEmpty { return true }
        if packed.count > other.packed.count { return false }
        var j = 0
        for p in packed {
            let k = p >> 32
            while j < other.packed.count && other.packed[j] >> 32 < k { j += 1 }
            guard j < other.packed.count, other.packed[j] >> 32 == k,
                UInt32(truncatingIfNeeded: other.packed[j]) >= UInt32(truncatingIfNeeded: p)
            else { return false }
        }
        return true
    }
}

/// Gives each open returning op a slot, reusing freed ones, so that slot numbers stay below
/// the history's concurrency (the width a `SlotSet` needs). Shared by both searches.
struct SlotTable {
    /// The entry in each slot, -1 when free.
    private(set) var entryInSlot: [Int] = []
    /// Slots of the currently open ops, in call order.
    private(set) var open: [Int] = []
    private var free: [Int] = []
    private var slotOf: [Int]

    init(entries: Int) { slotOf = [Int](repeating: -1, count: entries) }

    /// Opens `entry` in the lowest free slot and returns it.
    @discardableResult
    mutating func open(_ entry: Int) -> Int {
        let slot: Int
        if let s = free.popLast() {
            slot = s
            entryInSlot[s] = entry
        } else {
            slot = entryInSlot.count
            entryInSlot.append(entry)
        }
        slotOf[entry] = slot
        open.append(slot)
        return slot
    }

    func slot(of entry: Int) -> Int { slotOf[entry] }

    /// Frees the slot of an op that returned.
    mutating func close(_ slot: Int) {
        entryInSlot[slot] = -1
        free.append(slot)
        open.removeAll { $0 == slot }
    }
}
