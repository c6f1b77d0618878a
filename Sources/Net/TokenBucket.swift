// TokenBucket: a bandwidth limit in bytes per second with a small burst.
import NIOCore

/// TokenBucket refills at `rate` bytes/s up to `burst` bytes (1/20 s worth, at least 4 KiB), so a
/// transfer's average rate converges quickly to `rate`. Used only on its link's event loop.
struct TokenBucket {
    var rate: Int
    var burst: Double
    var tokens: Double
    var last: NIODeadline

    init(rate: Int, now: NIODeadline) {
        self.rate = rate
        self.burst = max(Double(rate) / 20, 4096)
        self.tokens = burst
        self.last = now
    }

    mutating func refill(_ now: NIODeadline) {
        let dt = Double((now - last).nanoseconds) / 1e9
        if dt > 0 {
            tokens = min(burst, tokens + dt * Double(rate))
            last = now
        }
    }

    /// Takes up to `want` bytes; returns how many may pass now (0 when empty).
    mutating func take(_ want: Int, now: NIODeadline) -> Int {
        refill(now)
        let n = min(want, Int(tokens))
        tokens -= Double(n)
        return n
    }

    /// When at least `want` bytes (capped at the burst) will be available.
    func readyTime(for want: Int) -> NIODeadline {
        let need = min(Double(want), burst) - tokens
        if need <= 0 { return last }
        return last + .nanoseconds(Int64(need / Double(rate) * 1e9) + 1)
    }
}
