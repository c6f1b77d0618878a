// `system: redis` end to end against real redis-server and redis-sentinel processes: a primary, two
// replicas and three Sentinels started from the short block, replication through Faultline's proxies,
// clients that follow the primary. Short runs (a 6 s partition each); their figures are printed.
import Foundation
import History
import Systems
import Testing

@testable import Controller

enum RedisInstall {
    static func inPath(_ exe: String) -> Bool {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        return dirs.contains { access($0 + "/" + exe, X_OK) == 0 }
    }
    static let available = inPath("redis-server") && inPath("redis-sentinel") && inPath("redis-cli")
}

struct RedisSettingsTests {
    @Test func badRedisBlocksNameLineAndField() {
        let cases: [(String, Int, String, String)] = [
            ("    system: redis\n    settings:\n      min_replicas_to_write: 3\n", 6, "components.kv.settings.min_replicas_to_write", "only 2 replicas"),
            ("    system: redis\n    settings:\n      failover: raft\n", 6, "components.kv.settings.failover", "none or sentinel"),
            ("    system: redis\n    settings:\n      sentinels: 3\n", 6, "components.kv.settings.sentinels", "needs failover: sentinel"),
            ("    system: redis\n    settings:\n      reads: any\n", 6, "components.kv.settings.reads", "primary or replicas"),
            ("    system: redis\n    settings:\n      ttl_ms: 0\n", 6, "components.kv.settings.ttl_ms", "1...86400000"),
            ("    system: redis\n    settings:\n      wait: {replicas: 2, timeout_ms: 0}\n", 6, "components.kv.settings.wait", "timeout_ms"),
            ("    system: redis\n    settings:\n      appendfsync: sometimes\n", 6, "components.kv.settings.appendfsync", "always or everysec or no"),
        ]
        SystemBlockTests.expectEachFails(cases)
    }

    /// Sentinels are nodes of the same kind after the servers: 3 servers + 3 Sentinels = 6 nodes.
    @Test func sentinelsAreExtraNodes() throws {
        let p = try SystemBlockTests.load("    system: redis\n    nodes: 3\n    settings: {failover: sentinel, sentinels: 3, reads: replicas}\n")
        let c = try #require(p.component(named: "kv"))
        #expect(c.replicas == 6)
        let cmd = try #require(c.command)
        #expect(cmd.peerPort == "client" && cmd.clientPort == "client" && cmd.client == "redis")
        #expect(cmd.clientSettings == ["reads": .string("replicas")])
        let script = try #require(cmd.args.dropFirst().first)
        #expect(script.contains("--replicaof") && script.contains("sentinel monitor faultline $phost $pport 2"))
    }
}

@Suite(.serialized, .enabled(if: RedisInstall.available, "redis-server/redis-sentinel not in PATH (scripts/test installs them)"))
struct RedisShortFormTests {
    /// A 6 s partition isolating the primary from every other node (Sentinels included), 1 s into the fault phase.
    static let isolatePrimary = """
        name: isolate-primary
        events:
          - {at: 1s, duration: 6s, fault: partition, shape: isolate-leader}
        """

    typealias Run = ShortFormRun

    static func run(pipeline: String, workload: String, seed: Int, tag: String) async throws -> Run {
        try await ShortFormRun.run(pipeline: pipeline, workload: workload, nemesisYAML: isolatePrimary, seed: seed,
                                   name: "\(tag)-\(seed)", folderTag: "redis-\(tag)", timeLimit: 9, timeout: 240, system: "redis")
    }

