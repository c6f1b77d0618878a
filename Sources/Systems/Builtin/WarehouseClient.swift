// WarehouseClient: register and set operations on the built-in warehouse's rows (docs/nodes.md "Warehouse").
import History

/// WarehouseClient maps register ops on rows (read = GET /rows/k, write = PUT, cas = PUT with
/// if_value) and set ops (add e to s = PUT /rows/s.e; read = the rows in [s., s/)).
public struct WarehouseClient: SystemClient {
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
            return await transport.readValue("\(baseURL)/rows/\(k)")
        case "write":
            return await transport.writeValue("\(baseURL)/rows/\(k)", value)
        case "cas":
            guard let pair = value.arrayValue, pair.count == 2 else { return .fail("cas value must be [expected, new]") }
            let a = await transport.send(.PUT, "\(baseURL)/rows/\(k)", body: ["value": pair[1], "if_value": pair[0]])
            if case .status(200, _) = a { return .ok(value) }
            return a.otherwise  // 412: the row held another value, nothing done
        case "add":
            let a = await transport.send(.PUT, "\(baseURL)/rows/\(k).\(value.intValue ?? 0)", body: ["value": value])
            if case .status(200, _) = a { return .ok(value) }
            return a.otherwise
        case "final-read", "read-set":
            // "/" sorts right after ".", so [k., k/) is exactly the rows of this set.
            let a = await transport.send(.GET, "\(baseURL)/rows?from=\(k).&to=\(k)/&limit=100000")
            guard case .status(200, let b) = a, let rows = b["rows"]?.arrayValue else { return a.otherwise }
            return .ok(.array(rows.compactMap { $0["value"] }))
        default:
            return .fail("the warehouse client has no operation '\(f)'")
        }
    }

    /// HTTP keep-alive connections belong to the adapter's pool, shared by its clients: nothing to close here.
    public func close() async {}
}
