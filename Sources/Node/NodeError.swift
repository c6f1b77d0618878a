// Errors a node answers with: an HTTP status and a one-line JSON {"error": ..., "leader": ...}.

public struct NodeError: Error, Sendable, CustomStringConvertible {
    public var status: Int
    public var message: String
    /// The leader this node knows of, named in 503 answers so a client can go there.
    public var leader: String?
    /// Extra fields (for example the current version on a failed conditional write).
    public var extra: [String: JSON] = [:]

    public init(_ status: Int, _ message: String, leader: String? = nil, extra: [String: JSON] = [:]) {
        self.status = status
        self.message = message
        self.leader = leader
        self.extra = extra
    }

    public var description: String { "\(status): \(message)" }

    public var body: JSON {
        var o = extra
        o["error"] = .string(message)
        if status == 503 || status == 504 { o["leader"] = leader.json }
        return .object(o)
    }

    static func bad(_ message: String) -> NodeError { NodeError(400, message) }
}

/// Strict access to a JSON request body: unknown keys and wrong types are 400s naming the field.
struct Body {
    let object: [String: JSON]

    init(_ json: JSON, allowed: Set<String>) throws {
        guard case .object(let o) = json else { throw NodeError.bad("body must be a JSON object") }
        for k in o.keys where !allowed.contains(k) {
            throw NodeError.bad("unknown field \"\(k)\" (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
        object = o
    }

    func has(_ k: String) -> Bool { object[k] != nil && object[k] != .null }

    func value(_ k: String) throws -> JSON {
        guard let v = object[k] else { throw NodeError.bad("missing field \"\(k)\"") }
        return v
    }

    func string(_ k: String) throws -> String {
        guard let s = try value(k).stringValue, !s.isEmpty else {
            throw NodeError.bad("field \"\(k)\" must be a non-empty string")
        }
        return s
    }

    func int(_ k: String) throws -> Int {
        guard let i = try value(k).intValue else { throw NodeError.bad("field \"\(k)\" must be an integer") }
        return i
    }

    func optionalInt(_ k: String) throws -> Int? { has(k) ? try int(k) : nil }
    func optionalString(_ k: String) throws -> String? { has(k) ? try string(k) : nil }

    func array(_ k: String) throws -> [JSON] {
        guard let a = try value(k).arrayValue else { throw NodeError.bad("field \"\(k)\" must be an array") }
        return a
    }
}