    /// Whether a Sentinel of the run logged `+switch-master` (a failover it completed): a run without one
    /// says nothing about what a failover loses.
    static func sentinelSwitchedMaster(_ runDir: String) -> Bool {
        let nodes = runDir + "/nodes"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: nodes)) ?? []
        return names.contains { n in
            ["stdout.log", "stderr.log"].contains { f in
                (try? String(contentsOfFile: "\(nodes)/\(n)/\(f)", encoding: .utf8))?.contains("+switch-master") == true
            }
        }
    }

    static func okRate(_ h: History) -> String {
        let ok = h.ops.filter { $0.type == .ok }.count
        return "\(ok) ok of \(h.ops.filter { $0.type == .invoke }.count) ops"
    }

    /// The default profile (asynchronous replication, Sentinel failover) loses acknowledged adds in at
    /// least one of five seeds (a fresh-clone CI run once saw three seeds in a row lose nothing): the isolated primary keeps accepting them from the clients bound to it,
    /// and Sentinel makes it a replica of the new primary when the partition heals.
    @Test func sentinelFailoverLosesAcknowledgedWrites() async throws {
        var measured: [String] = []
        var lostSeen = false
        for seed in 1...5 {
            let r = try await Self.run(pipeline: "pipelines/redis-sentinel.yml", workload: "workloads/redis-set.yml", seed: seed, tag: "lost")
            defer { try? FileManager.default.removeItem(atPath: (r.dir as NSString).deletingLastPathComponent) }
            let set = try #require(r.results["checkers"]?["set"], "\(r.stderr.suffix(1500))")
            let lost = set["counts"]?["lost"]?.intValue ?? 0
            measured.append("seed \(seed): lost \(lost), \(Self.okRate(r.history)), set valid \(set["valid"] ?? .null), "
                            + "Sentinel failover \(Self.sentinelSwitchedMaster(r.dir) ? "seen" : "not seen")")
            // The partition cut the primary's links, and a Sentinel failover happened (the leader moved).
            let part = try #require(r.history.ops.first { $0.process == .nemesis && $0.f == "start-partition" })
            #expect(part.value["cut"]?.arrayValue?.isEmpty == false, "the partition cut nothing: \(part.value)")
            let log = try String(contentsOfFile: r.dir + "/faultline.log", encoding: .utf8)
            #expect(log.contains("nodes of store healthy; leader store-1"), "leader discovery did not find store-1")
            if lost > 0 {
                lostSeen = true
                let examples = set["examples"]?["lost"]?.arrayValue ?? []
                #expect(!examples.isEmpty, "lost > 0 without example ops")
                #expect(r.status == 1, "an invalid verdict must exit 1: \(r.status)")
                break
            }
        }
        print("redis-sentinel set under primary isolation: " + measured.joined(separator: "; "))
        #expect(lostSeen, "no acknowledged add was lost in 5 seeds: \(measured)")
    }

    /// Reads from replicas: the staleness checker measures stale reads; the figures are printed.
    @Test func replicaReadsAreMeasuredStale() async throws {
        let r = try await Self.run(pipeline: "pipelines/redis-replica-reads.yml", workload: "workloads/register.yml", seed: 3, tag: "stale")
        defer { try? FileManager.default.removeItem(atPath: (r.dir as NSString).deletingLastPathComponent) }
        let st = try #require(r.results["checkers"]?["staleness"], "\(r.stderr.suffix(1500))")
        let stale = st["counts"]?["stale-read"]?.intValue ?? 0
        print("redis-replica-reads register under primary isolation: stale reads \(stale), staleness \(st["details"] ?? .null), \(Self.okRate(r.history))")
        #expect(st["valid"] != nil)
        // Reads went to replicas (a read's node is its process' node, any role) and some of them succeeded.
        #expect(r.history.ops.contains { $0.f == "read" && $0.type == .ok && $0.node != "store-1" })
        #expect(stale > 0, "no stale read measured: \(st)")
        // With example ops, and a distribution of how far behind the stale reads were.
        #expect(st["examples"]?["stale-read"]?.arrayValue?.isEmpty == false, "stale reads without example ops")
        #expect(st["details"]?["time_behind_stale_reads"]?["count"]?.intValue == stale, "the distribution counts every stale read")
    }

    /// WAIT 2 500 after each write, min-replicas-to-write 1: while the primary is cut off, the writes it
    /// still accepts are ok with a note saying how few replicas acknowledged them.
    @Test func waitProfileRecordsShortAcknowledgements() async throws {
        let r = try await Self.run(pipeline: "pipelines/redis-wait.yml", workload: "workloads/redis-set.yml", seed: 1, tag: "wait")
        defer { try? FileManager.default.removeItem(atPath: (r.dir as NSString).deletingLastPathComponent) }
        let set = try #require(r.results["checkers"]?["set"], "\(r.stderr.suffix(1500))")
        let noted = r.history.ops.filter { $0.type == .ok && $0.error?.hasPrefix("wait: ") == true }
        let refused = r.history.ops.filter { $0.type == .fail && $0.error?.hasPrefix("NOREPLICAS") == true }
        print("redis-wait set under primary isolation: lost \(set["counts"]?["lost"] ?? .null), ok adds with a short WAIT \(noted.count), NOREPLICAS \(refused.count), \(Self.okRate(r.history))")
        #expect(!noted.isEmpty, "no ok write carried a short WAIT count")
        #expect(noted.allSatisfy { $0.f == "add" })
    }
}
