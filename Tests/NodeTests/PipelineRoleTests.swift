// The pipeline service roles as single real processes: the cache's get/set/delete with TTL, their
// /status contract, an ingest whose broker is unreachable, and bad service configs (exit 2 naming the field).
import Foundation
import Testing

struct PipelineRoleTests {
    /// Starts one service node with `config` (name, role, port, data_dir filled in), runs `body`, kills it.
    /// Runs one service node of `role` for `body`. `stopGracefully`: then SIGTERM, and the node must
    /// exit 0 on its own (its stderr is shown when not); otherwise it is SIGKILLed.
    static func withService(role: String, extra: [String: Any] = [:], stopGracefully: Bool = false,
                            _ body: (Int) async throws -> Void) async throws {
        let dir = NSTemporaryDirectory() + "faultline-svc-\(role)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let port = freePort()
        var cfg: [String: Any] = ["name": "\(role)-1", "role": role, "port": port, "data_dir": dir, "peers": [String: String](),
                                  "settings": [String: Any](), "bugs": [String]()]
        for (k, v) in extra { cfg[k] = v }
        let path = dir + "/cfg.json"
        try JSONSerialization.data(withJSONObject: cfg).write(to: URL(fileURLWithPath: path))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: TestCluster.binary)
        p.arguments = [role, "--config", path]
        let stderrPath = dir + "/stderr.log"
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try p.run()
        defer { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() }
        let deadline = Date().addingTimeInterval(10)
        while TestHTTP.request(port, "GET", "/health").status != 200 && Date() < deadline { usleep(20_000) }
        try await body(port)
        guard stopGracefully else { return }
        kill(p.processIdentifier, SIGTERM)
        let stopBy = Date().addingTimeInterval(60)
        while p.isRunning && Date() < stopBy { try await Task.sleep(for: .milliseconds(50)) }
        let stderr = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        #expect(!p.isRunning, "\(role) still running 60 s after SIGTERM")
        if !p.isRunning {
            #expect(p.terminationReason == .exit && p.terminationStatus == 0,
                    "\(role) stopped by SIGTERM ended with \(p.terminationReason == .exit ? "status" : "signal") \(p.terminationStatus): \(stderr.prefix(1500))")
        }
    }

    @Test func cacheGetSetDeleteWithTTL() async throws {
        try await Self.withService(role: "cache") { port in
            #expect(TestHTTP.request(port, "PUT", "/keys/a", body: #"{"value": {"n": 1}, "ttl_ms": 300}"#).status == 200)
            #expect(TestHTTP.request(port, "PUT", "/keys/b", body: #"{"value": 2}"#).status == 200)
            let a = TestHTTP.request(port, "GET", "/keys/a")
            #expect(a.status == 200 && (a.body["value"] as? [String: Any])?["n"] as? Int == 1)
            #expect(TestHTTP.request(port, "GET", "/status").body["size"] as? Int == 2)
            usleep(500_000)
            #expect(TestHTTP.request(port, "GET", "/keys/a").status == 404)  // expired
            #expect(TestHTTP.request(port, "GET", "/keys/b").status == 200)  // no TTL
            #expect(TestHTTP.request(port, "DELETE", "/keys/b").body["deleted"] as? Bool == true)
            #expect(TestHTTP.request(port, "GET", "/keys/b").status == 404)
            #expect(TestHTTP.request(port, "PUT", "/keys/c", body: #"{"value": 1, "ttl": 5}"#).status == 400)
            // A TTL that would overflow on the next GET is refused, and the node keeps serving.
            #expect(TestHTTP.request(port, "PUT", "/keys/d", body: #"{"value": 1, "ttl_ms": 9223372036854775807}"#).status == 400)
            #expect(TestHTTP.request(port, "GET", "/keys/d").status == 404)
            let s = TestHTTP.request(port, "GET", "/status").body
            #expect(s["role"] as? String == "cache" && s["node"] as? String == "cache-1")
            #expect(s["leader"] is NSNull && s["term"] as? Int == 0)
        }
    }

    /// Out-of-range and non-integer TTLs are 400s naming the field; the node keeps serving (a TTL
    /// of Int64.max used to overflow the clock and kill the node on the next GET).
    @Test func cacheRefusesOutOfRangeTTLs() async throws {
        try await Self.withService(role: "cache") { port in
            for ttl in ["9223372036854775807", "31536000001", "-1", "1e30", "1.5", "99999999999999999999"] {
                let r = TestHTTP.request(port, "PUT", "/keys/t", body: #"{"value": 1, "ttl_ms": \#(ttl)}"#)
                #expect(r.status == 400, "ttl_ms \(ttl): \(r.status) \(r.raw)")
                #expect(r.raw.contains("ttl_ms"), "\(r.raw)")
                #expect(TestHTTP.request(port, "GET", "/keys/t").status == 404, "ttl_ms \(ttl) stored nothing")
            }
            #expect(TestHTTP.request(port, "PUT", "/keys/t", body: #"{"value": 1, "ttl_ms": 86400000}"#).status == 200)
            let g = TestHTTP.request(port, "GET", "/keys/t")
            #expect(g.status == 200)
            let left = try #require(g.body["ttl_ms"] as? Int, "\(g.raw)")
            #expect(left > 86_000_000 && left <= 86_400_000)
            #expect(TestHTTP.request(port, "GET", "/health").status == 200, "the node is still up")
        }
    }

    /// A broker that cannot be reached: the outcome is unknown (504), never a false acknowledgement.
    @Test func ingestWithUnreachableBrokerAnswers504() async throws {
        let dead = freePort()
        try await Self.withService(role: "ingest", extra: ["peers": ["broker-1": "127.0.0.1:\(dead)"],
                                                           "upstreams": ["broker": ["broker-1"]],
                                                           "settings": ["request_timeout_ms": 300]]) { port in
            let r = TestHTTP.request(port, "POST", "/events", body: #"{"id": 1, "key": "k", "value": 5}"#)
            #expect(r.status == 504)
            #expect((r.body["unknown"] as? [Int]) == [1])
            #expect(TestHTTP.request(port, "POST", "/events", body: #"{"id": "x", "key": "k", "value": 5}"#).status == 400)
            let s = TestHTTP.request(port, "GET", "/status").body
            #expect((s["events"] as? [String: Any])?["unknown"] as? Int == 1)
        }
    }

    static func exitMessage(role: String, _ text: String) throws -> (Int32, String) {
        let dir = NSTemporaryDirectory() + "faultline-badsvc-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/cfg.json"
        try text.replacingOccurrences(of: "DIR", with: dir).write(toFile: path, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: TestCluster.binary)
        p.arguments = [role, "--config", path]
        let err = Pipe()
        p.standardError = err
        try p.run()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    @Test func badServiceConfigsExit2NamingTheField() throws {
        let base = "{\"name\": \"api-1\", \"role\": \"api\", \"port\": 7101, \"data_dir\": \"DIR\",\n"
        let peers = " \"peers\": {\"warehouse-1\": \"127.0.0.1:9\", \"cache-1\": \"127.0.0.1:9\"},\n"
        let ups = " \"upstreams\": {\"warehouse\": [\"warehouse-1\"], \"cache\": [\"cache-1\"]},\n"
        var (st, msg) = try Self.exitMessage(role: "api", base + peers + ups + " \"settings\": {\"mode\": \"x\"}}")
        #expect(st == 2 && msg.contains("cfg.json:4") && msg.contains("settings.mode"), "\(msg)")
        (st, msg) = try Self.exitMessage(role: "api", base + peers + " \"settings\": {}}")
        #expect(st == 2 && msg.contains("field upstreams") && msg.contains("missing upstream"), "\(msg)")
        (st, msg) = try Self.exitMessage(role: "api", base + peers + " \"upstreams\": {\"warehouse\": [\"warehouse-1\"], \"cache\": [\"cache-9\"]},\n \"settings\": {}}")
        #expect(st == 2 && msg.contains("upstreams.cache") && msg.contains("cache-9"), "\(msg)")
        (st, msg) = try Self.exitMessage(role: "api", base + peers + ups + " \"settings\": {\"acks\": 1}}")
        #expect(st == 2 && msg.contains("settings.acks") && msg.contains("unknown setting for role api"), "\(msg)")
        (st, msg) = try Self.exitMessage(role: "api", base + peers + ups + " \"settings\": {}, \"bugs\": [\"nope\"]}")
        #expect(st == 2 && msg.contains("field bugs"), "\(msg)")
        // A real backend of the wrong stage, or for an upstream the node does not have.
        (st, msg) = try Self.exitMessage(role: "api", base + peers + ups + " \"upstream_kinds\": {\"cache\": \"s3\"},\n \"settings\": {}}")
        #expect(st == 2 && msg.contains("upstream_kinds.cache") && msg.contains("\"redis\""), "\(msg)")
        (st, msg) = try Self.exitMessage(role: "api", base + peers + ups + " \"upstream_kinds\": {\"broker\": \"kafka\"},\n \"settings\": {}}")
        #expect(st == 2 && msg.contains("upstream_kinds.broker"), "\(msg)")
    }
}
