// EtcdClient: register (and set) operations on etcd's v3 HTTP JSON gateway (/v3/kv/range, put, txn).
import Foundation
import History

/// EtcdClient maps register ops onto etcd 3.4's gRPC gateway: read = `POST /v3/kv/range` (linearizable,
/// or `"serializable": true`: answered from the member's own state, stale reads possible), write =
/// `POST /v3/kv/put`, cas = `POST /v3/kv/txn` comparing the value. Set ops: add e to s = put `s/e`;
/// read = a range over the prefix `s/`.
///
/// The gateway's conventions: keys and values are base64; int64 fields are JSON strings; false and zero
/// fields are omitted, so a txn whose compare failed has no `succeeded` at all. A value is stored as its
/// JSON text (`42`), so any register value round-trips.
///
/// - Important: a paused member accepts TCP connections and never answers: every request has the
///   transport's timeout. A write or cas that times out or gets an error may still commit: `info`. A read
///   that does not succeed is `fail` (a read changes nothing). A refused connection (dead member) is
///   `fail`: the request was never sent.
public struct EtcdClient: SystemClient {
    let transport: HTTPTransport
    /// The node's base URL, e.g. "http://127.0.0.1:7101".
    public let baseURL: String
    /// Reads from the member's own state instead of through the leader (the AP-like setting).
    public let serializable: Bool

    public init(transport: HTTPTransport, baseURL: String, serializable: Bool) {
        self.transport = transport
        self.baseURL = baseURL
        self.serializable = serializable
    }

    public func perform(_ op: ClientOperation) async -> ClientOutcome {
        let (f, key, value) = (op.f, op.key, op.value)
        let k = key ?? "r"
        switch f {
        case "read":
            let a = await transport.send(.POST, "\(baseURL)/v3/kv/range", body: rangeBody(k))
            guard case .status(200, let b) = a else { return Self.readFailure(a) }
            guard let kv = b["kvs"]?.arrayValue?.first else { return .ok(.null) }
            guard let v = Self.decodeValue(kv["value"]) else { return .fail("unreadable value in \(kv)") }
            return .ok(v)
        case "write", "add":
            let (key, stored) = f == "add" ? ("\(k)/\(value.intValue ?? 0)", value) : (k, value)
            let a = await transport.send(.POST, "\(baseURL)/v3/kv/put",
                                         body: ["key": .string(Self.b64(key)), "value": .string(Self.encodeValue(stored))])
            if case .status(200, _) = a { return .ok(value) }
            return Self.writeFailure(a)
        case "cas":
            guard let pair = value.arrayValue, pair.count == 2 else { return .fail("cas value must be [expected, new]") }
            let bk = JSONValue.string(Self.b64(k))
            let body: JSONValue = [
                "compare": [["key": bk, "target": "VALUE", "result": "EQUAL", "value": .string(Self.encodeValue(pair[0]))]],
                "success": [["requestPut": ["key": bk, "value": .string(Self.encodeValue(pair[1]))]]],
            ]
            let a = await transport.send(.POST, "\(baseURL)/v3/kv/txn", body: body)
            guard case .status(200, let b) = a else { return Self.writeFailure(a) }
            // An omitted `succeeded` is false: the compare failed and nothing was written.
            return b["succeeded"]?.boolValue == true ? .ok(value) : .fail("cas mismatch")
        case "final-read", "read-set":
            // [k/, k0): "0" is the byte after "/", so this is exactly the prefix k/.
            var body = rangeBody("\(k)/")
            if case .object(var o) = body {
                o["range_end"] = .string(Self.b64("\(k)0"))
                body = .object(o)
            }
            let a = await transport.send(.POST, "\(baseURL)/v3/kv/range", body: body)
            guard case .status(200, let b) = a else { return Self.readFailure(a) }
            let elems = (b["kvs"]?.arrayValue ?? []).compactMap { kv -> Int? in
                guard let key = kv["key"]?.stringValue.flatMap(Self.unb64) else { return nil }
                return key.split(separator: "/").last.flatMap { Int($0) }
            }
            return .ok(.array(elems.sorted().map { .int($0) }))
        default:
            return .fail("the etcd client has no operation '\(f)'")
        }
    }

    func rangeBody(_ key: String) -> JSONValue {
        var o: [String: JSONValue] = ["key": .string(Self.b64(key))]
        if serializable { o["serializable"] = true }
        return .object(o)
    }

    static func b64(_ s: String) -> String { Data(s.utf8).base64EncodedString() }
    static func unb64(_ s: String) -> String? { Data(base64Encoded: s).map { String(decoding: $0, as: UTF8.self) } }

    /// A register value as stored in etcd: base64 of its JSON text.
    static func encodeValue(_ v: JSONValue) -> String {
        var text = ""
        v.write(to: &text)
        return b64(text)
    }

    /// The register value of a gateway `value` field (absent = the empty value, which we never write).
    static func decodeValue(_ field: JSONValue?) -> JSONValue? {
        guard let text = field?.stringValue.flatMap(unb64) else { return nil }
        return try? JSONParser.parse(text)
    }

    static func refused(_ message: String) -> Bool { message.lowercased().contains("connection refused") }

    /// A read changes nothing: whatever went wrong, it definitely had no effect.
    static func readFailure(_ a: HTTPTransport.Answer) -> ClientOutcome {
        switch a {
        case .unknown(let e): return .fail(e)
        case .status(let code, let body): return .fail("HTTP \(code): \(message(body))")
        }
    }

    /// A write that got no success may still commit (a proposal can apply after a timeout or a leader
    /// change), except when the connection was refused: the request never left.
    static func writeFailure(_ a: HTTPTransport.Answer) -> ClientOutcome {
        switch a {
        case .unknown(let e): return refused(e) ? .fail(e) : .info(e)
        case .status(let code, let body): return .info("HTTP \(code): \(message(body))")
        }
    }

    static func message(_ body: JSONValue) -> String {
        body["error"]?.stringValue ?? body["message"]?.stringValue ?? body.stringValue ?? "\(body)"
    }

    /// HTTP keep-alive connections belong to the adapter's pool, shared by its clients: nothing to close here.
    public func close() async {}
}
