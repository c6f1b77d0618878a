// Query API (Spring-Boot-like): GET /events/{id} and GET /metrics/{key} over the warehouse (built-in or
// PostgreSQL), with a cache (built-in or Redis): AP = cache-aside and stale answers when the warehouse
// fails; CP = read through to the leader (primary).
import Foundation
import Hummingbird

/// APIRole answers `{..., "source": "cache" | "warehouse" | "replica", "position": P}`: `warehouse`
/// when the warehouse leader answered, `replica` when a follower answered from its own copy, `cache`
/// when the cache did (`"stale": true` when the fresh entry had expired and the warehouse failed).
/// `position` is the warehouse log position the answer reflects. Warehouse queries go to the node the
/// API believes leads the warehouse (from a warehouse node's `GET /status`, asked again after any
/// failure), as a client with a primary's address does.
///
/// - `mode: cp`: every answer is read from the warehouse (queries go to the leader); when the warehouse
///   cannot answer, 503 (refused) or 504 (timed out). The cache is not used.
/// - `mode: ap`: cache first (`cache_ttl_ms`); on a miss, the warehouse (any replica), and the answer is
///   cached twice: fresh (`cache_ttl_ms`) and as a stale fallback (`stale_ttl_ms`); when the warehouse
///   fails, the stale fallback is served, or else the answer of another warehouse replica (its own
///   copy); 503/504 only when neither can answer.
struct APIRole: ServiceRole {
    let node: ServiceNode
    let warehouse: any EventWarehouse
    let cache: any APICache
    let tally = Tally()

    init(node: ServiceNode) {
        self.node = node
        warehouse = node.eventWarehouse()
        cache = switch node.config.kind(of: .cache) {
        case .redis: RedisCache(names: node.config.upstreams[.cache] ?? [], peers: node.config.peers,
                                timeoutMs: node.config.settings.requestTimeoutMs)
        default: HTTPCache(upstream: node.upstream(.cache))
        }
    }

    func start() async {}

    func stop() async { await warehouse.close() }

    func statusFacts() async -> [String: JSON] {
        ["mode": node.config.settings.apiConsistent ? "cp" : "ap", "answers_by_source": tally.json]
    }

    func add(to router: Router<BasicRequestContext>) {
        let me = self
        router.get("/events/:id") { request, context in
            let idText = context.parameters.get("id") ?? ""
            return await me.node.serve(request) { _ in
                guard let id = Int(idText) else { throw NodeError.bad("event id must be an integer") }
                return try await me.answer(cacheKey: "event:\(id)", query: .event(id)) { rows in
                    ["id": .int(id), "found": .bool(!rows.isEmpty), "count": .int(rows.count)]
                }
            }
        }
        router.get("/metrics/:key") { request, context in
            let key = context.parameters.get("key") ?? ""
            return await me.node.serve(request) { _ in
                try await me.answer(cacheKey: "metrics:\(key)", query: .all) { rows in
                    var count = 0, sum = 0.0
                    for r in rows where r["value"]?["key"]?.stringValue == key {
                        count += 1
                        switch r["value"]?["value"] {
                        case .int(let i)?: sum += Double(i)
                        case .double(let d)?: sum += d
                        default: break
                        }
                    }
                    return ["key": .string(key), "count": .int(count), "sum": Int(exactly: sum).map { .int($0) } ?? .double(sum)]
                }
            }
        }
    }

    /// Runs one query with the mode's cache policy; `make` turns the warehouse rows into the answer.
    func answer(cacheKey: String, query: WarehouseQuery, make: ([JSON]) -> [String: JSON]) async throws -> Reply {
        let s = node.config.settings
        if !s.apiConsistent, let v = await cache.get(cacheKey) {
            tally.add("cache")
            return Reply(body: v)
        }
        var a = await warehouse.read(query, leaderOnly: true)
        var answered = false
        if case .rows = a { answered = true }
        if !s.apiConsistent && !answered {
            // AP: stale is acceptable. A stale cached copy first; else any other warehouse replica,
            // which answers from its own copy.
            if let v = await cache.get("stale:\(cacheKey)") {
                tally.add("cache")
                tally.add("stale")
                return Reply(body: v)
            }
            a = await warehouse.read(query, leaderOnly: false)
        }
        switch a {
        case .rows(let rows, let position, let leader):
            var out = make(rows)
            let source = leader ? "warehouse" : "replica"
            out["position"] = position.map { .int($0) } ?? .null
            out["source"] = .string(source)
            tally.add(source)
            if !s.apiConsistent {
                var cached = out
                cached["source"] = "cache"
                await cache.set(cacheKey, .object(cached), ttlMs: s.cacheTtlMs)
                cached["stale"] = true
                await cache.set("stale:\(cacheKey)", .object(cached), ttlMs: s.staleTtlMs)
            }
            return Reply(body: .object(out))
        case .refused(let why):
            tally.add("error")
            throw NodeError(503, why)
        case .unknown(let why):
            tally.add("error")
            throw NodeError(504, why)
        }
    }
}
