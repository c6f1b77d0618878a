// YAMLReaderTests: the one YAML reader: true lines and the parser's reasons, limits, collected problems,
// and terminal-safe messages.
import Foundation
import History
import InputFiles
import Testing

struct YAMLReaderTests {
    func error(_ text: String, limits: YAMLLimits = .standard) throws -> InputError {
        try #require(throws: InputError.self) { try YAMLReader.parse(text: text, file: "f.yml", limits: limits) }
    }

    @Test func syntaxErrorNamesTheTrueLineAndTheParsersReason() throws {
        let e = try error("name: x\nkind: register\ntarget: [store\n")
        #expect(e.problems.count == 1)
        #expect(e.file == "f.yml" && e.field == "yaml")
        #expect(e.line == 4)  // where the parser noticed: the end of the unclosed flow sequence
        #expect(e.message.hasPrefix("invalid YAML: did not find expected ',' or ']'"))
        #expect(e.message.contains("while parsing a flow sequence at line 3"))
        let tab = try error("a: 1\nb:\n\t- 2\n")
        #expect(tab.line == 3 && tab.message.contains("found character that cannot start any token"))
    }

    @Test func duplicateKeysNameTheirLineAndReason() throws {
        let e = try error("name: x\ncomponents:\n  store: {role: store}\n  store: {role: broker}\n")
        #expect(e.line == 3)
        #expect(e.message.contains("duplicate key 'store'"))
    }

    @Test func aBillionLaughsIsRefusedQuickly() throws {
        var text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 { text += "\(Character(UnicodeScalar(97 + i)!)): &\(Character(UnicodeScalar(97 + i)!)) [" + Array(repeating: "*\(Character(UnicodeScalar(96 + i)!))", count: 10).joined(separator: ", ") + "]\n" }
        // Nested where a reader would expand it into JSON (a component's settings).
        let nested = "components:\n  store:\n    role: store\n    settings:\n" + text.split(separator: "\n").map { "      \($0)" }.joined(separator: "\n") + "\n"
        for t in [text, nested] {
            let e = try error(t)
            #expect(e.field == "yaml")
            #expect(e.message.contains("more than 100000 values once aliases are expanded"))
        }
    }

    @Test func collectionAndAliasKeysAreRefusedBeforeComposing() throws {
        // The composer hashes keys: an aliased bomb as a key would hang inside it, so the text is checked first.
        var text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        let names = "abcdefghij".map(String.init)
        for i in 1...9 { text += "\(names[i]): &\(names[i]) [" + Array(repeating: "*\(names[i - 1])", count: 10).joined(separator: ", ") + "]\n" }
        for (key, line, message) in [("k:\n  ? *j\n  : 1\n", 12, "an explicit '?' key"), ("k: {*j : 1}\n", 11, "an alias used as a key"),
                                     ("*j : 1\n", 11, "an alias used as a key"), ("k: {[*j]: 1}\n", 11, "a list or mapping used as a key")] {
            let e = try error(text + key)
            #expect(e.line == line, "\(key)")
            #expect(e.message.hasPrefix(message), "\(key)")
        }
        // Look-alikes in text are fine: a plain scalar with brackets, quotes, comments and block scalars.
        let (_, root) = try YAMLReader.parse(text: """
            ports[0]: 1
            q: "? *a : [x]: 1"
            r: 'it''s [x]: *y' # ? *z : [w]: 1
            s: |
              ? *a : 1
              [x]: 2
            t: a ? b
            u: [a, b]
            """, file: "f.yml")
        #expect(root.mapping?["s"]?.string == "? *a : 1\n[x]: 2\n")
        #expect(root.mapping?["u"]?.sequence?.count == 2)
    }

    @Test func aFewAliasesAreFine() throws {
        let (_, root) = try YAMLReader.parse(text: "base: &b {x: 1, y: [1, 2]}\none: *b\ntwo: *b\n", file: "f.yml")
        #expect(root.mapping?["two"]?.mapping?["x"]?.int == 1)
    }

