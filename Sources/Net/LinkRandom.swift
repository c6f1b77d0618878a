// LinkRandom: one link's random draws (connection drops, jitter), seeded from the test's seed and the link.
import History

/// LinkRandom gives each directed link its own seeded streams, so that a re-run with the same seed
/// replays them: the n-th connection accepted on a link is dropped in both runs or in neither, and the
/// n-th chunk of bytes gets the same jitter. Drops and jitter have separate streams, so how TCP happens
/// to split bytes into chunks never shifts the drop decisions. Links get different streams (the link's
/// name is mixed into the seed), so adding a link does not change the draws of the others.
public struct LinkRandom: Sendable {
    private var drops: SplitMix64
    private var jitters: SplitMix64

    public init(seed: UInt64, link: LinkID) {
        let h = Self.fnv1a("\(link.from)\u{0}\(link.to)")
        drops = SplitMix64(seed: seed ^ h)
        jitters = SplitMix64(seed: (seed ^ h) &+ 0x6A09_E667_F3BC_C909)
    }

    /// Whether the next accepted connection is dropped, with probability `p`.
    public mutating func drop(_ p: Double) -> Bool {
        Double(drops.next() >> 11) * 0x1p-53 < p
    }

    /// The next jitter, uniform in 0...max nanoseconds.
    public mutating func jitter(upTo max: Int64) -> Int64 {
        Int64.random(in: 0...max, using: &jitters)
    }

    /// FNV-1a of the link's name: stable across runs and platforms (unlike `Hasher`, which is seeded per process).
    static func fnv1a(_ s: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h &*= 0x100_0000_01B3
        }
        return h
    }
}
