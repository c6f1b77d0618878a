import Foundation
import Generator
import History
import Testing

@testable import Checker

/// Hand-written register histories with known answers, and the checker's evidence.
struct LinearizabilityTests {
    /// Builds a history from (process, type, f, value) tuples in order.
    func history(_ rows: [(Int, Op.Kind, String, JSONValue)], key: String? = nil) -> History {
        History(ops: rows.enumerated().map { i, r in
            Op(index: i, time: Int64(i), process: .client(r.0), type: r.1, f: r.2, key: key, value: r.3)
        })
    }

    func verdict(_ h: History, _ model: LinearizableChecker.ModelName = .casRegister, initial: JSONValue? = nil) throws -> Verdict {
        try LinearizableChecker(model: model, initial: initial).analyze(h)
    }

    @Test func sequentialReadOfLastWriteIsValid() throws {
        let h = history([(0, .invoke, "write", 1), (0, .ok, "write", 1), (1, .invoke, "read", nil), (1, .ok, "read", 1)])
        #expect(try verdict(h).valid == .valid)
    }

    @Test func staleReadAfterOverwriteIsInvalidWithEvidence() throws {
        let h = history([
            (0, .invoke, "write", 1), (0, .ok, "write", 1),
            (0, .invoke, "write", 2), (0, .ok, "write", 2),
            (1, .invoke, "read", nil), (1, .ok, "read", 1),
        ])
        let v = try verdict(h)
        #expect(v.valid == .invalid)
        let e = try #require(v.examples["non-linearizable"]?.first?.objectValue)
        #expect(e["op"]?["f"] == "read")
        #expect(e["op"]?["value"] == 1)
        #expect(e["possible_states_before"] == ["2"])
        #expect(e["linearizable_prefix_ops"] == 2)
    }

    @Test func concurrentWriteMayBeSeenOrNot() throws {
        // A read concurrent with a write may return the old or the new value.
        for seen: JSONValue in [0, 1] {
            let h = history([
                (0, .invoke, "write", 0), (0, .ok, "write", 0),
                (0, .invoke, "write", 1), (1, .invoke, "read", nil), (1, .ok, "read", seen), (0, .ok, "write", 1),
            ])
            #expect(try verdict(h).valid == .valid)
        }
    }

    @Test func infoWriteMayTakeEffectLaterOrNever() throws {
        let took = history([
            (0, .invoke, "write", 5), (0, .info, "write", 5),
            (1, .invoke, "read", nil), (1, .ok, "read", nil),
            (1, .invoke, "read", nil), (1, .ok, "read", 5),
        ])
        #expect(try verdict(took).valid == .valid)
        // But not take effect and then be undone.
        let undone = history([
            (0, .invoke, "write", 5), (0, .info, "write", 5),
            (1, .invoke, "read", nil), (1, .ok, "read", 5),
            (1, .invoke, "read", nil), (1, .ok, "read", nil),
        ])
        #expect(try verdict(undone).valid == .invalid)
    }

    @Test func failedOpsTookNoEffect() throws {
        let h = history([
            (0, .invoke, "write", 7), (0, .fail, "write", 7),
            (1, .invoke, "read", nil), (1, .ok, "read", 7),
        ])
        #expect(try verdict(h).valid == .invalid)
        let cas = history([
            (0, .invoke, "write", 1), (0, .ok, "write", 1),
            (0, .invoke, "cas", [1, 2]), (0, .ok, "cas", [1, 2]),
            (1, .invoke, "cas", [1, 3]), (1, .fail, "cas", [1, 3]),
            (1, .invoke, "read", nil), (1, .ok, "read", 2),
        ])
        #expect(try verdict(cas).valid == .valid)
    }

    @Test func writeOfTheCurrentValueCanStillRestoreItLater() throws {
        // write 2 overlaps a cas 2->0; linearized after it, it restores 2 (a saturation trap).
        let h = history([
            (0, .invoke, "write", 2), (0, .ok, "write", 2),
            (1, .invoke, "cas", [2, 0]), (2, .invoke, "write", 2), (1, .ok, "cas", [2, 0]), (2, .ok, "write", 2),
            (1, .invoke, "read", nil), (1, .ok, "read", 2),
        ])
        #expect(try verdict(h).valid == .valid)
    }

    @Test func initialValueIsRespected() throws {
        let h = history([(0, .invoke, "read", nil), (0, .ok, "read", 0)])
        #expect(try verdict(h).valid == .invalid)
        #expect(try verdict(h, initial: 0).valid == .valid)
    }

