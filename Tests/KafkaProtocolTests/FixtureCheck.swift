// FixtureCheck: the two round trips every message fixture must pass.
import Testing
@testable import KafkaProtocol

/// A request built in code encodes to exactly the fixture, and the fixture decodes to an equal value.
func checkRequest<R: KafkaRequest>(_ value: R, _ fixture: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!fixture.isEmpty, "fixture listing did not parse", sourceLocation: sourceLocation)
    #expect(hexString(value.encoded) == hexString(fixture), sourceLocation: sourceLocation)
    #expect((try? R.decode(fixture)) == value, "fixture does not decode to the value", sourceLocation: sourceLocation)
}

/// A response fixture decodes (the caller checks its fields) and re-encodes to exactly the same bytes.
func checkResponse<T: WireCodable>(_ type: T.Type, _ fixture: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
    #expect(!fixture.isEmpty, "fixture listing did not parse", sourceLocation: sourceLocation)
    let value = try T.decode(fixture)
    #expect(hexString(value.encoded) == hexString(fixture), sourceLocation: sourceLocation)
    return value
}
