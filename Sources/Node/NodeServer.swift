// Wiring of one node: the replica, the HTTP routes common to every role, request/response helpers.
import Foundation
import Hummingbird
import Logging
import NIOCore

typealias FieldName = HTTPFields.Element.Name

/// What a handler answers: a status, a JSON body and optional extra headers.
struct Reply: Sendable {
    var status: Int = 200
    var body: JSON
    var headers: [(String, String)] = []
}

extension Reply {
    /// An error a handler threw, as its JSON answer: a NodeError's own status and body, else 500.
    init(error: Error) {
        if let e = error as? NodeError {
            self.init(status: e.status, body: e.body)
        } else {
            self.init(status: 500, body: ["error": .string("internal error: \(error)")])
        }
    }

    /// The HTTP answer: the JSON body and a newline, Content-Type and the extra headers.
    var response: Response {
        var h = HTTPFields()
        h[.contentType] = "application/json"
        for (k, v) in headers { h[FieldName(k)!] = v }
        var data = body.encoded()
        data.append(UInt8(ascii: "\n"))
        return Response(status: .init(code: status), headers: h, body: .init(byteBuffer: ByteBuffer(data: data)))
    }
}

struct NodeHandle<M: StateMachine>: Sendable {
    let config: NodeConfig
    /// Replication groups by name: "main" for the store and warehouse, "p0"... (one per partition) for the broker.
    let groups: [String: Replica<M>]
    /// The group whose leader and term /status reports as the node's (the broker's partition 0).
    let replica: Replica<M>
    let client: PeerClient

    var maxBody: Int { config.settings.maxBodyBytes }

    /// Serves one client request: reads the body (bounded), runs `here` on this node or forwards the
    /// request unchanged to the leader, and turns every error into a JSON answer.
    func serve(_ request: Request, leaderOnly: Bool, _ here: @Sendable (JSON?) async throws -> Reply) async -> Response {
        await serve(request, leaderOnly: leaderOnly, group: { _ in replica }) { body, _ in try await here(body) }
    }

    /// Serves one client request: reads the body (bounded) and parses it, picks the replication group,
    /// runs `here` on this node or forwards the request unchanged to that group's leader, and turns
    /// every error into a JSON answer.
    func serve(_ request: Request, leaderOnly: Bool, group pick: @Sendable (JSON?) throws -> Replica<M>,
               _ here: @Sendable (JSON?, Replica<M>) async throws -> Reply) async -> Response {
        do {
            let buf: ByteBuffer
            do { buf = try await request.body.collect(upTo: maxBody) } catch {
                throw NodeError(413, "request body larger than max_body_bytes (\(maxBody))")
            }
            var body: JSON? = nil
            if buf.readableBytes > 0 {
                do { body = try JSON.decode(Data(buffer: buf)) } catch {
                    throw NodeError.bad("malformed JSON body: \(error)")
                }
            }
            let replica = try pick(body)
            if leaderOnly {
                var route = await replica.routeToLeader()
                // During an election no leader is known yet: wait up to one election timeout for one
                // rather than refusing at once.
                let until = ContinuousClock.now + .milliseconds(config.settings.electionTimeoutMs)
                while case .unavailable = route, ContinuousClock.now < until {
                    try await Task.sleep(for: .milliseconds(20))
                    route = await replica.routeToLeader()
                }
                switch route {
                case .here: break
                case .unavailable(let e): throw e
                case .forward(let addr):
                    if request.headers[FieldName("x-faultline-forwarded")!] != nil {
                        throw NodeError(503, "not the leader", leader: await replica.leader)
                    }
                    return try await forward(request, to: addr, body: buf, replica: replica)
                }
            }
            return try await here(body, replica).response
        } catch {
            return Reply(error: error).response
        }
    }

    private func forward(_ request: Request, to addr: String, body: ByteBuffer, replica: Replica<M>) async throws -> Response {
        var headers: [(String, String)] = []
        for f in request.headers where ["if-match", "if-none-match", "content-type"].contains(f.name.canonicalName) {
            headers.append((f.name.canonicalName, f.value))
        }
        do {
            let (status, buf) = try await client.forward(addr, method: .init(rawValue: request.method.rawValue),
                                                         uri: request.uri.description, headers: headers, body: body,
                                                         timeoutMs: config.settings.ackTimeoutMs + 500)
            var h = HTTPFields()
            h[.contentType] = "application/json"
            return Response(status: .init(code: status), headers: h, body: .init(byteBuffer: buf))
        } catch {
            throw NodeError(504, "forwarding to the leader failed (\(error)); outcome unknown", leader: await replica.leader)
        }
    }