    @Test func keysAreCheckedIndependently() throws {
        var ops: [Op] = []
        for (k, v) in [("a", 1), ("b", 2)] {
            ops.append(Op(index: ops.count, process: .client(0), type: .invoke, f: "write", key: k, value: .int(v)))
            ops.append(Op(index: ops.count, process: .client(0), type: .ok, f: "write", key: k, value: .int(v)))
        }
        ops.append(Op(index: ops.count, process: .client(1), type: .invoke, f: "read", key: "a"))
        ops.append(Op(index: ops.count, process: .client(1), type: .ok, f: "read", key: "a", value: 1))
        #expect(try verdict(History(ops: ops)).valid == .valid)
        ops.append(Op(index: ops.count, process: .client(1), type: .invoke, f: "read", key: "b"))
        ops.append(Op(index: ops.count, process: .client(1), type: .ok, f: "read", key: "b", value: 1))
        let v = try verdict(History(ops: ops))
        #expect(v.valid == .invalid)
        #expect(v.counts["partitions"] == 2 && v.counts["invalid_partitions"] == 1)
        #expect(v.examples["non-linearizable"]?.first?["key"] == "b")
    }

    @Test func kvModelAppendsAndGets() throws {
        let ok = history([
            (0, .invoke, "append", "x"), (1, .invoke, "append", "y"), (0, .ok, "append", "x"), (1, .ok, "append", "y"),
            (2, .invoke, "get", nil), (2, .ok, "get", "yx"),
        ], key: "0")
        #expect(try verdict(ok, .kv).valid == .valid)
        let bad = history([
            (0, .invoke, "append", "x"), (0, .ok, "append", "x"), (1, .invoke, "append", "y"), (1, .ok, "append", "y"),
            (2, .invoke, "get", nil), (2, .ok, "get", "yx"),
        ], key: "0")
        #expect(try verdict(bad, .kv).valid == .invalid)
    }

    @Test func unknownFunctionIsBadInputNamingTheOp() {
        let h = History(ops: [Op(index: 0, process: .client(0), type: .invoke, f: "frobnicate")], source: "f.jsonl", lines: [9])
        do {
            _ = try verdict(h)
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".hasPrefix("f.jsonl:9: "))
            #expect("\(error)".contains("frobnicate"))
        }
        // Through the HistoryChecker protocol the same is an unknown verdict, never a guess.
        let v = LinearizableChecker(model: .casRegister).check(h)
        #expect(v.valid == .unknown && v.error != nil)
    }

    @Test func timeLimitGivesUnknownNeverAGuess() throws {
        // 60 processes appending concurrently to one string: the orders explode.
        var g: [Op] = []
        for p in 0..<60 { g.append(Op(index: g.count, process: .client(p), type: .invoke, f: "append", key: "k", value: .string("\(p),"))) }
        for p in 0..<60 { g.append(Op(index: g.count, process: .client(p), type: .ok, f: "append", key: "k", value: .string("\(p),"))) }
        g.append(Op(index: g.count, process: .client(99), type: .invoke, f: "get", key: "k"))
        g.append(Op(index: g.count, process: .client(99), type: .ok, f: "get", key: "k", value: "impossible"))
        let v = LinearizableChecker(model: .kv, timeLimit: 0.2).check(History(ops: g))
        #expect(v.valid == .unknown)
        #expect(v.error?.contains("time limit") == true)
    }
}

/// Property tests on seeded synthetic histories: linearizable by construction, and provably not
/// after one injected stale or impossible read.
struct LinearizabilityPropertyTests {
    static let seeds: [UInt64] = Array(1...60)

    @Test(arguments: seeds)
    func generatedHistoryIsAlwaysValid(seed: UInt64) throws {
        var g = SyntheticRegisterHistory()
        g.seed = seed
        g.ops = 100 + Int(seed % 7) * 150
        g.processes = 2 + Int(seed % 9)
        g.infoRatio = [0, 0.01, 0.05, 0.1][Int(seed % 4)]
        g.valueCount = 2 + Int(seed % 4)
        let v = try LinearizableChecker(model: .casRegister).analyze(g.make())
        #expect(v.valid == .valid, "seed \(seed): \(v.examples)")
    }

    @Test(arguments: seeds)
    func injectedStaleReadIsAlwaysInvalid(seed: UInt64) throws {
        var g = SyntheticRegisterHistory()
        g.seed = seed
        g.ops = 200 + Int(seed % 5) * 100
        g.processes = 2 + Int(seed % 8)
        g.infoRatio = [0, 0.01, 0.05][Int(seed % 3)]
        g.uniqueValues = true
        var h = g.make()
        let clean = try LinearizableChecker(model: .casRegister).analyze(h)
        #expect(clean.valid == .valid)
        let changed = try #require(SyntheticRegisterHistory.injectStaleRead(&h), "seed \(seed) offers no read to make stale")
        let v = try LinearizableChecker(model: .casRegister).analyze(h)
        #expect(v.valid == .invalid)
        // The evidence points at the read that was made stale.
        #expect(v.examples["non-linearizable"]?.first?["op"]?["complete_index"] == .int(changed))
    }

    @Test func largeHistoryWithImpossibleReadIsInvalid() throws {
        var g = SyntheticRegisterHistory()
        g.ops = 20_000
        g.seed = 11
        var h = g.make()
        #expect(try LinearizableChecker(model: .casRegister).analyze(h).valid == .valid)
        _ = SyntheticRegisterHistory.injectImpossibleRead(&h)
        #expect(try LinearizableChecker(model: .casRegister).analyze(h).valid == .invalid)
    }
}
