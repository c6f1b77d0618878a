import Foundation
import Testing

@testable import History

/// Jepsen EDN, Jepsen etcd logs and Porcupine kv histories, detected by content.
struct ImporterTests {
    func load(_ text: String, format: HistoryFormat? = nil) throws(HistoryLoadError) -> LoadedHistory {
        try HistoryLoader.parse(data: Data(text.utf8), source: "h", format: format)
    }

    @Test func ednVectorOfOps() throws {
        let text = """
            [{:type :invoke, :f :write, :value 3, :process 0, :time 100, :index 0}
             {:type :ok, :f :write, :value 3, :process 0, :time 200, :index 1}
             {:type :invoke, :f :read, :value nil, :process :nemesis, :time 250}
             {:type :info, :f :cas, :value [1 2], :process 1, :time 300, :error :timeout, :debug {:x #{1 2}}}]
            """
        let h = try load(text)
        #expect(h.format == .edn)
        let ops = h.history.ops
        try #require(ops.count == 4)
        #expect(ops[0].type == .invoke && ops[0].f == "write" && ops[0].value == 3 && ops[0].time == 100)
        #expect(ops[2].process == .nemesis)
        #expect(ops[3].value == [1, 2])
        #expect(ops[3].error == "timeout")
    }

    @Test func ednOneMapPerLineKeepsLineNumbers() throws {
        let text = """
            {:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}
            ; a comment
            {:process 0, :type :ok, :f :append, :key "0", :value "x 0 0 y"}
            {:process 1, :type :invoke, :f :get, :key "0", :value nil}
            """
        let h = try load(text)
        try #require(h.history.ops.count == 3)
        #expect(h.history.lines == [1, 3, 4])
        #expect(h.history.ops[2].key == "0")
        let kv = try load(text, format: .kv)
        #expect(kv.format == .kv)
    }

    @Test func ednReaderHandlesTheWholeNotation() throws {
        let all = try EDNReader.readAll(#"nil true 12 -3 1.5 "s\"q\n" :kw sym \c [1 (2 3)] #{:a} {:k {"n" 2}} #inst "2020" #_ 99 7N"#)
        let v = all.map(\.value)
        try #require(v.count == 14)
        #expect(v[0] == .null && v[1] == .bool(true) && v[2] == .int(12) && v[3] == .int(-3))
        #expect(v[4] == .double(1.5))
        #expect(v[5] == .string("s\"q\n"))
        #expect(v[6] == .keyword("kw") && v[7] == .symbol("sym") && v[8] == .char("c"))
        #expect(v[9] == .vector([.int(1), .list([.int(2), .int(3)])]))
        #expect(v[10] == .set([.keyword("a")]))
        #expect(v[11]["k"] == .map([(.string("n"), .int(2))]))
        #expect(v[12] == .tagged("inst", .string("2020")))
        #expect(v[13] == .int(7))  // #_ 99 discarded
        #expect(v.count == 14)
    }

    @Test func malformedEDNNamesTheLine() {
        do {
            _ = try load("{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0 :type}\n")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".hasPrefix("h:2:"))
        }
        do {
            _ = try load("[{:process 0, :type :invoke, :f :read}\n{:process 1, :type :bogus, :f :read}]")
            Issue.record("expected an error")
        } catch {
            #expect(error.field == ":type")
        }
        do {
            _ = try load("{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :ok, :f :read, :value 1]}\n{:process 1}\n", format: .edn)
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("h:2"))
        }
    }

    @Test func truncatedEDNLastFormIsDroppedWithAWarning() throws {
        let h = try load("{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :ok, :f :read, :va")
        #expect(h.history.ops.count == 1)
        #expect(h.warnings.count == 1)
    }

    @Test func etcdLogWithTabsAndSpaces() throws {
        let text = "INFO  jepsen.util - 0\t:invoke\t:read\tnil\n"
            + "INFO  jepsen.util - 3   :ok     :read   2\n"
            + "some other log line\n"
            + "INFO  jepsen.util - 2\t:invoke\t:cas\t[4 0]\n"
            + "INFO  jepsen.util - 2\t:info\t:cas\t:timed-out\n"
            + "INFO  jepsen.util - 1\t:fail\t:read\t:timed-out\n"
        let h = try load(text)
        #expect(h.format == .etcdLog)
        let ops = h.history.ops
        try #require(ops.count == 5)
        #expect(ops[1].process == .client(3) && ops[1].type == .ok && ops[1].value == 2)
        #expect(ops[2].value == [4, 0])
        // The keyword is the error; the op keeps its invocation's value.
        #expect(ops[3].type == .info && ops[3].error == "timed-out" && ops[3].value == [4, 0])
        #expect(ops[4].error == "timed-out")
        #expect(h.history.lines == [1, 2, 4, 5, 6])
        #expect(h.warnings.count == 1)
    }

    @Test func malformedEtcdLineNamesLineAndField() {
        do {
            _ = try load("INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - x\t:ok\t:read\t1\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 2 && error.field == "process")
        }
        do {
            _ = try load("INFO  jepsen.util - 0\t:invoke\t:write\t[1 2\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 1 && error.field == "value")
        }
    }

    @Test func unrecognisedFormatIsAnError() {
        #expect(throws: HistoryLoadError.self) { try load("hello world\n") }
    }

    @Test func pairingFollowsJepsenRules() throws {
        let ops: [Op] = [
            Op(index: 0, process: .client(0), type: .invoke, f: "write", value: 1),
            Op(index: 1, process: .client(1), type: .invoke, f: "read"),
            Op(index: 2, process: .nemesis, type: .info, f: "start-kill"),
            Op(index: 3, process: .client(0), type: .info, f: "write", value: 1),
            Op(index: 4, process: .client(1), type: .ok, f: "read", value: 1),
            Op(index: 5, process: .client(2), type: .invoke, f: "write", value: 2),
        ]
        let pairs = try History(ops: ops).pairs()
        try #require(pairs.count == 3)
        #expect(pairs[0].outcome == .info && pairs[0].completionIndex == 3)
        #expect(pairs[1].value == 1)
        #expect(pairs[2].completion == nil && pairs[2].outcome == .info)
    }

    @Test func completionWithoutInvocationIsAnErrorWithItsLine() throws {
        let text = """
            {"index":0,"time":1,"process":0,"type":"invoke","f":"read","value":null}
            {"index":1,"time":2,"process":0,"type":"ok","f":"read","value":null}
            {"index":2,"time":3,"process":0,"type":"ok","f":"read","value":null}

            """
        let h = try load(text).history
        do {
            _ = try h.pairs()
            Issue.record("expected an error")
        } catch {
            #expect(error.location == "h:3")
            #expect(error.reason.contains("no open invocation"))
        }
    }

    @Test func processIsNeverReusedAfterInfo() throws {
        let ops: [Op] = [
            Op(index: 0, process: .client(0), type: .invoke, f: "write", value: 1),
            Op(index: 1, process: .client(0), type: .info, f: "write", value: 1),
            Op(index: 2, process: .client(0), type: .invoke, f: "read"),
        ]
        #expect(throws: PairingError.self) { try History(ops: ops).pairs() }
    }
}
