// SeaweedClient: register and set operations as S3 requests to SeaweedFS's S3 gateway (one logical client,
// one keep-alive connection).
import History
import S3Client

/// SeaweedClient maps workload operations onto S3 objects in one bucket:
///
/// - register: read = `GET key` (404: the empty register, `null`), write = `PUT key`, cas `[old, new]` =
///   `GET key` then `PUT key` with `If-Match` on the ETag just read (a value other than `old` or a 412:
///   `fail` "cas mismatch"). A value is stored as its JSON text, so any register value round-trips.
/// - set: add e to s = `PUT s/e`, read = `LIST` of the prefix `s/` (one object per element, so the
///   visibility lag of a listing shows up in the history).
///
/// Outcomes: a refusal (4xx, 412 included) or a connection that was never made is `fail`; a 5xx after
/// sending, a timeout or a lost connection is `info` for a write, `fail` for a read (a read changes nothing).
public struct SeaweedClient: SystemClient {
    let s3: S3Client
    public let bucket: String

    public init(s3: S3Client, bucket: String) {
        self.s3 = s3
        self.bucket = bucket
    }

    public func perform(_ op: ClientOperation) async -> ClientOutcome {
        let k = op.key ?? "r"
        switch op.f {
        case "read":
            do {
                guard let object = try await s3.get(bucket: bucket, key: k) else { return .ok(.null) }
                guard let value = Self.decode(object.body) else { return .fail("unreadable object body for \(k)") }
                return .ok(value)
            } catch {
                return .fail("\(error)")
            }
        case "write":
            return await put(k, body: Self.encode(op.value), result: op.value)
        case "add":
            guard let e = op.value.intValue else { return .fail("add needs an integer element") }
            return await put("\(k)/\(e)", body: Self.encode(op.value), result: op.value)
        case "cas":
            guard let pair = op.value.arrayValue, pair.count == 2 else { return .fail("cas value must be [expected, new]") }
            let current: S3Client.Object?
            do {
                current = try await s3.get(bucket: bucket, key: k)
            } catch {
                return .fail("cas read: \(error)")
            }
            let currentValue = current.flatMap { Self.decode($0.body) } ?? .null
            guard let current, currentValue == pair[0], let etag = current.etag else { return .fail("cas mismatch") }
            return await put(k, body: Self.encode(pair[1]), ifMatch: etag, result: op.value)
        case "final-read", "read-set":
            do {
                let keys = try await s3.list(bucket: bucket, prefix: "\(k)/")
                let elements = keys.compactMap { $0.split(separator: "/").last.flatMap { Int($0) } }
                return .ok(.array(elements.sorted().map { .int($0) }))
            } catch {
                return .fail("\(error)")
            }
        default:
            return .fail("the seaweedfs client has no operation '\(op.f)'")
        }
    }

    func put(_ key: String, body: [UInt8], ifMatch: String? = nil, result: JSONValue) async -> ClientOutcome {
        do {
            try await s3.put(bucket: bucket, key: key, body: body, ifMatch: ifMatch)
            return .ok(result)
        } catch let error as S3Error {
            return Self.writeOutcome(error)
        } catch {
            return .info("\(error)")
        }
    }

    /// What a failed write tells the history: only a refusal or a request never sent certainly had no effect.
    static func writeOutcome(_ error: S3Error) -> ClientOutcome {
        switch error {
        case .notSent(let why): return .fail("not sent: \(why)")
        case .refused(412, _, _): return .fail("cas mismatch")
        case .refused: return .fail(error.description)
        case .outcomeUnknown(let why): return .info(why)
        }
    }

    static func encode(_ value: JSONValue) -> [UInt8] {
        var text = ""
        value.write(to: &text)
        return Array(text.utf8)
    }

    static func decode(_ body: [UInt8]) -> JSONValue? {
        try? JSONParser.parse(String(decoding: body, as: UTF8.self))
    }

    /// Each logical client owns its connection: close it with the process.
    public func close() async { await s3.shutdown() }
}
