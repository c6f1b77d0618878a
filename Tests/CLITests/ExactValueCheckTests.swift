import Foundation
import Testing

/// `faultline check` on small histories whose verdict depends on comparing values exactly (issue 15):
/// each of these used to be called linearizable because decoding or comparing lost a difference.
struct ExactValueCheckTests {
    let cli = CheckCommandTests()

    /// A write of `written`, acknowledged, then a read of `read` by another process: linearizable
    /// exactly when the two JSON texts are the same value.
    static func writeThenRead(_ written: String, _ read: String, key: String = "k") -> String {
        """
        {"index":0,"time":1,"process":0,"type":"invoke","f":"write","key":"\(key)","value":\(written)}
        {"index":1,"time":2,"process":0,"type":"ok","f":"write","key":"\(key)","value":\(written)}
        {"index":2,"time":3,"process":1,"type":"invoke","f":"read","key":"\(key)","value":null}
        {"index":3,"time":4,"process":1,"type":"ok","f":"read","key":"\(key)","value":\(read)}

        """
    }

    func verdict(_ history: String, model: String) throws -> CheckCommandTests.Result {
        try cli.run(["check", "--model", model, try cli.temp("h.jsonl", history)])
    }

    @Test(arguments: ["register", "cas-register"])
    func integersBeyondInt64AreNotRounded(model: String) throws {
        let r = try verdict(Self.writeThenRead("1000000000000000000000000000000", "1000000000000000000000000000001"), model: model)
        #expect(r.status == 1, "\(r.stdout) \(r.stderr)")
        #expect(r.stdout.contains("NOT linearizable"))
        let same = try verdict(Self.writeThenRead("1000000000000000000000000000000", "1000000000000000000000000000000"), model: model)
        #expect(same.status == 0, "\(same.stdout) \(same.stderr)")
    }

    @Test(arguments: ["register", "cas-register"])
    func doublesBeyondRangeAreNotRounded(model: String) throws {
        let r = try verdict(Self.writeThenRead("1e400", "1e999"), model: model)
        #expect(r.status == 1, "\(r.stdout) \(r.stderr)")
        let same = try verdict(Self.writeThenRead("1e400", "10e399"), model: model)  // one number, two spellings
        #expect(same.status == 0, "\(same.stdout) \(same.stderr)")
    }

    @Test(arguments: ["register", "cas-register"])
    func stringsCompareByScalarsNotCanonicalEquivalence(model: String) throws {
        // "é" as one scalar, read back as "e" + combining acute: different bytes, different values.
        let r = try verdict(Self.writeThenRead(#""\u00e9""#, #""e\u0301""#), model: model)
        #expect(r.status == 1, "\(r.stdout) \(r.stderr)")
        let same = try verdict(Self.writeThenRead(#""\u00e9""#, "\"\u{E9}\""), model: model)
        #expect(same.status == 0, "\(same.stdout) \(same.stderr)")
    }

    @Test func casComparesExactly() throws {
        // The register holds "\u00e9"; an acknowledged cas from "e\u0301" is impossible under exact comparison.
        let h = """
            {"index":0,"time":1,"process":0,"type":"invoke","f":"write","value":"\\u00e9"}
            {"index":1,"time":2,"process":0,"type":"ok","f":"write","value":"\\u00e9"}
            {"index":2,"time":3,"process":0,"type":"invoke","f":"cas","value":["e\\u0301","x"]}
            {"index":3,"time":4,"process":0,"type":"ok","f":"cas","value":["e\\u0301","x"]}

            """
        let r = try verdict(h, model: "cas-register")
        #expect(r.status == 1, "\(r.stdout) \(r.stderr)")
    }

    @Test func keysThatDifferOnlyInNormalisationAreTwoRegisters() throws {
        // Key "\u00e9" gets 1; key "e\u0301" is another register, still at its initial null. Merged
        // into one key, the read of null after the acknowledged write would be impossible.
        let h = """
            {"index":0,"time":1,"process":0,"type":"invoke","f":"write","key":"\\u00e9","value":1}
            {"index":1,"time":2,"process":0,"type":"ok","f":"write","key":"\\u00e9","value":1}
            {"index":2,"time":3,"process":1,"type":"invoke","f":"read","key":"e\\u0301","value":null}
            {"index":3,"time":4,"process":1,"type":"ok","f":"read","key":"e\\u0301","value":null}

            """
        let r = try verdict(h, model: "register")
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
    }

    @Test func invalidUTF8IsAnErrorNamingTheLine() throws {
        // Line 3's key is the single byte 0xFF: not UTF-8.
        let lines = Self.writeThenRead("1", "1", key: "KEY").split(separator: "\n").map(String.init)
        try #require(lines.count == 4)
        var bytes: [UInt8] = []
        for (i, line) in lines.enumerated() {
            let parts = line.components(separatedBy: "KEY")
            try #require(parts.count == 2)
            bytes += Array(parts[0].utf8) + (i == 2 ? [0xFF] : Array("KEY".utf8)) + Array(parts[1].utf8) + [0x0A]
        }
        let path = try cli.temp("bad.jsonl", "")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let r = try cli.run(["check", "--model", "register", path])
        #expect(r.status == 2, "\(r.stdout) \(r.stderr)")
        #expect(r.stderr.contains("\(path):3"), "\(r.stderr)")
        #expect(r.stderr.contains("invalid UTF-8"), "\(r.stderr)")
        #expect(!r.stderr.contains("\u{FFFD}"))
    }
}
