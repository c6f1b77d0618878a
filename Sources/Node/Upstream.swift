// Upstream: a service node's client for one upstream component, through the peer addresses (proxies)
// of its config; it sticks to one node and moves to the next when that node fails it.
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Upstream talks to the nodes of one component (any node accepts any request: followers forward).
final class Upstream: @unchecked Sendable {
    enum Answer: Sendable {
        case status(Int, JSON, node: String)
        /// Timeout, refused or broken connection: the request may or may not have been applied.
        case failed(String, node: String)

        var node: String {
            switch self { case .status(_, _, let n), .failed(_, let n): return n }
        }
    }

    let names: [String]
    private let addresses: [String]
    private let http: HTTPClient
    private let timeoutMs: Int
    private let lock = NSLock()
    private var current = 0

    init(names: [String], peers: [String: String], http: HTTPClient, timeoutMs: Int) {
        self.names = names
        addresses = names.map { peers[$0] ?? "127.0.0.1:1" }
        self.http = http
        self.timeoutMs = timeoutMs
    }

    /// Sends one request to the current node; `node` picks a fixed node by index instead.
    func send(_ method: HTTPMethod, _ path: String, body: JSON? = nil, node: Int? = nil) async -> Answer {
        let i = node ?? lock.withLock { current }
        let name = names[i % names.count]
        var req = HTTPClientRequest(url: "http://\(addresses[i % names.count])\(path)")
        req.method = method
        if let body {
            req.headers.add(name: "content-type", value: "application/json")
            req.body = .bytes(ByteBuffer(data: body.encoded()))
        }
        do {
            let resp = try await http.execute(req, timeout: .milliseconds(Int64(timeoutMs)))
            let buf = try await resp.body.collect(upTo: 256 << 20)
            let json = (try? JSON.decode(Data(buffer: buf))) ?? .null
            return .status(Int(resp.status.code), json, node: name)
        } catch {
            return .failed("\(name): \(error)", node: name)
        }
    }

    /// Moves on from `node` to the next one (unless another request already did).
    func failover(from node: String) {
        lock.withLock {
            if names[current % names.count] == node { current = (current + 1) % names.count }
        }
    }

    /// Sends, and on anything but 2xx/404/412 moves on to the next node for later requests.
    func sendFailingOver(_ method: HTTPMethod, _ path: String, body: JSON? = nil) async -> Answer {
        let a = await send(method, path, body: body)
        switch a {
        case .status(let s, _, _) where (200..<300).contains(s) || s == 404 || s == 412: break
        default: failover(from: a.node)
        }
        return a
    }
}

/// One HTTP client per service node, shared by its upstreams.
enum ServiceHTTP {
    static func make() -> HTTPClient {
        var cfg = HTTPClient.Configuration()
        cfg.timeout = .init(connect: .milliseconds(300), read: .seconds(10))
        cfg.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 32)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: cfg)
    }
}
