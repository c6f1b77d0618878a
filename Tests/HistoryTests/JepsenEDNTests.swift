// Jepsen and Knossos EDN as Jepsen writes it: lists with comments, records, sets, keywords, big integers.
import Foundation
import Testing

@testable import History

struct JepsenEDNTests {
    func load(_ text: String) throws(HistoryLoadError) -> LoadedHistory {
        try HistoryLoader.parse(data: Data(text.utf8), source: "h.edn")
    }

    /// jepsen-io/knossos data/cas-register/bad/rethink-fail-minimal.edn, verbatim (Tests/Fixtures/knossos):
    /// one list with `;` comment lines between ops; Knossos judges it not linearizable (a read of 3 nobody wrote).
    static func rethinkFailMinimal() throws -> String {
        try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/knossos/rethink-fail-minimal.edn"), encoding: .utf8)
    }

    @Test func knossosListWithCommentsIsRead() throws {
        let h = try load(try Self.rethinkFailMinimal())
        #expect(h.format == .edn && h.history.importedFrom == .edn)
        let ops = h.history.ops
        #expect(ops.count == 8)
        #expect(ops.map(\.index) == Array(0..<8) && ops.map(\.time) == (0..<8).map(Int64.init))
        #expect(ops[4].type == .ok && ops[4].f == "read" && ops[4].value == 3)
        // Each op keeps the line it starts on, comments skipped.
        #expect(h.history.lines == [1, 2, 4, 5, 7, 8, 12, 13])
    }

    @Test func recordsOnePerLine() throws {
        let text = """
            #jepsen.history.Op{:index 0, :time 10, :type :invoke, :process 0, :f :add, :value 1}
            #jepsen.history.Op{:index 1, :time 20, :type :ok, :process 0, :f :add, :value 1}
            """
        let h = try load(text)
        #expect(h.history.ops.count == 2 && h.history.ops[1].type == .ok && h.history.ops[1].time == 20)
    }

    @Test func valuesKeepEDNMeaning() throws {
        let all = try EDNReader.readAll(#"#{1 2 3} #{3 2 1} :a "a" ":a" 123456789012345678901234567890N 7N [1 2] (1 2) {:x 1 :y 2} {:y 2 :x 1}"#).map(\.value)
        #expect(all[0] == all[1] && all[0].hashValue == all[1].hashValue)
        #expect(all[0].historyValue == all[1].historyValue)
        #expect(all[2].historyValue != all[3].historyValue)  // keyword is not a string
        #expect(all[2].historyValue != all[4].historyValue)  // nor a string that looks like one
        #expect(all[5] == .bigint("123456789012345678901234567890"))
        #expect(all[5].historyValue != EDNValue.bigint("123456789012345678901234567891").historyValue)
        #expect(all[6] == .int(7))
        #expect(all[7] == all[8] && all[7].historyValue == all[8].historyValue)  // as in Clojure
        #expect(all[9] == all[10] && all[9].hashValue == all[10].hashValue)
        #expect(all[9].historyValue == ["\u{3A}x": 1, ":y": 2])
    }

    @Test func duplicateMapKeyNamesItsLine() {
        do {
            _ = try load("{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :ok,\n :f :read, :type :ok}\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 3)
            #expect(error.reason.contains("duplicate key :type"))
        }
        do {
            _ = try load("[{:process 0, :type :invoke, :f :add, :value #{1 2 1}}]")
            Issue.record("expected an error")
        } catch {
            #expect(error.reason.contains("duplicate element 1"))
        }
    }

    @Test func historiesWithoutIndexOrTimeAreNumberedByPosition() throws {
        let h = try load("[{:process 0 :type :invoke :f :read}\n {:process 0 :type :ok :f :read :value 1}]")
        #expect(h.history.ops.map(\.index) == [0, 1] && h.history.ops.map(\.time) == [0, 1])
        #expect(h.history.lines == [1, 2])
    }

    @Test func processReusedAfterInfoIsAWarningWhenAsked() throws {
        let h = try load("""
            {:process 0, :type :invoke, :f :add, :value 1}
            {:process 0, :type :info, :f :add, :value 1}
            {:process 0, :type :invoke, :f :add, :value 2}
            {:process 0, :type :ok, :f :add, :value 2}
            """).history
        #expect(throws: PairingError.self) { try h.pairs() }
        var warnings: [String] = []
        let pairs = try h.pairs(warnings: &warnings)
        #expect(pairs.count == 2 && warnings.count == 1)
        #expect(warnings[0].contains("h.edn:3"))
    }
}
