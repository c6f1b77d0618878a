// InputRange: the ranges shared by the readers of files and flags.

/// Ranges shared by the readers of files and flags.
public enum InputRange {
    /// Durations and time limits: up to a week (longer than any test; far below overflow in nanoseconds).
    public static let seconds: ClosedRange<Double> = 0...604_800
    /// A timeout or limit that must be positive (0 would mean every op times out at once).
    public static let positiveSeconds: ClosedRange<Double> = 0.001...604_800
    /// Ops per second over all clients (0 = as fast as they go).
    public static let rate: ClosedRange<Double> = 0...1_000_000
}
