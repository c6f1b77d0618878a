import History
import Testing

@testable import Checker

/// The register models and key split compare values and keys exactly (issue 15): no rounding of big
/// numbers, no canonical equivalence of strings.
struct ExactValueTests {
    func writeThenRead(_ written: JSONValue, _ read: JSONValue, model: LinearizableChecker.ModelName) throws -> Verdict {
        let h = History(ops: [
            Op(index: 0, time: 1, process: .client(0), type: .invoke, f: "write", value: written),
            Op(index: 1, time: 2, process: .client(0), type: .ok, f: "write", value: written),
            Op(index: 2, time: 3, process: .client(1), type: .invoke, f: "read"),
            Op(index: 3, time: 4, process: .client(1), type: .ok, f: "read", value: read),
        ])
        return try LinearizableChecker(model: model).analyze(h)
    }

    @Test(arguments: [LinearizableChecker.ModelName.register, .casRegister])
    func valuesDifferingOnlyBeyondDoublePrecisionOrByNormalisationAreDifferent(model: LinearizableChecker.ModelName) throws {
        let pairs: [(String, String)] = [
            ("1000000000000000000000000000000", "1000000000000000000000000000001"),
            ("1e400", "1e999"),
            (#""\u00e9""#, #""e\u0301""#),
        ]
        for (w, r) in pairs {
            let v = try writeThenRead(JSONParser.parse(w), JSONParser.parse(r), model: model)
            #expect(v.valid == .invalid, "write \(w), read \(r)")
            #expect(try writeThenRead(JSONParser.parse(w), JSONParser.parse(w), model: model).valid == .valid)
        }
    }

    @Test func valueTableInternsByScalars() {
        let t = ValueTable()
        #expect(t.id(.string("\u{E9}")) != t.id(.string("e\u{301}")))
        #expect(t.id(.string("\u{E9}")) == t.id(.string("\u{E9}")))
    }
}
