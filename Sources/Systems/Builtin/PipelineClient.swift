// PipelineClient: the pipeline workload (docs/history-conventions.md "pipeline") on the built-in
// pipeline: ingest events through the ingest API, query them through the query API, final-read stages.
import Contracts
import Foundation
import History
import KafkaProtocol
import Logging
import NIOCore
import PostgresNIO
import S3Client

/// PipelineClient maps `ingest e` = `POST /events {"id": e, "key": "k<e mod 5>", "value": e}` on an
/// ingest node; `query {"id": e}` = `GET /events/e` on an api node (ok value `{"id", "found", "source",
/// "position"}`); `count {"key": k}` = `GET /metrics/k` (ok value `{"key", "count", "source", "position"}`); `warehouse-count {"key": k}` = the same count
/// from the warehouse node's rows (`GET /rows`: its leader's answer, or its own copy where reads are local); `final-read {"stage": s}` reads every event id stage s holds: `broker` = every
/// partition's log from offset 0 to its high watermark, `store` = every event of every `events/` object
/// (once per broker position: replayed objects overlap), `warehouse` = every event row; `final-read
/// {"stage": "api", "ids_through": n}` asks the query API about each event id 1…n (`GET /events/e`)
/// and gives the ids it answered found: what a user of the API can see after the drain.
public struct PipelineClient: SystemClient {
    let transport: HTTPTransport
    /// The node's base URL, e.g. "http://127.0.0.1:7101".
    public let baseURL: String
    /// The node's address, for the stages a real system holds (`"kind": "s3"`: an S3 endpoint).
    let host: String
    let port: Int
    let opTimeout: TimeAmount
    /// What the node is: "builtin", or the kind of real system standing in for its stage ("postgres", …).
    let kind: String

    public init(transport: HTTPTransport, baseURL: String, host: String = "127.0.0.1", port: Int = 0, kind: String = "builtin") {
        self.transport = transport
        self.baseURL = baseURL
        self.host = host
        self.port = port
        self.kind = kind
        opTimeout = transport.timeout
    }

    public func perform(_ op: ClientOperation) async -> ClientOutcome {
        let (f, value) = (op.f, op.value)
        switch f {
        case "ingest":
            guard let id = value.intValue else { return .fail("ingest value must be an event id") }
            let a = await transport.send(.POST, "\(baseURL)/events", body: ["id": .int(id), "key": .string("k\(id % 5)"), "value": .int(id)])
            if case .status(200, _) = a { return .ok(value) }
            return a.otherwise
        case "query":
            guard let id = value["id"]?.intValue else { return .fail("query value must be {\"id\": e}") }
            let a = await transport.send(.GET, "\(baseURL)/events/\(id)")
            guard case .status(200, let b) = a, let found = b["found"]?.boolValue else { return a.otherwise }
            return .ok(["id": .int(id), "found": .bool(found), "source": b["source"] ?? .null, "position": b["position"] ?? .null])
        case "count":
            guard let key = value["key"]?.stringValue, !key.isEmpty,
                  key.allSatisfy({ $0.isLetter || $0.isNumber }) else { return .fail("count value must be {\"key\": k} (letters and digits)") }
            let a = await transport.send(.GET, "\(baseURL)/metrics/\(key)")
            guard case .status(200, let b) = a, let n = b["count"]?.intValue else { return a.otherwise }
            return .ok(["key": .string(key), "count": .int(n), "source": b["source"] ?? .null, "position": b["position"] ?? .null])
        case "warehouse-count":
            // The warehouse's own answer (its leader's, or in AP any replica's copy), not the API's.
            guard let key = value["key"]?.stringValue else { return .fail("warehouse-count value must be {\"key\": k}") }
            if kind == "postgres" { return await postgresCount(key) }
            let a = await transport.send(.GET, "\(baseURL)/rows?from=e&to=f&limit=100000")
            guard case .status(200, let b) = a, let rows = b["rows"]?.arrayValue else { return a.otherwise }
            let n = rows.filter { $0["value"]?["key"]?.stringValue == key }.count
            let source = b["leader"]?.boolValue == true ? "warehouse" : "replica"
            return .ok(["key": .string(key), "count": .int(n), "source": .string(source), "position": b["position"] ?? .null])
        case "final-read":
            guard let stage = value["stage"]?.stringValue else { return .fail("final-read value must be {\"stage\": s}") }
            let ids: IDs
            if stage == "api" {
                guard let n = value["ids_through"]?.intValue, (0...10_000_000).contains(n) else {
                    return .fail("final-read of stage api needs ids_through (0...10000000)")
                }
                ids = await apiVisibleIDs(baseURL, through: n)
            } else { switch (stage, value["kind"]?.stringValue ?? kind) {
            case ("warehouse", "postgres"): ids = await postgresWarehouseIDs()
            case ("store", "s3"): ids = await s3StoreIDs()
            case ("broker", "kafka"): ids = await kafkaBrokerIDs()
            case (_, let kind) where kind != "builtin": return .fail("final-read of \(stage): no reader for kind \(kind)")
            case ("broker", _): ids = await brokerIDs(baseURL)
            case ("store", _): ids = await storeIDs(baseURL)
            case ("warehouse", _): ids = await warehouseIDs(baseURL)
            default: return .fail("no stage \(stage)")
            } }
            switch ids {
            case .ok(let xs): return ClientOutcome.ok(["stage": .string(stage), "ids": .array(xs.map { .int($0) })])
            case .failed(let e): return ClientOutcome.info(e)
            }
        default:
            return .fail("the pipeline client has no operation '\(f)'")
        }
    }

