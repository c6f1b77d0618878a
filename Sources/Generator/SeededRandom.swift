// SeededRandom: the op plans' generator, History's SplitMix64 with integer and probability helpers.
import History

/// SeededRandom draws the op plans (and synthetic register histories) from a seed: the same seed gives
/// the same plan on every machine.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var base: SplitMix64

    /// The state starts at seed + one SplitMix64 increment, as it always has, so recorded seeds keep their op plans.
    public init(seed: UInt64) { base = SplitMix64(seed: seed &+ 0x9E37_79B9_7F4A_7C15) }

    public mutating func next() -> UInt64 { base.next() }

    /// A uniform integer in 0..<n.
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// True with probability p.
    public mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }
}