    /// /health, /status and the replication endpoints.
    func addCommonRoutes(_ router: Router<BasicRequestContext>) {
        router.get("/health") { _, _ in
            Reply(body: ["ok": true, "node": .string(config.name)]).response
        }
        router.get("/status") { _, _ in
            var s = await replica.status().objectValue ?? [:]
            s["role"] = .string(config.role.rawValue)
            if config.role == .broker {
                var parts: [JSON] = []
                for p in 0..<groups.count {
                    guard let g = groups["p\(p)"] else { continue }
                    var ps = await g.status().objectValue ?? [:]
                    ps["partition"] = .int(p)
                    ps["node"] = nil
                    parts.append(.object(ps))
                }
                s["partitions"] = .array(parts)
            }
            s["settings"] = config.settings.json(role: config.role)
            s["bugs"] = .array(config.bugs.map { .string($0.rawValue) }.sorted { $0.stringValue! < $1.stringValue! })
            return Reply(body: .object(s)).response
        }
        router.post("/raft/:group/vote") { request, context in
            do {
                guard let replica = groups[context.parameters.get("group") ?? ""] else {
                    throw NodeError(404, "no such replication group")
                }
                let buf = try await request.body.collect(upTo: 1 << 20)
                let r = try JSONDecoder().decode(VoteRequest.self, from: Data(buffer: buf))
                let resp = await replica.handleVote(r)
                return Reply(body: try JSON.decode(JSONEncoder().encode(resp))).response
            } catch {
                return Reply(status: 400, body: ["error": .string("bad vote request: \(error)")]).response
            }
        }
        router.post("/raft/:group/append") { request, context in
            guard let replica = groups[context.parameters.get("group") ?? ""] else {
                return Reply(status: 404, body: ["error": "no such replication group"]).response
            }
            let r: AppendRequest
            do {
                let buf = try await request.body.collect(upTo: 256 << 20)
                r = try JSONDecoder().decode(AppendRequest.self, from: Data(buffer: buf))
            } catch {
                return Reply(status: 400, body: ["error": .string("bad append request: \(error)")]).response
            }
            let (resp, waitIndex) = await replica.handleAppend(r)
            // fsync=always: a follower only reports entries as stored once they are on disk.
            if waitIndex > 0 { await replica.storage.waitDurable(waitIndex) }
            let data = (try? JSONEncoder().encode(resp)) ?? Data()
            var h = HTTPFields()
            h[.contentType] = "application/json"
            return Response(status: .ok, headers: h, body: .init(byteBuffer: ByteBuffer(data: data)))
        }
    }
}

/// Query parameter helpers with 400s naming the parameter.
extension Request {
    func intParam(_ name: String, default d: Int? = nil) throws -> Int {
        guard let s = uri.queryParameters[Substring(name)] else {
            if let d { return d }
            throw NodeError.bad("missing query parameter \(name)")
        }
        guard let i = Int(s) else { throw NodeError.bad("query parameter \(name) must be an integer") }
        return i
    }
    func stringParam(_ name: String) -> String? { uri.queryParameters[Substring(name)].map { String($0) } }

    /// A positive count (max, limit), capped so that offset arithmetic never overflows.
    func countParam(_ name: String, default d: Int) throws -> Int {
        let v = try intParam(name, default: d)
        guard v > 0 else { throw NodeError.bad("query parameter \(name) must be > 0") }
        return min(v, 100_000)
    }
    func header(_ name: String) -> String? { headers[FieldName(name)!] }
}

/// Starts a node of the configured role and serves until SIGTERM/SIGINT.
public enum NodeRunner {
    public static func run(_ config: NodeConfig) async throws {
        switch config.role {
        case .broker: try await serve(config, BrokerMachine.self) { BrokerRoutes(node: $0).add(to: $1) }
        case .store: try await serve(config, StoreMachine.self) { StoreRoutes(node: $0).add(to: $1) }
        case .warehouse: try await serve(config, WarehouseMachine.self) { WarehouseRoutes(node: $0).add(to: $1) }
        case .ingest, .connector, .loader, .cache, .api: try await ServiceRunner.run(config)
        }
    }

    static func serve<M: StateMachine>(_ config: NodeConfig, _: M.Type,
                                       routes: (NodeHandle<M>, Router<BasicRequestContext>) -> Void) async throws {
        let client = PeerClient()
        // The broker replicates each partition on its own (own leader, term and log); the other roles
        // have one group.
        var groups: [String: Replica<M>] = [:]
        var main: Replica<M>
        if config.role == .broker {
            for p in 0..<config.settings.partitions {
                groups["p\(p)"] = try Replica<M>(config: config, group: "p\(p)", dataDir: config.dataDir + "/p\(p)", client: client)
            }
            main = groups["p0"]!
        } else {
            main = try Replica<M>(config: config, group: "main", dataDir: config.dataDir, client: client)
            groups["main"] = main
        }
        let node = NodeHandle(config: config, groups: groups, replica: main, client: client)
        let router = Router()
        router.add(middleware: JSONErrorMiddleware())
        node.addCommonRoutes(router)
        routes(node, router)
        var logger = Logger(label: config.name)
        logger.logLevel = .warning
        let app = Application(router: router,
                              configuration: .init(address: .hostname("127.0.0.1", port: config.port), serverName: config.name),
                              logger: logger)
        for g in groups.values { await g.start() }
        try await app.runService()
        // SIGTERM/SIGINT: runService returned after a graceful shutdown; keep what was acknowledged.
        for g in groups.values { g.storage.flushNow() }
    }
}
