// Distributions of latencies, lags and staleness, summarised as percentiles and log-scale buckets (HdrHistogram).
import Histogram
import History

/// Distribution records non-negative integer samples (nanoseconds, versions, …) in an HdrHistogram
/// (3 significant digits, so memory stays small whatever the number of samples) and summarises them
/// as `{"unit", "count", "min", "mean", "p50", "p90", "p99", "max", "buckets": [{"le", "count"}, …]}`.
struct Distribution {
    let unit: String
    private var histogram = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
    /// Exact extremes: the histogram rounds, but the worst case is what people look for.
    private var exactMin = Int64.max
    private var exactMax = Int64.min

    init(unit: String) { self.unit = unit }

    var count: Int { Int(histogram.totalCount) }

    /// Records one sample; negative samples (clock skew between concurrent ops) count as 0.
    mutating func record(_ value: Int64) {
        let v = max(0, value)
        _ = histogram.record(UInt64(v))
        exactMin = min(exactMin, v)
        exactMax = max(exactMax, v)
    }

    /// The value at percentile `p` (0…100), exact at 0 and 100.
    func percentile(_ p: Double) -> Int64 {
        guard count > 0 else { return 0 }
        if p <= 0 { return exactMin }
        if p >= 100 { return exactMax }
        return min(exactMax, Int64(histogram.valueAtPercentile(p)))
    }

    /// Bucket upper bounds: for nanoseconds 1 ms, 2 ms, 4 ms … (powers of two above 1 ms); for
    /// counts 0, 1, 2, 4, 8 …; until the maximum is covered.
    private func bucketBounds() -> [Int64] {
        var bounds: [Int64] = []
        var b: Int64 = unit == "ns" ? 1_000_000 : 1
        if unit != "ns" { bounds.append(0) }
        bounds.append(b)
        while b < exactMax, b < Int64.max / 4 {
            b *= 2
            bounds.append(b)
        }
        return bounds
    }

    var json: JSONValue {
        var o: [String: JSONValue] = ["unit": .string(unit), "count": .int(count)]
        guard count > 0 else { return .object(o) }
        o["min"] = .int(Int(exactMin))
        o["mean"] = .double((histogram.mean * 1000).rounded() / 1000)
        o["p50"] = .int(Int(percentile(50)))
        o["p90"] = .int(Int(percentile(90)))
        o["p99"] = .int(Int(percentile(99)))
        o["max"] = .int(Int(exactMax))
        // Each recorded sub-bucket goes to the first bound at or above its lowest equivalent value, so
        // every sample is counted once (the histogram's own ranges would count boundary buckets twice).
        let bounds = bucketBounds()
        var perBound = [Int](repeating: 0, count: bounds.count)
        for it in histogram.recordedValues() {
            let v = Int64(histogram.lowestEquivalentForValue(it.value))
            var i = 0
            while i < bounds.count - 1 && bounds[i] < v { i += 1 }
            perBound[i] += Int(it.count)
        }
        var buckets: [JSONValue] = []
        for (i, n) in perBound.enumerated() where n > 0 { buckets.append(["le": .int(Int(bounds[i])), "count": .int(n)]) }
        o["buckets"] = .array(buckets)
        return .object(o)
    }
}
