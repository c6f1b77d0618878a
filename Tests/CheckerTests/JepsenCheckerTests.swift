// Jepsen's checker tests for set, set-full, queue, total-queue and counter, transcribed: same verdicts.
//
// Source: jepsen-io/jepsen, jepsen/test/jepsen/checker_test.clj (public test data). Jepsen's helper
// `history` gives op i the time i * 1 ms; `j(...)` below does the same. Expectations are Jepsen's.
import Foundation
import History
import Testing

@testable import Checker

/// An op as Jepsen's `invoke-op`/`ok-op`/`fail-op`/`info-op` build it.
struct J {
    var process: Int
    var type: String
    var f: String
    var value: String
}
func inv(_ p: Int, _ f: String, _ v: String) -> J { J(process: p, type: "invoke", f: f, value: v) }
func ok(_ p: Int, _ f: String, _ v: String) -> J { J(process: p, type: "ok", f: f, value: v) }
func failOp(_ p: Int, _ f: String, _ v: String) -> J { J(process: p, type: "fail", f: f, value: v) }
func infoOp(_ p: Int, _ f: String, _ v: String) -> J { J(process: p, type: "info", f: f, value: v) }

/// Jepsen's `history`: times 0, 1 ms, 2 ms, …; read as an imported Jepsen EDN history.
func j(_ ops: [J]) throws -> History {
    let text = ops.enumerated().map { i, op in
        "{:process \(op.process), :type :\(op.type), :f :\(op.f), :value \(op.value), :time \(i * 1_000_000)}"
    }.joined(separator: "\n")
    return try HistoryLoader.parse(data: Data(text.utf8), source: "checker_test.edn", format: .edn).history
}

func run(_ checker: String, _ options: [String: JSONValue], _ ops: [J]) throws -> Verdict {
    try CheckerRegistry.checker(named: checker, options: options).check(try j(ops))
}

struct JepsenSetTests {
    @Test func setTest() throws {
        // set-test-
        let ops = [
            inv(0, "add", "0"), ok(0, "add", "0"), inv(0, "add", "1"), ok(0, "add", "1"),
            inv(1, "add", "10"), infoOp(1, "add", "10"), inv(1, "add", "11"), infoOp(1, "add", "11"),
            inv(2, "add", "20"), failOp(2, "add", "20"), inv(2, "add", "21"), failOp(2, "add", "21"),
            inv(4, "read", "nil"), ok(4, "read", "#{0 10 20 30}"),
        ]
        let v = try run("set", [:], ops)  // an imported Jepsen history with one read: Jepsen's `set`
        #expect(v.details["semantics"] == "set")
        #expect(v.valid == .invalid)
        #expect(v.count("ok") == 3 && v.count("lost") == 1 && v.count("acknowledged") == 2)
        #expect(v.count("recovered") == 2 && v.count("attempts") == 6 && v.count("unexpected") == 1)
        #expect(v.examples["lost"]?.first?["element"] == 1)
        #expect(v.examples["unexpected"]?.first?["element"] == 30)
        #expect(v.examples["recovered"]?.compactMap { $0["element"] } == [10, 20])
        // Process 1 is reused after its info add: accepted, as Jepsen does.
        #expect(v.valid != .unknown)
    }

    @Test func setNeverReadIsUnknown() throws {
        let v = try run("set", ["semantics": "set"], [inv(0, "add", "0"), ok(0, "add", "0")])
        #expect(v.valid == .unknown)
    }

    // set-full-test
    let a = inv(0, "add", "0"), a1 = ok(0, "add", "0"), r = inv(1, "read", "nil")
    let rPlus = ok(1, "read", "#{0}"), rMinus = ok(1, "read", "#{}")

    func full(_ ops: [J]) throws -> Verdict { try run("set", ["semantics": "set-full"], ops) }

    @Test func setFullNeverRead() throws {
        let v = try full([a, a1])
        #expect(v.valid == .unknown && v.count("never-read") == 1 && v.count("attempts") == 1 && v.count("stable") == 0)
    }

    @Test func setFullNeverConfirmedNeverRead() throws {
        let v = try full([a, r, rMinus])
        #expect(v.valid == .unknown && v.count("never-read") == 1 && v.count("lost") == 0)
    }

    @Test func setFullSuccessfulReadConcurrentlyOrAfter() throws {
        for ops in [[r, a, rPlus, a1], [r, a, a1, rPlus], [a, r, rPlus, a1], [a, r, a1, rPlus], [a, a1, r, rPlus]] {
            let v = try full(ops)
            #expect(v.valid == .valid && v.count("stable") == 1 && v.count("stale") == 0 && v.count("lost") == 0)
            #expect(v.details["stable_latency"]?["max"] == 0)
        }
    }

    @Test func setFullAbsentReadAfter() throws {
        let v = try full([a, a1, r, rMinus])
        #expect(v.valid == .invalid && v.count("lost") == 1 && v.count("stable") == 0)
        #expect(v.examples["lost"]?.first?["element"] == 0)
    }

