// The promote orchestrator's safety rule (PostgresFailover.needed): how many standbys must answer
// before one may be promoted, read from the synchronous settings the standbys carry.
import Testing

@testable import Systems

struct PostgresFailoverRuleTests {
    func probe(_ commit: String, _ names: String) -> PostgresProbe {
        PostgresProbe(name: "store-2", inRecovery: true, lsn: 1, synchronousCommit: commit, synchronousStandbyNames: names)
    }

    @Test func synchronousStandbyCountIsParsedFromEveryForm() {
        #expect(probe("remote_apply", #"ANY 1 ("store-2","store-3")"#).synchronousStandbys == 1)
        #expect(probe("on", #"FIRST 2 ("store-2","store-3","store-4")"#).synchronousStandbys == 2)
        #expect(probe("remote_write", #"2 (a, b, c)"#).synchronousStandbys == 2)
        #expect(probe("on", "store-2, store-3").synchronousStandbys == 1)
        #expect(probe("on", "").synchronousStandbys == 0)
        #expect(probe("local", #"ANY 1 ("store-2")"#).synchronousStandbys == 0)
        #expect(probe("off", #"ANY 1 ("store-2")"#).synchronousStandbys == 0)
    }

    @Test func aSynchronousClusterNeedsAQuorumOfStandbysToAnswer() {
        // ANY 1 of 2: both must answer (the acknowledged commits may be on either).
        #expect(PostgresFailover.needed([probe("remote_apply", #"ANY 1 ("a","b")"#)], standbys: 2) == 2)
        // 2 of 3: any two answers include one that had every acknowledged commit.
        #expect(PostgresFailover.needed([probe("on", #"ANY 2 ("a","b","c")"#)], standbys: 3) == 2)
        // Asynchronous: the most advanced reachable one will do.
        #expect(PostgresFailover.needed([probe("local", #"ANY 1 ("a","b")"#)], standbys: 2) == 1)
        #expect(PostgresFailover.needed([], standbys: 2) == 1)
    }
}
