// Each role's HTTP API on a live CP cluster: the register operations (read, write, compare-and-set),
// the queue operations (produce, fetch, commit), and 4xx JSON answers to bad requests without a crash.
import Foundation
import Testing

@Suite(.serialized)
struct APITests {
    @Test func storeRegisterOperations() async throws {
        try await withCluster(role: "store", settings: ["write_quorum": 2, "read_quorum": 2]) { c in
            try c.startAll()
            #expect(c.waitHealthy())
            guard let leader = c.waitLeader() else { Issue.record("no leader"); return }
            // Any node accepts the request: followers forward to the leader.
            let port = c.ports[c.names.first { $0 != leader }!]!
            let created = TestHTTP.request(port, "PUT", "/objects/a/x", body: #"{"value":1}"#, headers: ["If-None-Match": "*"])
            #expect(created.status == 200)
            #expect(created.body["version"] as? Int == 1)
            let etag = created.body["etag"] as? String ?? ""
            #expect(TestHTTP.request(port, "PUT", "/objects/a/x", body: #"{"value":9}"#, headers: ["If-None-Match": "*"]).status == 412)
            let cas = TestHTTP.request(port, "PUT", "/objects/a/x", body: #"{"value":2}"#, headers: ["If-Match": etag])
            #expect(cas.status == 200)
            let failed = TestHTTP.request(port, "PUT", "/objects/a/x", body: #"{"value":3}"#, headers: ["If-Match": "1"])
            #expect(failed.status == 412)
            #expect(failed.body["current_version"] as? Int == 2)
            #expect(TestHTTP.request(port, "PUT", "/objects/a/x", body: #"{"value":3}"#, headers: ["If-Match": "2"]).status == 200)
            let got = TestHTTP.request(port, "GET", "/objects/a/x")
            #expect(got.body["value"] as? Int == 3)
            #expect(got.body["version"] as? Int == 3)
            #expect(TestHTTP.request(port, "PUT", "/objects/b/y", body: #"{"value":"s"}"#).status == 200)
            let list = TestHTTP.request(port, "GET", "/objects?prefix=a/")
            #expect((list.body["keys"] as? [[String: Any]])?.compactMap { $0["key"] as? String } == ["a/x"])
            #expect(TestHTTP.request(port, "DELETE", "/objects/a/x").status == 200)
            #expect(TestHTTP.request(port, "GET", "/objects/a/x").status == 404)
        }
    }

    @Test func warehouseOperations() async throws {
        try await withCluster(role: "warehouse", settings: ["commit": "majority"]) { c in
            try c.startAll()
            #expect(c.waitHealthy())
            guard let leader = c.waitLeader() else { Issue.record("no leader"); return }
            let port = c.ports[leader]!
            let batch = #"{"batch_id":"b1","rows":[{"key":"a","value":1},{"key":"b","value":2},{"key":"c","value":3}]}"#
            #expect(TestHTTP.request(port, "POST", "/batches", body: batch).body["inserted"] as? Int == 3)
            let again = TestHTTP.request(port, "POST", "/batches", body: batch)
            #expect(again.body["duplicate"] as? Bool == true)
            #expect(TestHTTP.request(port, "GET", "/count").body["count"] as? Int == 3)
            #expect(TestHTTP.request(port, "PUT", "/rows/a", body: #"{"value":10,"if_version":1}"#).status == 200)
            #expect(TestHTTP.request(port, "PUT", "/rows/a", body: #"{"value":11,"if_version":1}"#).status == 412)
            #expect(TestHTTP.request(port, "PUT", "/rows/a", body: #"{"value":12,"if_value":10}"#).status == 200)
            #expect(TestHTTP.request(port, "PUT", "/rows/z", body: #"{"value":0,"if_version":0}"#).status == 200)
            let row = TestHTTP.request(port, "GET", "/rows/a")
            #expect(row.body["value"] as? Int == 12)
            #expect(row.body["version"] as? Int == 3)
            let range = TestHTTP.request(port, "GET", "/rows?from=b&to=d")
            #expect((range.body["rows"] as? [[String: Any]])?.compactMap { $0["key"] as? String } == ["b", "c"])
        }
    }

    @Test func brokerQueueOperationsAndBadRequests() async throws {
        try await withCluster(role: "broker", settings: ["acks": "all", "max_body_bytes": 1024, "partitions": 2]) { c in
            try c.startAll()
            #expect(c.waitHealthy())
            guard let leader = c.waitLeader() else { Issue.record("no leader"); return }
            let port = c.ports[leader]!
            var offsets: [Int] = []
            for v in 0..<3 {
                let r = TestHTTP.request(port, "POST", "/produce", body: #"{"partition":1,"value":\#(v)}"#)
                #expect(r.status == 200)
                offsets.append(r.body["offset"] as? Int ?? -1)
            }
            #expect(offsets == [0, 1, 2])
            let fetched = TestHTTP.request(port, "GET", "/fetch?partition=1&offset=1")
            #expect((fetched.body["messages"] as? [[String: Any]])?.compactMap { $0["value"] as? Int } == [1, 2])
            #expect(TestHTTP.request(port, "POST", "/groups/g1/commit", body: #"{"partition":1,"offset":2}"#).status == 200)
            let committed = TestHTTP.request(port, "GET", "/groups/g1/offsets?partition=1")
            #expect(committed.body["offset"] as? Int == 2)
            // Every partition has its own replication group, leader and term.
            let parts = c.status(leader)?["partitions"] as? [[String: Any]] ?? []
            #expect(parts.count == 2)
            #expect(parts.allSatisfy { ($0["term"] as? Int ?? 0) >= 1 })

            // Bad requests: 4xx with a JSON error, and the node keeps serving.
            let bad: [(String, String, String?, Int)] = [
                ("POST", "/produce", "{not json", 400),
                ("POST", "/produce", #"{"value":1,"colour":"red"}"#, 400),
                ("POST", "/produce", #"{"key":"k"}"#, 400),
                ("POST", "/produce", #"{"value":1,"partition":7}"#, 400),
                ("POST", "/produce", #"[1,2]"#, 400),
                ("POST", "/produce", #"{"value":""# + String(repeating: "x", count: 5000) + #""}"#, 413),
                ("GET", "/fetch", nil, 400),
                ("GET", "/fetch?partition=x", nil, 400),
                ("POST", "/groups/g1/commit", #"{"partition":"one","offset":1}"#, 400),
                ("POST", "/raft/p0/append", #"{"term":"x"}"#, 400),
                ("POST", "/raft/p9/append", #"{"term":1}"#, 404),
                ("GET", "/no/such/endpoint", nil, 404),
                ("GET", "/fetch?partition=0&offset=1&max=9223372036854775807", nil, 200),
                ("GET", "/fetch?partition=0&offset=-1", nil, 400),
                ("GET", "/fetch?partition=0&max=0", nil, 400),
                ("POST", "/produce", String(repeating: "[", count: 500), 400),
                ("POST", "/produce", "\u{01}\u{02}garbage", 400),
                ("POST", "/produce", #"{"value":1}trailing"#, 400),
            ]
            for (m, path, body, want) in bad {
                let r = TestHTTP.request(port, m, path, body: body)
                #expect(r.status == want, "\(m) \(path) \(body ?? "")")
                if want != 200 { #expect(r.body["error"] is String, "JSON error for \(m) \(path)") }
            }
            #expect(TestHTTP.request(port, "GET", "/health").status == 200)
            let s = c.status(leader) ?? [:]
            #expect(s["role"] as? String == "broker")
            #expect(s["node"] as? String == leader)
            #expect(s["term"] as? Int ?? 0 >= 1)
        }
    }

    @Test func badConfigExitsWithStatus2NamingTheField() async throws {
        let dir = NSTemporaryDirectory() + "faultline-badcfg-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/cfg.json"
        let text = "{\"name\": \"b-1\", \"role\": \"broker\", \"port\": 7101, \"data_dir\": \"\(dir)\",\n \"peers\": {},\n \"settings\": {\"acks\": 2}}"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: TestCluster.binary)
        p.arguments = ["broker", "--config", path]
        let err = Pipe()
        p.standardError = err
        try p.run()
        p.waitUntilExit()
        let msg = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 2)
        #expect(msg.contains("cfg.json:3"))
        #expect(msg.contains("settings.acks"))
    }
}