    private func brokerIDs(_ base: String) async -> IDs {
        guard case .status(200, let s) = await transport.send(.GET, "\(base)/status"),
              let parts = s["partitions"]?.arrayValue else { return .failed("broker status unreadable") }
        var ids: [Int] = []
        for p in 0..<parts.count {
            var from = 0
            while true {
                let a = await transport.send(.GET, "\(base)/fetch?partition=\(p)&offset=\(from)&max=1000")
                guard case .status(200, let b) = a, let msgs = b["messages"]?.arrayValue else { return .failed("broker fetch p\(p): \(a.otherwise)") }
                for m in msgs {
                    if let id = m["value"]?["id"]?.intValue { ids.append(id) }
                    from = (m["offset"]?.intValue ?? from) + 1
                }
                if msgs.isEmpty || from >= (b["high_watermark"]?.intValue ?? from) { break }
            }
        }
        return .ok(ids)
    }

    private func storeIDs(_ base: String) async -> IDs {
        let l = await transport.send(.GET, "\(base)/objects?prefix=events/&limit=100000")
        guard case .status(200, let b) = l, let keys = b["keys"]?.arrayValue else { return .failed("store list: \(l.otherwise)") }
        var byPosition: [String: Int] = [:]
        for k in keys.compactMap({ $0["key"]?.stringValue }) {
            let a = await transport.send(.GET, "\(base)/objects/\(k)")
            if case .status(404, _) = a { continue }
            guard case .status(200, let o) = a else { return .failed("store get \(k): \(a.otherwise)") }
            let p = o["value"]?["partition"]?.intValue ?? -1
            for e in o["value"]?["events"]?.arrayValue ?? [] {
                guard let id = e["id"]?.intValue, let off = e["offset"]?.intValue else { continue }
                byPosition["\(p)/\(off)"] = id
            }
        }
        return .ok(Array(byPosition.values))
    }

    /// Asks the query API about each id, 8 at a time; an id whose query fails 3 times (with a pause
    /// between tries) makes the whole read unknown rather than counting the event as not visible.
    private func apiVisibleIDs(_ base: String, through n: Int) async -> IDs {
        let transport = transport
        let ids = Array(1...max(1, n)).prefix(n)
        var visible: [Int] = []
        var failure: String?
        for start in stride(from: ids.startIndex, to: ids.endIndex, by: 8) {
            let chunk = ids[start..<min(start + 8, ids.endIndex)]
            await withTaskGroup(of: (Int, Bool?, String).self) { group in
                for id in chunk {
                    group.addTask {
                        var last = ""
                        for attempt in 0..<3 {
                            if attempt > 0 { try? await Task.sleep(for: .milliseconds(200)) }
                            let a = await transport.send(.GET, "\(base)/events/\(id)")
                            if case .status(200, let b) = a, let found = b["found"]?.boolValue { return (id, found, "") }
                            last = "\(a.otherwise)"
                        }
                        return (id, nil, last)
                    }
                }
                for await (id, found, why) in group {
                    switch found {
                    case true?: visible.append(id)
                    case false?: break
                    case nil: failure = failure ?? "api query of event \(id): \(why)"
                    }
                }
            }
            if let failure { return .failed(failure) }
        }
        return .ok(visible.sorted())
    }