    @Test func bigAndDeepFilesAreRefused() throws {
        var small = YAMLLimits()
        small.maxBytes = 1000
        let big = try error(String(repeating: "k: v\n", count: 300), limits: small)
        #expect(big.line == 0 && big.field == "file" && big.message == "too big (over 1000 bytes)")
        let deep = try error("a: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000))
        #expect(deep.line == 1 && deep.message == "nested deeper than 64 levels")
        // Brackets inside quotes and comments do not count.
        _ = try YAMLReader.parse(text: "a: '" + String(repeating: "[", count: 100) + "' # " + String(repeating: "{", count: 100) + "\n", file: "f.yml")
    }

    @Test func aFileOverTheLimitIsNotReadWhole() throws {
        let path = NSTemporaryDirectory() + "faultline-big-\(UUID().uuidString.prefix(8)).yml"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let line = Data("c: {role: store}\n".utf8)
        var data = Data()
        while data.count < 3 << 20 { data.append(line) }
        FileManager.default.createFile(atPath: path, contents: data)
        let e = try #require(throws: InputError.self) { try YAMLReader.load(path: path) }
        #expect(e.description == "\(path):0: field file: too big (over 1048576 bytes)")
    }

    @Test func invalidUTF8NamesItsLine() throws {
        let path = NSTemporaryDirectory() + "faultline-utf8-\(UUID().uuidString.prefix(8)).yml"
        defer { try? FileManager.default.removeItem(atPath: path) }
        FileManager.default.createFile(atPath: path, contents: Data("a: 1\nb: \u{1}".utf8) + Data([0xFF, 0x0A]))
        let e = try #require(throws: InputError.self) { try YAMLReader.load(path: path) }
        #expect(e.line == 2 && e.message == "not valid UTF-8 text")
    }

    @Test func accessorsCollectEveryProblemWithItsLine() throws {
        let (r, root) = try YAMLReader.parse(text: """
            keys: 99999999999999999999
            rate: .nan
            op_timeout: 0
            recovery: 99999999999999999999s
            colour: red
            ok: 5
            """, file: "w.yml")
        let m = try #require(r.mapping(root, "", allowed: ["keys", "rate", "op_timeout", "recovery", "ok"]))
        #expect(r.int(m, "keys", "", range: 1...10_000) == nil)
        #expect(r.number(m, "rate", "", range: InputRange.rate) == nil)
        #expect(r.duration(m, "op_timeout", "", range: InputRange.positiveSeconds) == nil)
        #expect(r.duration(m, "recovery", "", range: InputRange.seconds) == nil)
        #expect(r.int(m, "ok", "", range: 1...10) == 5)
        let e = try #require(throws: InputError.self) { try r.finish() }
        #expect(e.problems.map(\.line) == [5, 1, 2, 3, 4])
        #expect(e.problems.map(\.field) == ["colour", "keys", "rate", "op_timeout", "recovery"])
        #expect(e.problems[1].message == "must be between 1 and 10000 (got 99999999999999999999)")
        #expect(e.problems[3].message == "must be between 0.001 s and 604800 s (got 0)")
    }

    @Test func messagesAreOneSafeLineEach() throws {
        // A key holding a newline and an escape sequence cannot forge a line or drive the terminal.
        let (r, root) = try YAMLReader.parse(text: "\"bad\\nf.yml:1: field x: forged \\e[31m\": 1\n", file: "f.yml")
        _ = r.mapping(root, "", allowed: ["name"])
        let e = try #require(throws: InputError.self) { try r.finish() }
        #expect(e.description.split(separator: "\n").count == 1)
        #expect(e.description.contains("bad\\nf.yml:1: field x: forged \\u{1B}[31m"))
        #expect(!e.description.unicodeScalars.contains { $0.value < 0x20 })
        // A long value is cut, saying how much.
        let long = InputText.line(String(repeating: "x", count: 5000))
        #expect(long.count < 500 && long.hasSuffix("(4600 more characters)"))
        // Many problems print as at most 20 lines and a count.
        let many = InputError(problems: (1...1000).map { InputProblem(file: "f.yml", line: $0, field: "c", message: "bad") })
        let lines = many.description.split(separator: "\n")
        #expect(lines.count == 21 && lines.last == "f.yml: and 980 more problem(s)")
    }

    @Test func saturatingConversionNeverTraps() {
        #expect(Int64(saturating: 1e30) == Int64.max)
        #expect(Int64(saturating: -1e30) == Int64.min)
        #expect(Int(saturating: .nan) == 0)
        #expect(UInt64(saturating: -30e9) == 0)
        #expect(Int(saturating: 2.9) == 2)
    }
}
