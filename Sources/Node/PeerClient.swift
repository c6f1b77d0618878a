// HTTP calls from this node to its peers (through whatever address the config gives: the proxies).
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

final class PeerClient: Sendable {
    let http: HTTPClient

    init() {
        var cfg = HTTPClient.Configuration()
        cfg.timeout = .init(connect: .milliseconds(300), read: .seconds(5))
        cfg.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 16)
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: cfg)
    }

    func post<Req: Encodable, Resp: Decodable>(_ addr: String, _ path: String, _ body: Req,
                                                timeoutMs: Int, as: Resp.Type) async throws -> Resp {
        var req = HTTPClientRequest(url: "http://\(addr)\(path)")
        req.method = .POST
        req.headers.add(name: "content-type", value: "application/json")
        req.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(body)))
        let resp = try await http.execute(req, timeout: .milliseconds(Int64(timeoutMs)))
        let buf = try await resp.body.collect(upTo: 256 << 20)
        guard resp.status == .ok else { throw NodeError(502, "peer \(addr) answered \(resp.status.code)") }
        return try JSONDecoder().decode(Resp.self, from: Data(buffer: buf))
    }

    /// Forwards a client request unchanged to the leader; returns its status, headers and body.
    func forward(_ addr: String, method: HTTPMethod, uri: String, headers: [(String, String)], body: ByteBuffer,
                 timeoutMs: Int) async throws -> (Int, ByteBuffer) {
        var req = HTTPClientRequest(url: "http://\(addr)\(uri)")
        req.method = method
        for (k, v) in headers { req.headers.add(name: k, value: v) }
        req.headers.add(name: "x-faultline-forwarded", value: "1")
        req.body = .bytes(body)
        let resp = try await http.execute(req, timeout: .milliseconds(Int64(timeoutMs)))
        let buf = try await resp.body.collect(upTo: 256 << 20)
        return (Int(resp.status.code), buf)
    }
}
