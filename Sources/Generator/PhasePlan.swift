// PhasePlan: the phases of one test in time: warm-up, faults, recovery, final reads.
/// PhasePlan splits a test's time limit: clients run from 0 to `timeLimit`; the nemesis runs from
/// `warmup` to `timeLimit` and then heals; clients keep going for `recovery` seconds with no faults;
/// then every key gets a final read.
public struct PhasePlan: Sendable, Equatable {
    public var timeLimit: Double
    public var warmup: Double
    public var recovery: Double
    public var finalReads: Bool

    public init(timeLimit: Double, warmup: Double, recovery: Double, finalReads: Bool) {
        self.timeLimit = timeLimit
        self.warmup = min(warmup, timeLimit / 2)
        self.recovery = recovery
        self.finalReads = finalReads
    }

    /// Length of the fault phase (what the nemesis plan is made for).
    public var faultPhase: Double { max(0, timeLimit - warmup) }
}

/// RateSchedule hands out start times: op i may start at `i / rate` seconds (nil rate: no limit).
public struct RateSchedule: Sendable {
    public let rate: Double?
    public init(rate: Double?) { self.rate = (rate ?? 0) > 0 ? rate : nil }
    /// Seconds after the start at which op `i` may begin.
    public func startTime(of i: Int) -> Double { rate.map { Double(i) / $0 } ?? 0 }
}