    @Test func setFullAbsentReadConcurrently() throws {
        for ops in [[r, a, rMinus, a1], [r, a, a1, rMinus], [a, r, rMinus, a1], [a, r, a1, rMinus]] {
            let v = try full(ops)
            #expect(v.valid == .unknown && v.count("never-read") == 1 && v.count("lost") == 0)
        }
    }

    let a0 = inv(0, "add", "0"), a0k = ok(0, "add", "0"), b = inv(1, "add", "1"), bk = ok(1, "add", "1")
    let r2 = inv(2, "read", "nil"), r3 = inv(3, "read", "nil")
    let r2e = ok(2, "read", "#{}"), r20 = ok(2, "read", "#{0}"), r21 = ok(2, "read", "#{1}"), r201 = ok(2, "read", "#{0 1}")
    let r31 = ok(3, "read", "#{1}")

    @Test func setFullWritePresentMissing() throws {
        let v = try full([a0, b, r2, r21, a0k, bk, r2, r201, r2, r20, r2, r2e])
        #expect(v.valid == .invalid && v.count("lost") == 2 && v.count("stale") == 0 && v.count("stable") == 0)
        #expect(v.examples["lost"]?.compactMap { $0["element"] } == [0, 1])
        // Jepsen's lost latencies: 3 ms and 4 ms.
        #expect(v.details["lost_latency"]?["min"] == 3_000_001 && v.details["lost_latency"]?["max"] == 4_000_001)
    }

    @Test func setFullFlutterStableAndLost() throws {
        let v = try full([a0, a0k, b, r2, r21, bk, r2, r3, r31, r20])
        #expect(v.valid == .invalid)
        #expect(v.count("lost") == 1 && v.examples["lost"]?.first?["element"] == 0)
        #expect(v.count("stale") == 1 && v.count("stable") == 1)
        let stale = try #require(v.examples["stale"]?.first)
        #expect(stale["element"] == 1 && stale["stable_latency_ms"] == 2)
        #expect(stale["known"]?["index"] == 4 && stale["last_absent"]?["index"] == 6)
        // With linearizable, stale alone is invalid too; lost already is.
        #expect(try run("set", ["semantics": "set-full", "linearizable": true], [a0, a0k, b, r2, r21, bk, r2, r3, r31, r20]).valid == .invalid)
    }

    @Test func setFullIsPickedForImportedHistoriesWithSeveralReads() throws {
        let v = try run("set", [:], [a, a1, r, rPlus, r, rPlus])
        #expect(v.details["semantics"] == "set-full" && v.valid == .valid)
    }

    @Test func setElementsKeepEDNMeaning() throws {
        // A keyword is not a string: adding :a and reading "a" loses :a and reads "a" from nowhere.
        let v = try run("set", ["semantics": "set"], [inv(0, "add", ":a"), ok(0, "add", ":a"), inv(1, "read", "nil"), ok(1, "read", "#{\"a\"}")])
        #expect(v.count("lost") == 1 && v.count("unexpected") == 1)
        let same = try run("set", ["semantics": "set"], [inv(0, "add", ":a"), ok(0, "add", ":a"), inv(1, "read", "nil"), ok(1, "read", "[:a]")])
        #expect(same.valid == .valid)
    }

    @Test func emptyHistoryIsValidWithANote() throws {
        for checker in ["set", "queue", "counter", "log"] {
            let v = try CheckerRegistry.checker(named: checker, options: [:]).check(History(ops: []))
            #expect(v.valid == .valid, "\(checker)")
            #expect(v.details["note"]?.stringValue?.contains("nothing was checked") == true, "\(checker)")
        }
    }
}

struct JepsenQueueTests {
    func q(_ ops: [J]) throws -> Verdict { try run("queue", ["semantics": "queue"], ops) }

    @Test func queueTest() throws {
        // queue-test
        #expect(try q([]).valid == .valid)
        #expect(try q([inv(1, "enqueue", "1")]).valid == .valid)  // possible enqueue but no dequeue
        #expect(try q([ok(1, "enqueue", "1")]).valid == .valid)  // definite enqueue but no dequeue
        #expect(try q([inv(2, "dequeue", "nil"), inv(1, "enqueue", "1"), ok(2, "dequeue", "1")]).valid == .valid)
        let v = try q([ok(1, "dequeue", "1")])
        #expect(v.valid == .invalid && v.count("inconsistent") == 1)
    }

    @Test func totalQueueEmpty() throws {
        let v = try run("queue", [:], [])
        #expect(v.valid == .valid)
    }

    @Test func totalQueueSane() throws {
        let v = try run("queue", [:], [
            inv(1, "enqueue", "1"), inv(2, "enqueue", "2"), ok(2, "enqueue", "2"),
            inv(3, "dequeue", "1"), ok(3, "dequeue", "1"), inv(3, "dequeue", "2"), ok(3, "dequeue", "2"),
        ])
        #expect(v.details["semantics"] == "total-queue")
        #expect(v.valid == .valid)
        #expect(v.count("recovered") == 1 && v.examples["recovered"]?.first?["element"] == 1)
        #expect(v.count("attempts") == 2 && v.count("acknowledged") == 1 && v.count("ok") == 2)
        #expect(v.count("lost") == 0 && v.count("unexpected") == 0 && v.count("duplicated") == 0)
    }

