// HTTPTransport: one keep-alive async-http-client per test, with a timeout on every request.
import AsyncHTTPClient
import Foundation
import History
import NIOCore
import NIOHTTP1

/// HTTPTransport sends one request and classifies what happened. Any thrown error (timeout,
/// refused or broken connection) is reported as `.unknown`: the request may have been applied.
public final class HTTPTransport: Sendable {
    public let http: HTTPClient
    public let timeout: TimeAmount

    public enum Answer: Sendable {
        case status(Int, JSONValue)
        case unknown(String)
    }

    /// - Parameters:
    ///   - connections: keep-alive connections per node (one per concurrent client is enough).
    ///   - timeout: deadline of every request.
    public init(connections: Int, timeout: Double) {
        var cfg = HTTPClient.Configuration()
        cfg.timeout = .init(connect: .milliseconds(Int64(min(timeout, 1) * 1000)), read: .milliseconds(Int64(timeout * 1000)))
        cfg.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, connections))
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: cfg)
        self.timeout = .milliseconds(Int64(timeout * 1000))
    }

    public func send(_ method: HTTPMethod, _ url: String, body: JSONValue? = nil, headers: [(String, String)] = []) async -> Answer {
        var req = HTTPClientRequest(url: url)
        req.method = method
        for (k, v) in headers { req.headers.add(name: k, value: v) }
        if let body {
            var text = ""
            body.write(to: &text)
            req.headers.add(name: "content-type", value: "application/json")
            req.body = .bytes(ByteBuffer(string: text))
        }
        do {
            let resp = try await http.execute(req, timeout: timeout)
            let buf = try await resp.body.collect(upTo: 64 << 20)
            let text = String(buffer: buf)
            let json = (try? JSONParser.parse(text)) ?? .string(text)
            return .status(Int(resp.status.code), json)
        } catch {
            return .unknown("indeterminate: \(Self.describe(error))")
        }
    }

    static func describe(_ error: Error) -> String {
        if let e = error as? HTTPClientError {
            if e == .deadlineExceeded || e == .readTimeout || e == .connectTimeout { return "timeout" }
            return "\(e)"
        }
        return "\(error)".split(separator: "\n").first.map(String.init) ?? "error"
    }

    public func shutdown() async { try? await http.shutdown() }
}

extension HTTPTransport.Answer {
    /// The usual mapping of a status that is not the op's success: 503 and other 4xx are refusals
    /// (definitely not done), 504 and anything else is unknown.
    var otherwise: ClientOutcome {
        switch self {
        case .unknown(let e): return .info(e)
        case .status(let code, let body):
            let msg = "HTTP \(code)" + (body["error"]?.stringValue.map { ": \($0)" } ?? "")
            if code == 503 || (400..<500).contains(code) { return .fail(msg) }
            return .info(msg)
        }
    }
}

extension HTTPTransport {
    /// Register read of a JSON resource holding `{"value": …}`: its value, or nil when it does
    /// not exist yet (404), as both the store's objects and the warehouse's rows answer.
    func readValue(_ url: String) async -> ClientOutcome {
        let a = await send(.GET, url)
        if case .status(200, let b) = a { return .ok(b["value"] ?? .null) }
        if case .status(404, _) = a { return .ok(.null) }
        return a.otherwise
    }

    /// Register write: PUT `{"value": value}`; ok with the value written on 200.
    func writeValue(_ url: String, _ value: JSONValue) async -> ClientOutcome {
        let a = await send(.PUT, url, body: ["value": value])
        if case .status(200, _) = a { return .ok(value) }
        return a.otherwise
    }
}
