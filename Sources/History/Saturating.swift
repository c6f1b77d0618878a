// Saturating: the one way Faultline turns a Double into an integer.

extension FixedWidthInteger {
    /// `d` toward zero, clamped to this type's range; NaN is 0. Numbers from input are range-checked
    /// where they are read, so the clamp never changes a value in practice: it only keeps a missed
    /// check from trapping (Swift's `Int(d)` crashes the process on NaN, infinity or overflow).
    public init(saturating d: Double) {
        if d.isNaN {
            self = 0
        } else if d <= Double(Self.min) {
            self = Self.min
        } else if d >= Double(Self.max) {
            self = Self.max
        } else {
            self = Self(d)
        }
    }
}