    @Test func totalQueuePathological() throws {
        let v = try run("queue", [:], [
            inv(1, "enqueue", ":hung"), inv(2, "enqueue", ":enqueued"), ok(2, "enqueue", ":enqueued"),
            inv(3, "enqueue", ":dup"), ok(3, "enqueue", ":dup"), inv(4, "dequeue", "nil"),
            inv(5, "dequeue", "nil"), ok(5, "dequeue", ":wtf"), inv(6, "dequeue", "nil"), ok(6, "dequeue", ":dup"),
            inv(7, "dequeue", "nil"), ok(7, "dequeue", ":dup"),
        ])
        #expect(v.valid == .invalid)
        #expect(v.count("lost") == 1 && v.examples["lost"]?.first?["element"] == ":enqueued")
        #expect(v.count("unexpected") == 1 && v.examples["unexpected"]?.first?["element"] == ":wtf")
        #expect(v.count("duplicated") == 1 && v.examples["duplicated"]?.first?["element"] == ":dup")
        #expect(v.count("recovered") == 0 && v.count("acknowledged") == 2 && v.count("attempts") == 3 && v.count("ok") == 1)
    }

    @Test func onlyEmptyDequeuesIsValidWithANote() throws {
        let v = try run("queue", [:], [inv(0, "dequeue", "nil"), ok(0, "dequeue", "nil")])
        #expect(v.valid == .valid && v.details["note"] != nil)
    }
}

struct JepsenCounterTests {
    func c(_ ops: [J]) throws -> Verdict { try run("counter", [:], ops) }

    @Test func empty() throws { #expect(try c([]).valid == .valid) }

    @Test func initialRead() throws {
        let v = try c([inv(0, "read", "nil"), ok(0, "read", "0")])
        #expect(v.valid == .valid && v.count("reads") == 1)
    }

    @Test func ignoreFailedOps() throws {
        #expect(try c([inv(0, "add", "1"), failOp(0, "add", "1"), inv(0, "read", "nil"), ok(0, "read", "0")]).valid == .valid)
    }

    @Test func incompleteHistory() throws {
        let v = try c([inv(0, "add", "1"), inv(1, "read", "nil"), ok(1, "read", "0"), inv(1, "read", "nil"), ok(1, "read", "1")])
        #expect(v.valid == .valid && v.count("reads") == 2)
    }

    @Test func initialInvalidRead() throws {
        let v = try c([inv(0, "read", "nil"), ok(0, "read", "1")])
        #expect(v.valid == .invalid)
        let e = try #require(v.examples["out-of-bounds"]?.first)
        #expect(e["lower"] == 0 && e["value"] == 1 && e["upper"] == 0)
    }

    @Test func interleavedConcurrentReadsAndWrites() throws {
        let v = try c([
            inv(0, "read", "nil"), inv(1, "add", "1"), inv(2, "read", "nil"), inv(3, "add", "2"), inv(4, "read", "nil"),
            inv(5, "add", "4"), inv(6, "read", "nil"), inv(7, "add", "8"), inv(8, "read", "nil"),
            ok(0, "read", "6"), ok(1, "add", "1"), ok(2, "read", "0"), ok(3, "add", "2"), ok(4, "read", "3"),
            ok(5, "add", "4"), ok(6, "read", "100"), ok(7, "add", "8"), ok(8, "read", "15"),
        ])
        #expect(v.valid == .invalid && v.count("reads") == 5 && v.count("out-of-bounds") == 1)
        let e = try #require(v.examples["out-of-bounds"]?.first)
        #expect(e["lower"] == 0 && e["value"] == 100 && e["upper"] == 15)
    }

    @Test func rollingReadsAndWrites() throws {
        let v = try c([
            inv(0, "read", "nil"), inv(1, "add", "1"), ok(0, "read", "0"), inv(0, "read", "nil"), ok(1, "add", "1"),
            inv(1, "add", "2"), ok(0, "read", "3"), inv(0, "read", "nil"), ok(1, "add", "2"), ok(0, "read", "5"),
        ])
        #expect(v.valid == .invalid && v.count("reads") == 3 && v.count("out-of-bounds") == 1)
        let e = try #require(v.examples["out-of-bounds"]?.first)
        #expect(e["lower"] == 1 && e["value"] == 5 && e["upper"] == 3)
    }
}

struct KnossosDataTests {
    /// jepsen-io/knossos data/cas-register/bad/rethink-fail-minimal.edn, verbatim (Tests/Fixtures/knossos):
    /// one list with `;` comment lines between ops; Knossos judges it not linearizable (a read of 3 nobody wrote).
    static func rethinkFailMinimal() throws -> String {
        try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/knossos/rethink-fail-minimal.edn"), encoding: .utf8)
    }

    @Test func listFormHistoryChecksAsKnossosSays() throws {
        let h = try HistoryLoader.parse(data: Data(try Self.rethinkFailMinimal().utf8), source: "rethink-fail-minimal.edn").history
        let v = LinearizableChecker(model: .casRegister).check(h)
        #expect(v.valid == .invalid)
    }
}
