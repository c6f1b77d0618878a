// Wiring of a pipeline service node (ingest, connector, loader, cache, api): one process, no replicated
// log; /health, /status (node, role, leader null, term 0, plus the role's facts) and the role's routes.
import AsyncHTTPClient
import Foundation
import Hummingbird
import KafkaProtocol
import Logging
import NIOCore

/// What a service role provides: its routes, its background work and its /status facts.
protocol ServiceRole: Sendable {
    func add(to router: Router<BasicRequestContext>)
    /// Background loops (connector, loader); returns at once.
    func start() async
    func statusFacts() async -> [String: JSON]
    /// When the service stops: close what the role holds open.
    func stop() async
}

extension ServiceRole {
    func stop() async {}
}

/// ServiceNode is the config plus the shared HTTP client of a service node.
struct ServiceNode: Sendable {
    let config: NodeConfig
    let http: HTTPClient

    /// The client of the upstream component with `role` (validated present in the config).
    func upstream(_ role: Role) -> Upstream {
        Upstream(names: config.upstreams[role] ?? [], peers: config.peers, http: http,
                 timeoutMs: config.settings.requestTimeoutMs)
    }

    /// The broker stage of the ingest and the connector: built-in or Kafka (`upstream_kinds.broker`).
    func eventBroker() -> any EventBroker {
        switch config.kind(of: .broker) {
        case .kafka: KafkaEventBroker(names: config.upstreams[.broker] ?? [], peers: config.peers, timeoutMs: config.settings.requestTimeoutMs,
                                      acks: Acks(rawValue: Int16(config.settings.ingestAcks)) ?? .all)
        default: HTTPEventBroker(upstream: upstream(.broker))
        }
    }

    /// The warehouse stage of the loader and the api: built-in or PostgreSQL (`upstream_kinds.warehouse`).
    func eventWarehouse() -> any EventWarehouse {
        switch config.kind(of: .warehouse) {
        case .postgres: PostgresEventWarehouse(names: config.upstreams[.warehouse] ?? [], peers: config.peers,
                                               timeoutMs: config.settings.requestTimeoutMs)
        default: HTTPEventWarehouse(upstream: upstream(.warehouse))
        }
    }

    /// The store stage of the connector and the loader: built-in or S3 (`upstream_kinds.store`).
    func eventStore() -> any EventStore {
        switch config.kind(of: .store) {
        case .s3: S3EventStore(names: config.upstreams[.store] ?? [], peers: config.peers, timeoutMs: config.settings.requestTimeoutMs)
        default: HTTPEventStore(upstream: upstream(.store))
        }
    }

    /// Reads the JSON body (bounded), runs `here`, and turns every error into a JSON answer.
    func serve(_ request: Request, _ here: @Sendable (JSON?) async throws -> Reply) async -> Response {
        do {
            let buf: ByteBuffer
            do { buf = try await request.body.collect(upTo: config.settings.maxBodyBytes) } catch {
                throw NodeError(413, "request body larger than max_body_bytes (\(config.settings.maxBodyBytes))")
            }
            var body: JSON? = nil
            if buf.readableBytes > 0 {
                do { body = try JSON.decode(Data(buffer: buf)) } catch { throw NodeError.bad("malformed JSON body: \(error)") }
            }
            return try await here(body).response
        } catch {
            return Reply(error: error).response
        }
    }
}

enum ServiceRunner {
    static func run(_ config: NodeConfig) async throws {
        let node = ServiceNode(config: config, http: ServiceHTTP.make())
        let role: any ServiceRole = switch config.role {
        case .ingest: IngestRole(node: node)
        case .connector: ConnectorRole(node: node)
        case .loader: LoaderRole(node: node)
        case .cache: CacheRole(node: node)
        case .api: APIRole(node: node)
        // Exhaustive on purpose: a new service role that is not wired here fails to compile.
        case .broker, .store, .warehouse: throw ConfigError(description: "\(config.role.rawValue) is a replicated role, not a service")
        }
        let router = Router()
        router.add(middleware: JSONErrorMiddleware())
        router.get("/health") { _, _ in
            Reply(body: ["ok": true, "node": .string(config.name)]).response
        }
        router.get("/status") { _, _ in
            // A single process has no election: leader is null, term 0 (the nemesis never picks it as a leader).
            var s: [String: JSON] = ["node": .string(config.name), "role": .string(config.role.rawValue),
                                     "leader": .null, "term": 0, "settings": config.settings.json(role: config.role),
                                     "bugs": .array(config.bugs.map { .string($0.rawValue) }.sorted { $0.stringValue! < $1.stringValue! })]
            for (k, v) in await role.statusFacts() { s[k] = v }
            return Reply(body: .object(s)).response
        }
        role.add(to: router)
        var logger = Logger(label: config.name)
        logger.logLevel = .warning
        let app = Application(router: router,
                              configuration: .init(address: .hostname("127.0.0.1", port: config.port), serverName: config.name),
                              logger: logger)
        await role.start()
        try await app.runService()
        await role.stop()
        try? await node.http.shutdown()
    }
}

/// A thread-safe tally for /status counters.
final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: Int] = [:]

    func add(_ k: String, _ n: Int = 1) { lock.withLock { counts[k, default: 0] += n } }
    var json: JSON { lock.withLock { .object(counts.mapValues { .int($0) }) } }
    subscript(_ k: String) -> Int { lock.withLock { counts[k] ?? 0 } }
}
