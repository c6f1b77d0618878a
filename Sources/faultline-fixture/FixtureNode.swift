// FixtureNode: a tiny HTTP node (NIOHTTP1) with /health, /status, /bulk and /call/<peer> through its peer address.
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// NodeInfo is the node's identity and its peers (the addresses of its outgoing proxies).
struct NodeInfo: Sendable {
    let name: String
    let leader: String?
    let term: Int
    let boots: Int
    let peers: [String: PeerClient]
}

func runNode(_ o: [String: [String]]) {
    guard let name = o["name"]?.first, let port = o["port"]?.first.flatMap(Int.init) else {
        fail("node needs --name NAME --port PORT [--peer NAME=HOST:PORT]... [--leader NAME] [--term N] [--data DIR]")
    }
    // Counts starts in the data dir, so a test can see that a restart kept it.
    var boots = 1
    if let dir = o["data"]?.first {
        let f = dir + "/boots"
        boots = (try? String(contentsOfFile: f, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }.map { $0 + 1 } ?? 1
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try? "\(boots)\n".write(toFile: f, atomically: true, encoding: .utf8)
    }
    var peers: [String: PeerClient] = [:]
    for p in o["peer"] ?? [] {
        let kv = p.split(separator: "=", maxSplits: 1).map(String.init)
        guard kv.count == 2, let colon = kv[1].lastIndex(of: ":"), let pp = Int(kv[1][kv[1].index(after: colon)...]) else {
            fail("bad --peer '\(p)' (want NAME=HOST:PORT)")
        }
        peers[kv[0]] = PeerClient(host: String(kv[1][..<colon]), port: pp)
    }
    let info = NodeInfo(name: name, leader: o["leader"]?.first, term: o["term"]?.first.flatMap(Int.init) ?? 1,
                        boots: boots, peers: peers)
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    do {
        let ch = try ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { ch in
                ch.pipeline.configureHTTPServerPipeline().flatMap { ch.pipeline.addHandler(NodeHTTPHandler(info: info)) }
            }
            .bind(host: "127.0.0.1", port: port).wait()
        print("node \(name) listening on 127.0.0.1:\(port) (boot \(boots))")
        fflush(stdout)
        try ch.closeFuture.wait()
    } catch {
        fail("node \(name): \(error)")
    }
}

/// NodeHTTPHandler answers one request at a time on a keep-alive connection.
final class NodeHTTPHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let info: NodeInfo
    private var uri = ""
    private var keepAlive = true
    private static let peerQueue = DispatchQueue(label: "peer-calls", attributes: .concurrent)

    init(info: NodeInfo) { self.info = info }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            uri = h.uri
            keepAlive = h.isKeepAlive
        case .body: break
        case .end: route(context)
        }
    }

    private func route(_ context: ChannelHandlerContext) {
        let (path, query) = splitURI(uri)
        if path == "/health" { return respond(context, 200, "ok\n") }
        if path == "/status" {
            let leader = info.leader.map { "\"\($0)\"" } ?? "null"
            return respond(context, 200, "{\"node\":\"\(info.name)\",\"role\":\"fixture\",\"leader\":\(leader),\"term\":\(info.term),\"boots\":\(info.boots),\"pid\":\(getpid())}")
        }
        if path == "/bulk" {
            let n = Int(query["bytes"] ?? "") ?? 1_000_000
            return respond(context, 200, String(repeating: "x", count: n))
        }
        if path.hasPrefix("/call/") {
            let peer = String(path.dropFirst("/call/".count))
            guard let client = info.peers[peer] else { return respond(context, 404, "{\"error\":\"no peer \(peer)\"}") }
            let timeout = Double(query["timeout_ms"] ?? "") ?? 1000
            let loop = context.eventLoop
            let box = NIOLoopBound(context, eventLoop: loop)
            Self.peerQueue.async {
                let r = client.get("/status", timeoutMs: timeout)
                loop.execute {
                    let ctx = box.value
                    switch r {
                    case .ok(let body, let reused): self.respond(ctx, 200, "{\"reused\":\(reused),\"peer\":\(body)}")
                    case .timeout: self.respond(ctx, 504, "{\"error\":\"timeout\"}")
                    case .failed(let why): self.respond(ctx, 502, "{\"error\":\"\(why)\"}")
                    }
                }
            }
            return
        }
        respond(context, 404, "not found\n")
    }

    private func splitURI(_ u: String) -> (String, [String: String]) {
        let parts = u.split(separator: "?", maxSplits: 1).map(String.init)
        var q: [String: String] = [:]
        if parts.count == 2 {
            for kv in parts[1].split(separator: "&") {
                let p = kv.split(separator: "=", maxSplits: 1).map(String.init)
                if p.count == 2 { q[p[0]] = p[1] }
            }
        }
        return (parts.first ?? "/", q)
    }

    private func respond(_ context: ChannelHandlerContext, _ code: Int, _ body: String) {
        var buf = context.channel.allocator.buffer(capacity: body.utf8.count)
        buf.writeString(body)
        var h = HTTPHeaders()
        h.add(name: "Content-Length", value: "\(buf.readableBytes)")
        h.add(name: "Content-Type", value: body.hasPrefix("{") ? "application/json" : "text/plain")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: code), headers: h))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(buf))), promise: nil)
        let close = !keepAlive
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if close { context.close(promise: nil) }
        }
    }
}