    /// The store stage on S3: every event of every object under `events/` in the pipeline's bucket, once
    /// per broker position (as for the built-in store).
    private func s3StoreIDs() async -> IDs {
        let s3 = S3Client(host: host, port: port, timeout: opTimeout)
        defer { Task { await s3.shutdown() } }
        let keys: [String]
        do {
            keys = try await s3.list(bucket: Backend.s3Bucket, prefix: "events/")
        } catch S3Error.refused(404, _, _) {
            return .ok([])  // no bucket: the connector never wrote an object
        } catch {
            return .failed("s3 list: \(error)")
        }
        var byPosition: [String: Int] = [:]
        for k in keys {
            let o: S3Client.Object?
            do { o = try await s3.get(bucket: Backend.s3Bucket, key: k) } catch { return .failed("s3 get \(k): \(error)") }
            guard let o, let v = try? JSONParser.parse(String(decoding: o.body, as: UTF8.self)) else { continue }
            let p = v["partition"]?.intValue ?? -1
            for e in v["events"]?.arrayValue ?? [] {
                guard let id = e["id"]?.intValue, let off = e["offset"]?.intValue else { continue }
                byPosition["\(p)/\(off)"] = id
            }
        }
        return .ok(Array(byPosition.values))
    }

    /// The broker stage on a Kafka-protocol broker: every record of every partition of the pipeline's
    /// topic, from offset 0 to the high watermark.
    private func kafkaBrokerIDs() async -> IDs {
        let c: KafkaClient
        do { c = try await KafkaClient.connect(host: host, port: port, requestTimeout: opTimeout) } catch {
            return .failed("kafka connect: \(error)")
        }
        defer { Task { await c.close() } }
        do {
            // The partitions the metadata lists, and in any case the pipeline's own (a Tansu restarted on
            // an in-memory log takes produces to partitions its metadata no longer lists): each is read,
            // and one the broker says it does not have holds nothing.
            let meta = try await c.metadata(topics: [Backend.kafkaTopic])
            let listed = meta.topics.first(where: { $0.name == Backend.kafkaTopic && $0.errorCode == 0 })?.partitions.map(\.partitionIndex) ?? []
            var ids: [Int] = []
            for p in Set(listed + (0..<Int32(Backend.kafkaPartitions))).sorted() {
                var from: Int64 = 0
                var empty = 0
                while true {
                    let f: FetchResult
                    do {
                        f = try await c.fetch(topic: Backend.kafkaTopic, partition: p, offset: from, maxWaitMs: 100)
                    } catch KafkaClientError.broker(let code, _) where code == .unknownTopicOrPartition && from == 0 {
                        break
                    }
                    for r in f.records {
                        if let v = r.value, let e = try? JSONParser.parse(String(decoding: v, as: UTF8.self)), let id = e["id"]?.intValue { ids.append(id) }
                        from = r.offset + 1
                    }
                    if from >= f.highWatermark { break }
                    // Below the high watermark an empty answer is a broker not serving that range yet
                    // (an S3-backed log just restarted): ask again; a read that stays short is no read.
                    empty = f.records.isEmpty ? empty + 1 : 0
                    if empty >= 20 { return .failed("kafka read of partition \(p) stuck at offset \(from) below the high watermark \(f.highWatermark)") }
                }
            }
            return .ok(ids)
        } catch {
            return .failed("kafka read: \(error)")
        }
    }

