// The ingest and the connector with a real Kafka-protocol broker (Tansu; node config `upstream_kinds:
// {"broker": "kafka"}`) in front of a built-in store: events produced to the pipeline's topic by key,
// consumed per partition into store objects, the consumer group's offsets committed in Tansu after each
// object is written.
import Foundation
import KafkaProtocol
import Supervisor
import Testing

@Suite(.serialized) struct KafkaBrokerTests {
    @Test(.enabled(if: RealServers.tansu != nil, "tansu is not installed (scripts/test installs it)"))
    func ingestProducesToTansuAndTheConnectorCommitsAfterWriting() async throws {
        let supervisor = Supervisor()
        defer { supervisor.shutdown(grace: 1) }
        let kafkaPort = try await RealServers.startTansu(supervisor, name: "tansu-1")
        try await withCluster(role: "store", settings: [:]) { store in
            try store.startAll()
            try #require(store.waitHealthy())
            let storeLeader = try #require(store.waitLeader())
            var peers: [String: String] = ["broker-1": "127.0.0.1:\(kafkaPort)"]
            for n in store.names { peers[n] = "127.0.0.1:\(store.ports[n]!)" }
            try await PipelineRoleTests.withService(role: "ingest", extra: [
                "peers": peers, "upstreams": ["broker": ["broker-1"]], "upstream_kinds": ["broker": "kafka"],
                "settings": ["request_timeout_ms": 5000],
            ]) { ingest in
                let events = 1...30
                var acked: [Int: (Int, Int)] = [:]
                for id in events {
                    let r = TestHTTP.request(ingest, "POST", "/events", body: #"{"id": \#(id), "key": "k\#(id % 5)", "value": \#(id)}"#, timeout: 10)
                    try #require(r.status == 200, "ingest \(id): \(r.raw)")
                    let a = try #require((r.body["acked"] as? [[String: Any]])?.first)
                    acked[id] = (a["partition"] as? Int ?? -1, a["offset"] as? Int ?? -1)
                }
                // Same key, same partition; offsets unique within a partition.
                #expect(Set(events.map { acked[$0]!.0 }).count <= 3)
                #expect(Set(acked.values.map { "\($0.0)/\($0.1)" }).count == events.count)
                try await PipelineRoleTests.withService(role: "connector", extra: [
                    "peers": peers, "upstreams": ["broker": ["broker-1"], "store": store.names],
                    "upstream_kinds": ["broker": "kafka"], "settings": ["batch_max": 4, "poll_interval_ms": 50],
                ]) { connector in
                    // Every event in exactly one store object (nothing failed, so no replays). Wait until
                    // the connector reports no lag and the store lists every event: on a loaded machine
                    // "lag 0" can come from a fetch answered empty before the objects are listed.
                    func storedIds() -> [Int] {
                        guard let leader = store.waitLeader(timeout: 2) else { return [] }
                        let list = TestHTTP.request(store.ports[leader]!, "GET", "/objects?prefix=events/&limit=1000").body["keys"] as? [[String: Any]] ?? []
                        var ids: [Int] = []
                        for k in list.compactMap({ $0["key"] as? String }) {
                            let o = TestHTTP.request(store.ports[leader]!, "GET", "/objects/\(k)").body
                            let evs = (o["value"] as? [String: Any])?["events"] as? [[String: Any]] ?? []
                            #expect(evs.count <= 4)
                            ids += evs.compactMap { $0["id"] as? Int }
                        }
                        return ids
                    }
                    let deadline = Date().addingTimeInterval(90)
                    var lag: Int?
                    var ids: [Int] = []
                    while Date() < deadline {
                        lag = (TestHTTP.request(connector, "GET", "/status").body["lag"] as? [String: Any])?["total"] as? Int
                        if lag == 0 {
                            ids = storedIds()
                            if Set(ids) == Set(events) { break }
                        }
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    #expect(lag == 0)
                    #expect(ids.sorted() == Array(events))
                    // The group's offsets, read from Tansu itself, are each partition's end.
                    let c = try await KafkaClient.connect(port: kafkaPort)
                    let committed = try await c.fetchOffsets(group: "connector", topic: "faultline-events", partitions: [0, 1, 2])
                    for p in Int32(0)...2 {
                        let end = try await c.listOffset(topic: "faultline-events", partition: p)
                        #expect(committed[p].map { max(0, $0) } == end, "partition \(p): committed \(String(describing: committed[p])), end \(end)")
                    }
                    await c.close()
                }
            }
        }
    }
}
