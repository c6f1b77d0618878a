// Register histories of a cache (writes noted `ttl_ms: t`): misses after expiry are neither stale nor
// lost; a miss while an acknowledged write was certainly alive is a lost write.
import History
import Testing

@testable import Checker

struct StalenessCacheTests {
    let checker = StalenessChecker()

    /// A cache write of `value` from `from` to `to` ms that the client acknowledged with a ttl of `ttl` ms.
    private func cacheWrite(_ h: inout HistoryBuilder, _ value: Int, from: Int64, to: Int64, ttl: Int, note extra: String? = nil) {
        h.call(0, "write", .int(value), .ok, from: from, to: to)
        h.noteLast((extra.map { $0 + "; " } ?? "") + "ttl_ms: \(ttl)")
    }

    @Test func readAfterExpiryIsAMissNotStaleNorLost() {
        var h = HistoryBuilder()
        cacheWrite(&h, 1, from: 0, to: 10, ttl: 500)
        h.call(1, "read", nil, .ok, 1, from: 100, to: 110)            // a hit
        h.call(1, "read", nil, .ok, .null, from: 900, to: 910)        // expired at 510 at the latest: a miss
        let v = checker.check(h.history)
        #expect(v.valid == .valid)
        #expect(v.count("stale-read") == 0 && v.count("lost-write") == 0)
        #expect(v.details["misses"] == 1)
        #expect(v.details["reads"] == 2)
    }

    /// Without ttl notes the same null read is the initial value read after a write: stale.
    @Test func theSameReadWithoutATtlIsStale() {
        var h = HistoryBuilder()
        h.call(0, "write", 1, .ok, from: 0, to: 10)
        h.call(1, "read", nil, .ok, .null, from: 900, to: 910)
        let v = checker.check(h.history)
        #expect(v.count("stale-read") == 1)
        // Not a cache: no miss count, and no lost-write count that would read as "nothing lost".
        #expect(v.details["misses"] == nil)
        #expect(v.counts["lost-write"] == nil && v.counts["expired-read"] == nil)
    }

    @Test func missWhileAnAcknowledgedWriteWasAliveIsALostWrite() {
        var h = HistoryBuilder()
        cacheWrite(&h, 1, from: 0, to: 10, ttl: 60_000, note: "wait: 0 of 2 replicas")
        h.call(1, "read", nil, .ok, .null, from: 900, to: 910)
        let v = checker.check(h.history)
        #expect(v.valid == .invalid)
        #expect(v.count("lost-write") == 1)
        let example = v.examples["lost-write"]?.first
        #expect(example?["write"]?["value"] == 1)
    }

    /// Near the expiry (within the clock margin) nothing is certain: a miss, not a lost write.
    @Test func missAtTheEdgeOfTheTtlIsAMiss() {
        var h = HistoryBuilder()
        cacheWrite(&h, 1, from: 0, to: 10, ttl: 1000)
        h.call(1, "read", nil, .ok, .null, from: 930, to: 950)
        let v = checker.check(h.history)
        #expect(v.valid == .valid)
        #expect(v.details["misses"] == 1)
    }

    @Test func olderValueAfterANewerAcknowledgedCacheWriteIsStale() {
        var h = HistoryBuilder()
        cacheWrite(&h, 1, from: 0, to: 10, ttl: 60_000)
        cacheWrite(&h, 2, from: 20, to: 30, ttl: 60_000)
        h.call(1, "read", nil, .ok, 1, from: 100, to: 110)
        let v = checker.check(h.history)
        #expect(v.valid == .valid)
        #expect(v.count("stale-read") == 1)
        #expect(v.details["versions_behind"]?["max"] == 1)
    }

    @Test func valueServedPastItsExpiryIsInvalid() {
        var h = HistoryBuilder()
        cacheWrite(&h, 1, from: 0, to: 10, ttl: 200)
        h.call(1, "read", nil, .ok, 1, from: 1000, to: 1010)
        let v = checker.check(h.history)
        #expect(v.valid == .invalid)
        #expect(v.count("expired-read") == 1)
    }

    @Test func ttlNoteParsing() {
        func op(_ note: String?) -> Op { Op(process: .client(0), type: .ok, f: "write", value: 1, error: note) }
        #expect(StalenessChecker.ttl(op("ttl_ms: 2000")) == 2000 * ms)
        #expect(StalenessChecker.ttl(op("ttl_ms: 5; wait: 1 of 2 replicas")) == 5 * ms)
        #expect(StalenessChecker.ttl(op("wait: 1 of 2 replicas; ttl_ms: 7")) == 7 * ms)
        #expect(StalenessChecker.ttl(op("wait: 1 of 2 replicas")) == nil)
        #expect(StalenessChecker.ttl(op("ttl_ms: -3")) == nil)
        #expect(StalenessChecker.ttl(op(nil)) == nil)
        #expect(StalenessChecker.ttl(Op(process: .client(0), type: .info, f: "write", value: 1, error: "ttl_ms: 5")) == nil)
    }
}