    /// Statements on the node as user postgres (trust on loopback), on one connection of this op's own
    /// (closed before returning): the first statement's rows, or, when it says the pipeline's tables
    /// exist (a true first column of its first row), the second's; or why not.
    private func postgres(_ q: PostgresQuery, then next: PostgresQuery? = nil) async -> Result<[PostgresRow], PostgresReadError> {
        let logger = Logger(label: "faultline.pipeline.postgres") { _ in SwiftLogNoOpLogHandler() }
        var config = PostgresConnection.Configuration(host: host, port: port, username: "postgres", password: nil, database: "postgres", tls: .disable)
        config.options.connectTimeout = opTimeout
        let c: PostgresConnection
        do { c = try await PostgresConnection.connect(configuration: config, id: 1, logger: logger) } catch {
            return .failure(PostgresReadError(sent: false, text: "\(String(reflecting: error).prefix(200))"))
        }
        let timeout = opTimeout
        let result: Result<[PostgresRow], PostgresReadError> = await withTaskGroup(of: Result<[PostgresRow], PostgresReadError>?.self) { group in
            group.addTask {
                do {
                    let first = try await c.query(q, logger: logger).collect()
                    guard let next, (try? first.first?.decode(Bool.self)) == true else { return .success(first) }
                    return .success(try await c.query(next, logger: logger).collect())
                } catch {
                    return .failure(PostgresReadError(sent: true, text: "\(String(reflecting: error).prefix(200))"))
                }
            }
            group.addTask {
                try? await Task.sleep(for: .nanoseconds(timeout.nanoseconds))
                return nil
            }
            defer { group.cancelAll() }
            return (await group.next() ?? nil) ?? .failure(PostgresReadError(sent: true, text: "no answer within the op timeout"))
        }
        try? await c.close()
        return result
    }

    struct PostgresReadError: Error { var sent: Bool; var text: String }

    /// The count of `key`'s events on a PostgreSQL warehouse node (primary: source "warehouse"; a
    /// standby's own copy: "replica"), with the load count it reflects as position.
    private func postgresCount(_ key: String) async -> ClientOutcome {
        // Before the loader's first load the tables do not exist yet: a count of 0 at position 0.
        let exists: PostgresQuery = "SELECT to_regclass('public.pipeline_events') IS NOT NULL AND to_regclass('public.pipeline_loads') IS NOT NULL, pg_is_in_recovery()"
        let q: PostgresQuery = "SELECT pg_is_in_recovery(), (SELECT coalesce(max(seq), 0) FROM pipeline_loads), (SELECT count(*) FROM pipeline_events WHERE key = \(key))"
        switch await postgres(exists, then: q) {
        case .success(let rows):
            if let (tables, standby) = try? rows.first?.decode((Bool, Bool).self), !tables {
                return .ok(["key": .string(key), "count": 0, "source": .string(standby ? "replica" : "warehouse"), "position": 0])
            }
            guard let (standby, position, n) = try? rows.first?.decode((Bool, Int64, Int64).self) else { return .info("unexpected answer") }
            return .ok(["key": .string(key), "count": .int(Int(n)), "source": .string(standby ? "replica" : "warehouse"), "position": .int(Int(position))])
        case .failure(let e):
            // A read changes nothing: failing it is safe even when it was sent.
            return .fail("postgres: \(e.text)")
        }
    }

    private func postgresWarehouseIDs() async -> IDs {
        switch await postgres("SELECT id FROM pipeline_events") {
        case .success(let rows):
            var ids: [Int] = []
            for r in rows { if let id = try? r.decode(Int64.self) { ids.append(Int(id)) } }
            return .ok(ids)
        case .failure(let e):
            if e.text.contains("42P01") { return .ok([]) }  // no table: nothing was ever loaded
            return .failed("postgres read: \(e.text)")
        }
    }

    private func warehouseIDs(_ base: String) async -> IDs {
        let a = await transport.send(.GET, "\(base)/rows?from=e&to=f&limit=100000")
        guard case .status(200, let b) = a, let rows = b["rows"]?.arrayValue else { return .failed("warehouse rows: \(a.otherwise)") }
        return .ok(rows.compactMap { $0["value"]?["id"]?.intValue })
    }

    /// HTTP keep-alive connections belong to the adapter's pool, shared by its clients: nothing to close here.
    public func close() async {}

    /// What a stage's final read found: its event ids, or why it could not be read (an `info` op).
    enum IDs { case ok([Int]), failed(String) }
}
