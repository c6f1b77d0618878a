// StoreClient: register and set operations on the built-in object store (docs/nodes.md "Store").
import History

/// StoreClient maps register ops on objects (read = GET, write = PUT, cas = GET then PUT with
/// If-Match: VERSION) and set ops (add e to s = PUT /objects/s/e; read = list the prefix s/).
public struct StoreClient: SystemClient {
    let transport: HTTPTransport
    /// The node's base URL, e.g. "http://127.0.0.1:7101".
    public let baseURL: String

    public init(transport: HTTPTransport, baseURL: String) {
        self.transport = transport
        self.baseURL = baseURL
    }

    public func perform(_ op: ClientOperation) async -> ClientOutcome {
        let (f, key, value) = (op.f, op.key, op.value)
        let k = key ?? "r"
        switch f {
        case "read":
            return await transport.readValue("\(baseURL)/objects/\(k)")
        case "write":
            return await transport.writeValue("\(baseURL)/objects/\(k)", value)
        case "cas":
            guard let pair = value.arrayValue, pair.count == 2 else { return .fail("cas value must be [expected, new]") }
            // The read is only a precondition: whatever happens to it, nothing was changed yet.
            let r = await transport.send(.GET, "\(baseURL)/objects/\(k)")
            guard case .status(200, let b) = r else {
                if case .status(404, _) = r { return .fail("cas: no such object") }
                return .fail("cas read: \(r.otherwise)")
            }
            guard b["value"] == pair[0], let version = b["version"]?.intValue else { return .fail("cas: value differs") }
            let w = await transport.send(.PUT, "\(baseURL)/objects/\(k)", body: ["value": pair[1]],
                                         headers: [("If-Match", "\(version)")])
            if case .status(200, _) = w { return .ok(value) }
            return w.otherwise
        case "add":
            let a = await transport.send(.PUT, "\(baseURL)/objects/\(k)/\(value.intValue ?? 0)", body: ["value": value])
            if case .status(200, _) = a { return .ok(value) }
            return a.otherwise
        case "final-read", "read-set":
            let a = await transport.send(.GET, "\(baseURL)/objects?prefix=\(k)/&limit=100000")
            guard case .status(200, let b) = a, let keys = b["keys"]?.arrayValue else { return a.otherwise }
            let elems = keys.compactMap { $0["key"]?.stringValue?.split(separator: "/").last.flatMap { Int($0) } }
            return .ok(.array(elems.sorted().map { .int($0) }))
        default:
            return .fail("the store client has no operation '\(f)'")
        }
    }

    /// HTTP keep-alive connections belong to the adapter's pool, shared by its clients: nothing to close here.
    public func close() async {}
}
