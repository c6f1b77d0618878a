import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A small S3 client for one logical client of a test: path-style requests to one endpoint over its own
/// keep-alive connection, signed with SigV4 when credentials are given and unsigned otherwise (SeaweedFS
/// with no identities configured accepts unsigned requests).
public final class S3Client: Sendable {
    public struct Object: Sendable, Equatable {
        public var body: [UInt8]
        public var etag: String?
    }

    public let endpointHost: String
    public let endpointPort: Int
    private let signer: SigV4Signer?
    private let http: HTTPClient
    private let timeout: TimeAmount

    public init(host: String = "127.0.0.1", port: Int, region: String = "us-east-1", credentials: S3Credentials? = nil,
                timeout: TimeAmount = .seconds(5)) {
        self.endpointHost = host
        self.endpointPort = port
        self.signer = credentials.map { SigV4Signer(credentials: $0, region: region) }
        self.timeout = timeout
        var config = HTTPClient.Configuration()
        config.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 1)
        config.timeout = .init(connect: .seconds(2), read: timeout)
        config.redirectConfiguration = .disallow
        self.http = HTTPClient(eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton), configuration: config)
    }

    public func shutdown() async {
        try? await http.shutdown()
    }

    public func createBucket(_ bucket: String) async throws {
        _ = try await send("PUT", bucket: bucket, key: nil)
    }

    /// Writes an object; `ifMatch` (an ETag) and `ifNoneMatch` ("*") make it conditional (412 = refused).
    /// Returns the new ETag.
    @discardableResult
    public func put(bucket: String, key: String, body: [UInt8], ifMatch: String? = nil,
                    ifNoneMatch: String? = nil) async throws -> String? {
        var headers: [(String, String)] = [("Content-Type", "application/octet-stream")]
        if let ifMatch { headers.append(("If-Match", ifMatch)) }
        if let ifNoneMatch { headers.append(("If-None-Match", ifNoneMatch)) }
        let response = try await send("PUT", bucket: bucket, key: key, headers: headers, body: body)
        return response.headers.first(name: "ETag")
    }

    /// The object, or nil when it does not exist (404 NoSuchKey).
    public func get(bucket: String, key: String) async throws -> Object? {
        do {
            let response = try await send("GET", bucket: bucket, key: key)
            return Object(body: response.body, etag: response.headers.first(name: "ETag"))
        } catch S3Error.refused(404, _, _) {
            return nil
        }
    }

    public func delete(bucket: String, key: String) async throws {
        _ = try await send("DELETE", bucket: bucket, key: key)
    }

    /// Every key under `prefix`, following continuation tokens.
    public func list(bucket: String, prefix: String = "", pageSize: Int? = nil) async throws -> [String] {
        var keys: [String] = []
        var token: String?
        repeat {
            var query = [("list-type", "2")]
            if !prefix.isEmpty { query.append(("prefix", prefix)) }
            if let pageSize { query.append(("max-keys", "\(pageSize)")) }
            if let token { query.append(("continuation-token", token)) }
            let response = try await send("GET", bucket: bucket, key: nil, query: query)
            let page = ListBucketResult(xml: String(decoding: response.body, as: UTF8.self))
            keys += page.keys
            token = page.isTruncated ? page.nextContinuationToken : nil
        } while token != nil
        return keys
    }

    struct Response {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
    }

    func send(_ method: String, bucket: String, key: String?, query: [(String, String)] = [],
              headers extra: [(String, String)] = [], body: [UInt8] = []) async throws -> Response {
        let path = "/" + S3URIEncoding.encode(bucket, keepSlash: false)
            + (key.map { "/" + S3URIEncoding.encode($0, keepSlash: true) } ?? "")
        let queryText = query.map { S3URIEncoding.encode($0.0, keepSlash: false) + "=" + S3URIEncoding.encode($0.1, keepSlash: false) }
            .joined(separator: "&")
        let hostHeader = "\(endpointHost):\(endpointPort)"
        var request = HTTPClientRequest(url: "http://\(hostHeader)\(path)" + (queryText.isEmpty ? "" : "?\(queryText)"))
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        request.headers.add(name: "Content-Length", value: "\(body.count)")
        if let signer {
            let signed = signer.sign(method: method, path: path, query: query,
                                     headers: [("host", hostHeader)] + extra,
                                     payloadHash: SigV4Signer.payloadHash(body), date: Date())
            for (name, value) in signed { request.headers.add(name: name, value: value) }
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        var bytes: ByteBuffer
        do {
            response = try await http.execute(request, timeout: timeout)
            bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        } catch {
            throw Self.classify(error)
        }
        let data = bytes.readBytes(length: bytes.readableBytes) ?? []
        let status = Int(response.status.code)
        switch status {
        case 200..<300:
            return Response(status: status, headers: response.headers, body: data)
        case 400..<500:
            let xml = String(decoding: data, as: UTF8.self)
            throw S3Error.refused(status: status, code: ListBucketResult.elements("Code", in: xml).first,
                                  message: ListBucketResult.elements("Message", in: xml).first ?? response.status.reasonPhrase)
        default:
            throw S3Error.outcomeUnknown("HTTP \(status) \(response.status.reasonPhrase)")
        }
    }

    /// A connection that could not be made means nothing was sent; anything else after that is unknown.
    static func classify(_ error: Error) -> S3Error {
        if error is NIOConnectionError { return .notSent("\(error)") }
        // A request that timed out waiting for a connection never had one to be sent on.
        if let http = error as? HTTPClientError, http == .connectTimeout || http == .getConnectionFromPoolTimeout {
            return .notSent("\(http)")
        }
        if let io = error as? IOError, io.errnoCode == ECONNREFUSED { return .notSent("connection refused") }
        return .outcomeUnknown("\(error)")
    }
}
