// The query API with a real Redis as its cache (node config `upstream_kinds: {"cache": "redis"}`): in AP
// mode it is cache-aside over Redis (the answer is read back from Redis, stale while the warehouse
// grows), and a Redis that is down is a miss, never an error; in CP mode Redis is never touched.
import Foundation
import RedisProtocol
import Supervisor
import Testing

@Suite(.serialized) struct RedisCacheTests {
    /// Starts an api node over `warehouse` (its 3 nodes) and Redis at `redisPort`, runs `body`, kills it.
    static func withAPI(mode: String, warehouse: TestCluster, redisPort: Int, _ body: (Int) async throws -> Void) async throws {
        var peers: [String: String] = ["redis-1": "127.0.0.1:\(redisPort)"]
        for n in warehouse.names { peers[n] = "127.0.0.1:\(warehouse.ports[n]!)" }
        try await PipelineRoleTests.withService(role: "api", extra: [
            "peers": peers,
            "upstreams": ["warehouse": warehouse.names, "cache": ["redis-1"]],
            "upstream_kinds": ["cache": "redis"],
            "settings": ["mode": mode, "cache_ttl_ms": 60000, "request_timeout_ms": 1000],
        ], body)
    }

    static func insert(_ warehouse: TestCluster, leader: String, batch: String, ids: ClosedRange<Int>) -> Int {
        let rows = ids.map { #"{"key": "e\#($0).p0.o\#($0)", "value": {"id": \#($0), "key": "k1", "value": \#($0), "partition": 0, "offset": \#($0)}}"# }
        return TestHTTP.request(warehouse.ports[leader]!, "POST", "/batches",
                                body: #"{"batch_id": "\#(batch)", "rows": [\#(rows.joined(separator: ","))]}"#).status
    }

    @Test(.enabled(if: RealServers.redisServer != nil, "redis-server is not installed (scripts/test installs it)"))
    func apIsCacheAsideOverRedisAndServesStaleCounts() async throws {
        let supervisor = Supervisor()
        defer { supervisor.shutdown(grace: 2) }
        let redisPort = try await RealServers.startRedis(supervisor, name: "redis-1")
        try await withCluster(role: "warehouse", settings: [:]) { wh in
            try wh.startAll()
            try #require(wh.waitHealthy())
            let leader = try #require(wh.waitLeader())
            #expect(Self.insert(wh, leader: leader, batch: "b1", ids: 1...3) == 200)
            try await Self.withAPI(mode: "ap", warehouse: wh, redisPort: redisPort) { port in
                let first = TestHTTP.request(port, "GET", "/metrics/k1")
                #expect(first.status == 200 && first.body["count"] as? Int == 3, "\(first.raw)")
                #expect(["warehouse", "replica"].contains(first.body["source"] as? String ?? ""), "\(first.raw)")
                // The answer is in Redis itself, fresh and as the stale fallback.
                let redis = try await RedisConnection.connect(port: redisPort)
                let cached = try await redis.send(["GET", "metrics:k1"])
                #expect(cached.string?.contains("\"count\":3") == true, "\(cached)")
                #expect(try await redis.send(["EXISTS", "stale:metrics:k1"]) == .integer(1))
                let ttl = try await redis.send(["PTTL", "metrics:k1"])
                guard case .integer(let left) = ttl else { Issue.record("PTTL gave \(ttl)"); return }
                #expect(left > 0 && left <= 60000)
                // The warehouse grows; the API keeps answering Redis's copy: a stale count.
                #expect(Self.insert(wh, leader: leader, batch: "b2", ids: 4...5) == 200)
                let stale = TestHTTP.request(port, "GET", "/metrics/k1")
                #expect(stale.body["count"] as? Int == 3 && stale.body["source"] as? String == "cache", "\(stale.raw)")
                // Evicted from Redis (as a TTL would), the next answer reads the warehouse again.
                _ = try await redis.send(["DEL", "metrics:k1"])
                let fresh = TestHTTP.request(port, "GET", "/metrics/k1")
                #expect(fresh.body["count"] as? Int == 5, "\(fresh.raw)")
                await redis.close()
                // Redis down: a miss, not an error; the API still answers from the warehouse.
                _ = try supervisor.kill("redis-1")
                let noCache = TestHTTP.request(port, "GET", "/events/4")
                #expect(noCache.status == 200 && noCache.body["found"] as? Bool == true, "\(noCache.raw)")
                let s = TestHTTP.request(port, "GET", "/status").body
                #expect(((s["answers_by_source"] as? [String: Any])?["cache"] as? Int ?? 0) >= 1, "\(s)")
            }
        }
    }

    @Test(.enabled(if: RealServers.redisServer != nil, "redis-server is not installed (scripts/test installs it)"))
    func cpNeverUsesRedis() async throws {
        let supervisor = Supervisor()
        defer { supervisor.shutdown(grace: 2) }
        let redisPort = try await RealServers.startRedis(supervisor, name: "redis-1")
        try await withCluster(role: "warehouse", settings: [:]) { wh in
            try wh.startAll()
            try #require(wh.waitHealthy())
            let leader = try #require(wh.waitLeader())
            #expect(Self.insert(wh, leader: leader, batch: "b1", ids: 1...2) == 200)
            try await Self.withAPI(mode: "cp", warehouse: wh, redisPort: redisPort) { port in
                for _ in 0..<3 {
                    let r = TestHTTP.request(port, "GET", "/metrics/k1")
                    #expect(r.status == 200 && r.body["source"] as? String == "warehouse", "\(r.raw)")
                }
                let redis = try await RedisConnection.connect(port: redisPort)
                #expect(try await redis.send(["DBSIZE"]) == .integer(0))
                await redis.close()
            }
        }
    }
}
