import Foundation
import Testing

@testable import History

/// The JSONL history format: writer, reader, malformed and truncated input.
struct JSONLTests {
    func tempFile(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-history-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    @Test func writerAppendsAndFlushesEachLineAsRecorded() throws {
        let path = tempFile("history.jsonl")
        let w = try HistoryWriter(path: path)
        w.record(process: .client(3), type: .invoke, f: "write", key: "k7", value: 42)
        // Readable before close: each op is on disk as soon as it is recorded.
        let mid = try HistoryLoader.load(path: path)
        #expect(mid.history.ops.count == 1)
        w.record(process: .client(3), type: .ok, f: "write", key: "k7", value: 42, node: "store-2")
        w.record(process: .nemesis, type: .info, f: "start-partition", value: ["cut": [["store-1", "store-2"]]])
        w.close()
        let loaded = try HistoryLoader.load(path: path)
        #expect(loaded.format == .jsonl)
        #expect(loaded.warnings.isEmpty)
        let ops = loaded.history.ops
        try #require(ops.map(\.index) == [0, 1, 2])
        #expect(ops[1].node == "store-2")
        #expect(ops[2].process == .nemesis)
        #expect(ops[2].value == ["cut": [["store-1", "store-2"]]])
        #expect(ops[0].time <= ops[1].time && ops[1].time <= ops[2].time)
    }

    @Test func roundTripsEveryValueShape() throws {
        let values: [JSONValue] = [.null, 0, -12, "a \"quoted\"\n\\ string ✓", [1, "x", nil], ["k": ["n": 1.5]], true]
        for v in values {
            let op = Op(index: 4, time: 99, process: .client(1), type: .ok, f: "read", key: "k", value: v, error: "e")
            let back = try Op(json: JSONParser.parse(op.jsonLine))
            #expect(back == op)
        }
    }

    @Test func malformedLineNamesFileAndLine() throws {
        let path = tempFile("bad.jsonl")
        let text = """
            {"index":0,"time":1,"process":0,"type":"invoke","f":"read","value":null}
            {"index":1,"time":2,"process":0,"type":"ok","f":"read","value":3
            {"index":2,"time":3,"process":1,"type":"invoke","f":"read","value":null}

            """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            try HistoryLoader.load(path: path)
        } throws: { e in
            let d = "\(e)"
            return d.hasPrefix("\(path):2:") && d.contains("malformed JSON")
        }
    }

    @Test func unknownOrBadFieldIsNamed() throws {
        let path = tempFile("field.jsonl")
        try "{\"index\":0,\"time\":1,\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"valeu\":1}\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: HistoryLoadError.self) { try HistoryLoader.load(path: path) }
        do {
            _ = try HistoryLoader.load(path: path)
        } catch {
            #expect(error.line == 1)
            #expect(error.field == "valeu")
            #expect("\(error)".contains("\(path):1: field 'valeu': unknown field"))
        }
        try "{\"index\":0,\"time\":1,\"process\":0,\"type\":\"done\",\"f\":\"read\"}\n".write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try HistoryLoader.load(path: path)
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "type")
        }
    }

    @Test func truncatedLastLineIsDroppedWithAWarning() throws {
        let path = tempFile("crashed.jsonl")
        let good = Op(index: 0, time: 1, process: .client(0), type: .invoke, f: "write", value: 1).jsonLine
        let good2 = Op(index: 1, time: 2, process: .client(0), type: .ok, f: "write", value: 1).jsonLine
        try (good + "\n" + good2 + "\n" + "{\"index\":2,\"time\":3,\"proc").write(toFile: path, atomically: true, encoding: .utf8)
        let loaded = try HistoryLoader.load(path: path)
        #expect(loaded.history.ops.count == 2)
        try #require(loaded.warnings.count == 1)
        #expect(loaded.warnings[0].contains("\(path):3"))
        #expect(loaded.warnings[0].contains("truncated"))
    }

    @Test func missingFileIsAClearError() {
        do {
            _ = try HistoryLoader.load(path: "/nonexistent/history.jsonl")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "/nonexistent/history.jsonl: no such file")
        }
    }

    @Test func parserRejectsBadJSONWithColumn() {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse("{\"a\": tru}") }
        #expect((try? JSONParser.parse("[1, 2, 3]")) == [1, 2, 3])
        #expect((try? JSONParser.parse("\"\\u00e9\\ud83d\\ude00\"")) == .string("é😀"))
        #expect((try? JSONParser.parse("1.5e3")) == .double(1500))
        do {
            _ = try JSONParser.parse("[1, 2,, 3]")
        } catch {
            #expect(error.column == 7)
        }
    }
}
