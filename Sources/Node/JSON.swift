// The built-in nodes' name for the shared JSON value (module JSON): request bodies, commands in the
// replicated log and responses. Node depends on the JSON leaf module only, never on History.
import Foundation
@_exported import JSON

public typealias JSON = JSONValue

extension JSONValue {
    /// Compact encoding with sorted keys, so equal values encode to equal bytes (used for ETags).
    public func encoded() -> Data { Data(bytes) }

    /// Parses a request or response body. Nesting is limited to 64 levels: bodies are small, and a
    /// deep one is an attack on the stack, not data.
    public static func decode(_ data: Data) throws -> JSON { try JSONParser.parse(data, maxDepth: 64) }
}

extension Optional where Wrapped == String {
    var json: JSON { map { .string($0) } ?? .null }
}
