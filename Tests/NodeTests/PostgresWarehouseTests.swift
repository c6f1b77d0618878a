// The loader and the api with a real PostgreSQL warehouse (node config `upstream_kinds: {"warehouse":
// "postgres"}`): each store object loaded once, keyed by its object key (a restarted loader inserts
// nothing; overlapping objects give one row per broker entry), and the api reading the primary.
import FaultlineTesting
import Foundation
import Supervisor
import Testing

@Suite(.serialized) struct PostgresWarehouseTests {
    static func object(_ p: Int, _ offsets: ClosedRange<Int>) -> (String, String) {
        func pad(_ i: Int) -> String { String(repeating: "0", count: 12 - String(i).count) + String(i) }
        let events = offsets.map { #"{"offset": \#($0), "id": \#($0 + 100 * p), "key": "k\#($0 % 2)", "value": \#($0)}"# }
        return ("events/p\(p)/\(pad(offsets.lowerBound))-\(pad(offsets.upperBound))",
                #"{"value": {"partition": \#(p), "first": \#(offsets.lowerBound), "last": \#(offsets.upperBound), "events": [\#(events.joined(separator: ","))]}}"#)
    }

    @Test(.enabled(if: RealPostgres.bin != nil, "PostgreSQL is not installed"))
    func loaderLoadsEachObjectOnceAndTheAPIReadsThePrimary() async throws {
        let supervisor = Supervisor()
        defer { supervisor.shutdown(grace: 3) }
        let pgPort = try await RealPostgres.start(supervisor, name: "pg-1")
        try await withCluster(role: "store", settings: [:]) { store in
            try store.startAll()
            try #require(store.waitHealthy())
            let leader = try #require(store.waitLeader())
            // Partition 0 offsets 0-4 and a replayed, overlapping 3-6; partition 1 offsets 0-2.
            for (k, body) in [Self.object(0, 0...4), Self.object(0, 3...6), Self.object(1, 0...2)] {
                try #require(TestHTTP.request(store.ports[leader]!, "PUT", "/objects/\(k)", body: body).status == 200)
            }
            var peers: [String: String] = ["warehouse-1": "127.0.0.1:\(pgPort)"]
            for n in store.names { peers[n] = "127.0.0.1:\(store.ports[n]!)" }
            let loaderConfig: [String: Any] = ["peers": peers, "upstreams": ["store": store.names, "warehouse": ["warehouse-1"]],
                                               "upstream_kinds": ["warehouse": "postgres"], "settings": ["poll_interval_ms": 50, "request_timeout_ms": 5000]]
            func waitLoaded(_ loader: Int) async throws -> [String: Any] {
                let deadline = Date().addingTimeInterval(60)
                var s: [String: Any] = [:]
                while Date() < deadline {
                    s = TestHTTP.request(loader, "GET", "/status").body
                    if s["position"] as? Int == 3, (s["caught_up_polls"] as? Int ?? 0) > 0 { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                return s
            }
            try await PipelineRoleTests.withService(role: "loader", extra: loaderConfig) { loader in
                let s = try await waitLoaded(loader)
                #expect(s["position"] as? Int == 3, "\(s)")
                #expect(s["rows_inserted"] as? Int == 10, "\(s)")  // 7 distinct entries of p0, 3 of p1
            }
            #expect(try await RealPostgres.int(port: pgPort, "SELECT count(*) FROM pipeline_events") == 10)
            #expect(try await RealPostgres.int(port: pgPort, "SELECT count(*) FROM pipeline_loads") == 3)
            // A new loader (a restart: it lists everything again) inserts nothing. It stops on SIGTERM
            // and exits 0: its PostgreSQL connections are closed first (postgres-nio asserts it).
            try await PipelineRoleTests.withService(role: "loader", extra: loaderConfig, stopGracefully: true) { loader in
                let s = try await waitLoaded(loader)
                #expect(s["rows_inserted"] as? Int == 0, "\(s)")
                #expect((s["counters"] as? [String: Any])?["duplicate_batches"] as? Int == 3, "\(s)")
            }
            #expect(try await RealPostgres.int(port: pgPort, "SELECT count(*) FROM pipeline_events") == 10)
            // The api reads the primary: found, with the load count as its position.
            try await PipelineRoleTests.withService(role: "api", extra: [
                "peers": ["warehouse-1": "127.0.0.1:\(pgPort)", "cache-1": "127.0.0.1:\(freePort())"],
                "upstreams": ["warehouse": ["warehouse-1"], "cache": ["cache-1"]],
                "upstream_kinds": ["warehouse": "postgres"], "settings": ["mode": "cp", "request_timeout_ms": 5000],
            ], stopGracefully: true) { api in
                let e = TestHTTP.request(api, "GET", "/events/102")
                #expect(e.status == 200 && e.body["found"] as? Bool == true && e.body["count"] as? Int == 1, "\(e.raw)")
                #expect(e.body["source"] as? String == "warehouse" && e.body["position"] as? Int == 3, "\(e.raw)")
                #expect(TestHTTP.request(api, "GET", "/events/999").body["found"] as? Bool == false)
                let m = TestHTTP.request(api, "GET", "/metrics/k1")
                // k1: odd offsets: p0 1, 3, 5 and p1 1.
                #expect(m.body["count"] as? Int == 4, "\(m.raw)")
            }
        }
    }

    /// A load is done when its COMMIT is answered, not its statement: a commit PostgreSQL refuses (here
    /// a deferred constraint trigger, checked only at commit, refusing partition 1's objects while
    /// `refuse_commit` has a row) leaves the object unloaded, nothing of it in the tables, and the
    /// loader trying it again; once commits are allowed it loads, exactly once.
    @Test(.enabled(if: RealPostgres.bin != nil, "PostgreSQL is not installed"))
    func aLoadWhoseCommitFailsIsNotLoadedAndIsTriedAgain() async throws {
        let supervisor = Supervisor()
        defer { supervisor.shutdown(grace: 3) }
        let pgPort = try await RealPostgres.start(supervisor, name: "pg-1")
        // The loader creates its tables only when missing: these are its own, plus the refusing trigger.
        try await RealPostgres.run(port: pgPort, [
            "CREATE TABLE pipeline_events (row_key text PRIMARY KEY, id bigint NOT NULL, key text NOT NULL, value jsonb, part int, off bigint)",
            "CREATE TABLE pipeline_loads (object_key text PRIMARY KEY, seq bigserial, rows int NOT NULL)",
            "CREATE TABLE refuse_commit (why text)",
            "INSERT INTO refuse_commit VALUES ('test')",
            """
            CREATE FUNCTION refuse_p1() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.object_key LIKE 'events/p1/%' AND EXISTS (SELECT 1 FROM refuse_commit) THEN
                RAISE EXCEPTION 'commit refused for %', NEW.object_key;
              END IF;
              RETURN NULL;
            END $$
            """,
            "CREATE CONSTRAINT TRIGGER refuse_p1 AFTER INSERT ON pipeline_loads DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_p1()",
        ])
        try await withCluster(role: "store", settings: [:]) { store in
            try store.startAll()
            try #require(store.waitHealthy())
            let leader = try #require(store.waitLeader())
            for (k, body) in [Self.object(0, 0...4), Self.object(1, 0...2)] {
                try #require(TestHTTP.request(store.ports[leader]!, "PUT", "/objects/\(k)", body: body).status == 200)
            }
            var peers: [String: String] = ["warehouse-1": "127.0.0.1:\(pgPort)"]
            for n in store.names { peers[n] = "127.0.0.1:\(store.ports[n]!)" }
            let loaderConfig: [String: Any] = ["peers": peers, "upstreams": ["store": store.names, "warehouse": ["warehouse-1"]],
                                               "upstream_kinds": ["warehouse": "postgres"], "settings": ["poll_interval_ms": 50, "request_timeout_ms": 5000]]
            try await PipelineRoleTests.withService(role: "loader", extra: loaderConfig) { loader in
                func status(until done: ([String: Any]) -> Bool) async throws -> [String: Any] {
                    let deadline = Date().addingTimeInterval(60)
                    var s: [String: Any] = [:]
                    while Date() < deadline {
                        s = TestHTTP.request(loader, "GET", "/status").body
                        if done(s) { break }
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    return s
                }
                func loadErrors(_ s: [String: Any]) -> Int { (s["counters"] as? [String: Any])?["load_errors"] as? Int ?? 0 }
                // Partition 0's object loads; partition 1's is refused at every COMMIT, tried on every pass.
                let refused = try await status { loadErrors($0) >= 3 }
                #expect(loadErrors(refused) >= 3, "\(refused)")
                #expect(refused["position"] as? Int == 1, "\(refused)")
                #expect(refused["rows_inserted"] as? Int == 5, "\(refused)")
                #expect(try await RealPostgres.int(port: pgPort, "SELECT count(*) FROM pipeline_loads WHERE object_key LIKE 'events/p1/%'") == 0)
                #expect(try await RealPostgres.int(port: pgPort, "SELECT count(*) FROM pipeline_events WHERE part = 1") == 0)
                // Commits allowed again: the next pass loads it.
                try await RealPostgres.run(port: pgPort, ["DELETE FROM refuse_commit"])
                let loaded = try await status { $0["position"] as? Int == 2 }
                #expect(loaded["position"] as? Int == 2, "\(loaded)")
                #expect(loaded["rows_inserted"] as? Int == 8, "\(loaded)")
            }
            #expect(try await RealPostgres.int(port: pgPort, "SELECT count(*) FROM pipeline_events") == 8)
            #expect(try await RealPostgres.int(port: pgPort, "SELECT count(*) FROM pipeline_loads") == 2)
        }
    }
}
