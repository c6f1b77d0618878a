// pipelines/real-ap.yml and real-cp.yml: the pipeline services over the real backends chosen in the
// pipeline file (docs/nodes.md "Real backends"), end to end with `faultline run`: every acknowledged event exactly once and visible
// through the API, the services told their upstream's kind in their node config.
import Foundation
import History
import Testing

@Suite(.serialized) struct RealBackendPipelineTests {
    static let redisServer = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    /// Tansu where `system: tansu` looks for it (scripts/test installs it there).
    static let tansu = FileManager.default.isExecutableFile(atPath: CLIRunner.root.appendingPathComponent(".tools/bin/tansu").path)
    static let servers = redisServer != nil && tansu && WeedInstall.path != nil && PostgresInstall.available
    static let missing: Comment = "redis-server, tansu, weed or postgresql is not installed (scripts/test installs them)"

    static func config(_ runDir: String, _ node: String) throws -> JSONValue {
        try JSONParser.parse(try String(contentsOfFile: "\(runDir)/nodes/\(node)/config.json", encoding: .utf8))
    }

    /// AP over Tansu, SeaweedFS, PostgreSQL and Redis: every acknowledged event through the Kafka topic,
    /// the S3 bucket and PostgreSQL exactly once and visible through the API, cache-aside answers from
    /// Redis (source "cache"), nothing lost without faults.
    @Test(.enabled(if: servers, missing))
    func apPipelineOverRealSystems() async throws {
        let dir = CLIRunner.tempDir("redis-pipe")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try await PipelineRunTests.run("real-ap", keep: dir, timeout: 400)
        let runDir = dir + "/pipe/" + (try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/pipe/latest"))
        let apiConfig = try Self.config(runDir, "api-1")
        #expect(r.status == 0, "stderr: \(r.stderr.suffix(1500))")
        #expect(apiConfig["upstream_kinds"]?["cache"] == "redis", "\(apiConfig)")
        #expect(try Self.config(runDir, "ingest-1")["upstream_kinds"]?["broker"] == "kafka")
        let loader = try Self.config(runDir, "loader-1")
        #expect(loader["upstream_kinds"]?["store"] == "s3" && loader["upstream_kinds"]?["warehouse"] == "postgres", "\(loader)")
        // Each stage was read through its own protocol.
        for kind in ["kafka", "s3", "postgres"] {
            #expect(r.history.ops.contains { $0.f == "final-read" && $0.type == .invoke && $0.value["kind"] == .string(kind) }, "no \(kind) final read")
        }
        PipelineRunTests.expectExactlyOnce(r)
        let cached = r.ops("count", .ok).filter { $0.value["source"] == "cache" }.count
        #expect(cached > 0, "no count answered from Redis")
        let funnel = r.pipeline?["details"]?["funnel"]?.arrayValue ?? []
        #expect(funnel.last?["stage"] == "api")
        #expect(funnel.first?["events"] == funnel.last?["events"], "\(funnel)")
    }

    /// CP over the same systems (replication 002, remote_apply with ANY 1): every acknowledged event
    /// exactly once; the API reads through to the PostgreSQL primary and never answers from the cache.
    @Test(.enabled(if: servers, missing))
    func cpPipelineOverRealSystemsNeverAnswersFromCache() async throws {
        let r = try await PipelineRunTests.run("real-cp", timeout: 400)
        #expect(r.status == 0, "stderr: \(r.stderr.suffix(1500))")
        PipelineRunTests.expectExactlyOnce(r)
        #expect(!r.history.ops.contains { $0.type == .ok && $0.value["source"] == "cache" })
        let funnel = r.pipeline?["details"]?["funnel"]?.arrayValue ?? []
        #expect(funnel.map { $0["stage"]?.stringValue ?? "" } == ["ingest", "broker", "store", "warehouse", "api"], "\(funnel)")
        #expect((funnel.first?["events"]?.intValue ?? 0) > 0 && funnel.first?["events"] == funnel.last?["events"], "\(funnel)")
    }
}
