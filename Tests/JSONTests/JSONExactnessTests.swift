import Testing

@testable import JSON

/// Values keep their exact identity through parsing: a checker compares written and read values,
/// so two different numbers or strings must never come out equal.
struct JSONExactnessTests {
    @Test func integersBeyondInt64StayDistinct() throws {
        let big = try JSONParser.parse("1000000000000000000000000000000")
        let bigPlusOne = try JSONParser.parse("1000000000000000000000000000001")
        #expect(big == .decimal("1000000000000000000000000000000"))
        #expect(big != bigPlusOne)
        #expect(Set([big, bigPlusOne]).count == 2)
        #expect(try JSONParser.parse("-9223372036854775809") == .decimal("-9223372036854775809"))
        #expect(try JSONParser.parse("9223372036854775807") == .int(Int.max))
        #expect(big.description == "1000000000000000000000000000000")  // written back as read
    }

    @Test func doublesBeyondRangeStayDistinct() throws {
        let a = try JSONParser.parse("1e400")
        let b = try JSONParser.parse("1e999")
        #expect(a == .decimal("1e400"))
        #expect(a != b)
        #expect(try JSONParser.parse("10e399") == a)  // the same number, spelt differently
        #expect(try JSONParser.parse("1e-400") != JSONParser.parse("0.0"))  // underflow is not zero
        // More digits than a double holds: not rounded into 0.1.
        #expect(try JSONParser.parse("0.10000000000000001") != JSONParser.parse("0.1"))
        #expect(try JSONParser.parse("0.1") == .double(0.1))
        #expect(try JSONParser.parse("1.5e3") == .double(1500))
        #expect(try JSONParser.parse("-0.50") == .double(-0.5))
        // A decimal round-trips through the writer as valid JSON with the same value.
        let back = try JSONParser.parse(JSONParser.parse("[1e999, 0.10000000000000001]").description)
        #expect(back == .array([.decimal("1e999"), .decimal("1.0000000000000001e-1")]))
    }

    @Test func hugeExponentIsRefusedNotRounded() {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse("1e9999999999999999999") }
    }

    @Test func numbersFollowTheGrammar() {
        for bad in ["01", "1.", ".5", "-", "1e", "1e+", "--1", "1.2.3", "+1"] {
            #expect(throws: JSONParser.Failure.self, "\(bad)") { try JSONParser.parse(bad) }
        }
    }

    @Test func stringsCompareByUnicodeScalars() throws {
        let composed = try JSONParser.parse(#""\u00e9""#)
        let decomposed = try JSONParser.parse(#""e\u0301""#)
        #expect("\u{E9}" == "e\u{301}")  // Swift's String == is canonical equivalence...
        #expect(composed != decomposed)  // ...JSON values are not
        #expect(Set([composed, decomposed]).count == 2)
        #expect(JSONValue.object(["\u{E9}": 1]) != JSONValue.object(["e\u{301}": 1]))
        #expect(JSONValue.array([.string("\u{E9}")]) != JSONValue.array([.string("e\u{301}")]))
    }

    @Test func invalidUTF8IsRefused() throws {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0x5C, 0x6E, 0xFE, 0x22]] {
            let failure = #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(bytes) }
            #expect(failure?.reason == "invalid UTF-8 in a string")
        }
        #expect(try JSONParser.parse(Array("\"é😀\"".utf8)) == .string("é😀"))
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(#""\udc00""#) }  // lone low surrogate
    }

    @Test func duplicateKeysAreRefused() throws {
        let plain = #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(#"{"a":1,"a":2}"#) }
        #expect(plain?.column == 8)
        // Canonically equivalent keys would merge in a Swift dictionary: refused too.
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(#"{"\u00e9":1,"e\u0301":2}"#) }
    }

    @Test func depthIsLimited() throws {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(deep, maxDepth: 64) }
        #expect(try JSONParser.parse(deep).arrayValue?.count == 1)
    }

    @Test func writerIsCompactSortedAndEscaped() throws {
        let v: JSONValue = ["b": [1, 2.5, nil, true], "a": "q\"\n\u{1}"]
        #expect(v.description == #"{"a":"q\"\n\u0001","b":[1,2.5,null,true]}"#)
        #expect(v.bytes == Array(v.description.utf8))
        #expect(try JSONParser.parse(v.description) == v)
    }
}
