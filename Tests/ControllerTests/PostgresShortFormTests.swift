// `system: postgres` end to end against real PostgreSQL 15 servers: a primary and two standbys started
// from the short block (as user postgres), replication through Faultline's proxies, the nemesis'
// failover fault promoting a standby. Short runs (a 5 s fault each); their figures are printed.
import Foundation
import History
import Systems
import Testing

@testable import Controller

enum PostgresInstall {
    /// The server binaries (Debian keeps them off PATH, in /usr/lib/postgresql/<v>/bin), psql, and a
    /// postgres user to run them as when the tests run as root.
    static let available: Bool = {
        let bins = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        let server = bins.contains { access("/usr/lib/postgresql/\($0)/bin/initdb", X_OK) == 0 } || RedisInstall.inPath("initdb")
        return server && RedisInstall.inPath("psql") && (geteuid() != 0 || getpwnam("postgres") != nil)
    }()
}

struct PostgresSettingsTests {
    @Test func badPostgresBlocksNameLineAndField() {
        let cases: [(String, Int, String, String)] = [
            ("    system: postgres\n    settings:\n      synchronous_commit: maybe\n", 6, "components.kv.settings.synchronous_commit", "remote_apply"),
            ("    system: postgres\n    nodes: 3\n    settings:\n      synchronous_standby_names: ANY 3\n", 7,
             "components.kv.settings.synchronous_standby_names", "only 2 standbys run"),
            ("    system: postgres\n    settings:\n      synchronous_standby_names: SOME 1\n", 6,
             "components.kv.settings.synchronous_standby_names", "'FIRST k' or 'ANY k'"),
            ("    system: postgres\n    settings:\n      reads: replicas\n", 6, "components.kv.settings.reads", "primary, standbys or any"),
            ("    system: postgres\n    settings:\n      failover: raft\n", 6, "components.kv.settings.failover", "none, promote or patroni"),
            ("    system: postgres\n    nodes: 3\n    settings:\n      failover: patroni\n      synchronous_standby_names: FIRST 3\n", 8,
             "components.kv.settings.synchronous_standby_names", "only 2 standbys run"),
            ("    system: postgres\n    settings:\n      wal_level: minimal\n", 6, "components.kv.settings.wal_level", "unknown field"),
        ]
        SystemBlockTests.expectEachFails(cases)
    }

    /// One process kind: node 1 initdb's, the others copy it; the server runs as user postgres with the
    /// supervisor's parent-death signal kept; the standby names are every node's, quoted.
    @Test func theShortFormIsOneKindRunAsPostgres() throws {
        let p = try SystemBlockTests.load("    system: postgres\n    nodes: 3\n    settings: {synchronous_commit: remote_apply, synchronous_standby_names: ANY 1, reads: standbys, failover: promote}\n")
        let c = try #require(p.component(named: "kv"))
        #expect(c.replicas == 3)
        let cmd = try #require(c.command)
        #expect(cmd.peerPort == "client" && cmd.clientPort == "client" && cmd.client == "postgres")
        #expect(cmd.clientSettings == ["reads": .string("standbys"), "failover": .string("promote")])
        let script = try #require(cmd.args.dropFirst().first)
        #expect(script.contains("--pdeathsig keep") && script.contains("pg_basebackup") && script.contains("initdb"))
        #expect(script.contains("synchronous_standby_names = 'ANY 1 ($names)'") && script.contains("synchronous_commit = remote_apply"))
        #expect(cmd.stopSignal == SIGINT)
        #expect(cmd.setup.count == 1 && cmd.setup.first?.when == .afterHealthy)
        #expect(!cmd.ownedByCgroup)
    }

    /// `failover: patroni`: etcd members first, then the Patroni nodes (the client kind), which are owned
    /// by cgroups and dial each other on PostgreSQL's and the REST API's ports (both proxied); Patroni's
    /// strict synchronous mode stands for the synchronous standbys.
    @Test func thePatroniFormIsEtcdThenCgroupOwnedPatroniNodes() throws {
        let p = try SystemBlockTests.load("    system: postgres\n    nodes: 3\n    settings: {synchronous_commit: remote_apply, synchronous_standby_names: ANY 1, failover: patroni}\n")
        let c = try #require(p.component(named: "kv"))
        let kinds = c.commandKinds
        #expect(kinds.map(\.name) == ["etcd", "node"])
        let etcd = try #require(kinds.first?.command), node = try #require(kinds.last?.command)
        #expect(etcd.proxiedPorts == ["client", "peer"] && !etcd.ownedByCgroup)
        #expect(node.proxiedPorts == ["client", "rest"] && node.ownedByCgroup && kinds.last?.isClientKind == true)
        let script = try #require(node.args.dropFirst().first)
        #expect(script.contains("synchronous_mode_strict: true") && script.contains("synchronous_node_count: 1"))
        #expect(script.contains("connect_address: '$1:$2'") && script.contains("/usr/bin/patroni"))
        #expect(node.args.last == "{peers:etcd:client}")
    }

    /// The nemesis' failover fault against a system without an orchestrator applies nothing: the
    /// adapter offers none unless `failover: promote`.
    @Test func onlyPromoteOffersAFailover() {
        let sys = PostgresSystem()
        let node = SystemNode(name: "kv-1", port: 1)
        #expect(sys.adapter(AdapterContext(settings: ["failover": .string("promote")], workload: "register", opTimeout: 1, concurrency: 1)).failover([node]) != nil)
        #expect(sys.adapter(AdapterContext(settings: [:], workload: "register", opTimeout: 1, concurrency: 1)).failover([node]) == nil)
    }
}

@Suite(.serialized, .enabled(if: PostgresInstall.available, "PostgreSQL not installed (scripts/test installs postgresql)"))
struct PostgresShortFormTests {
    /// The primary cut off from both standbys for 5 s, 1 s into the fault phase; the system's failover 1 s later.
    static let partitionPrimary = """
        name: partition-primary-failover
        events:
          - {at: 1s, duration: 5s, fault: partition, shape: isolate-leader}
          - {at: 2s, duration: 1s, fault: failover}
        """
    /// The primary SIGKILLed for 5 s, 1 s into the fault phase; the system's failover 1 s later.
    static let killPrimary = """
        name: kill-primary-failover
        events:
          - {at: 1s, duration: 5s, fault: kill, target: leader}
          - {at: 2s, duration: 1s, fault: failover}
        """

    typealias Run = ShortFormRun

    static func run(pipeline: String, workload: String, nemesis: String, seed: Int, tag: String) async throws -> Run {
        try await ShortFormRun.run(pipeline: pipeline, workload: workload, nemesisYAML: nemesis, seed: seed,
                                   name: "\(tag)-\(seed)", folderTag: "pg-\(tag)", timeLimit: 8, timeout: 240, system: "postgres")
    }

    /// Removes the run's whole temporary folder (`<tmp>/faultline-ctl-pg-*/results/<name>/<stamp>`).
    static func remove(_ r: Run) {
        let top = ((r.dir as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        let dir = (top as NSString).deletingLastPathComponent
        guard (dir as NSString).lastPathComponent.hasPrefix("faultline-ctl-pg-") else { return }
        try? FileManager.default.removeItem(atPath: dir)
    }

    static func okRate(_ h: History) -> String {
        let ok = h.ops.filter { $0.type == .ok }.count
        let info = h.ops.filter { $0.type == .info && $0.process != .nemesis }.count
        return "\(ok) ok, \(info) info of \(h.ops.filter { $0.type == .invoke }.count) ops"
    }

    /// The failover happened: a standby was promoted and the other repointed at it.
    static func promoted(_ h: History) throws -> String {
        let f = try #require(h.ops.first { $0.process == .nemesis && $0.f == "start-failover" }, "no failover was recorded")
        #expect(f.value["repointed"]?.arrayValue?.count == 1, "\(f.value)")
        return try #require(f.value["promoted"]?.stringValue)
    }

    /// The synchronous profile with `failover: promote` (pipelines/postgres-sync.yml runs Patroni).
    static let syncPromote: String = {
        let path = CLIRunner.tempDir("pg-sync-promote") + "/postgres-sync-promote.yml"
        CLIRunner.write("""
            name: postgres-sync-promote
            components:
              store:
                system: postgres
                nodes: 3
                settings: {synchronous_commit: remote_apply, synchronous_standby_names: ANY 1, reads: primary, failover: promote}
            """, to: path)
        return path
    }()

    /// remote_apply with ANY 1 standby, reads from the primary, promote on failover: no acknowledged
    /// add is lost under a primary kill, and the registers stay linearizable under a primary partition
    /// (two runs, to keep the suite short; the campaign runs every combination).
    @Test func synchronousProfileKeepsAcknowledgedWrites() async throws {
        var measured: [String] = []
        let s = try await Self.run(pipeline: Self.syncPromote, workload: "workloads/postgres-set.yml", nemesis: Self.killPrimary, seed: 1, tag: "sync-kill-set")
        defer { Self.remove(s) }
        let set = try #require(s.results["checkers"]?["set"], "\(s.stderr.suffix(1500))")
        let promoted = try Self.promoted(s.history)
        measured.append("sync-kill set: lost \(set["counts"]?["lost"] ?? .null), \(Self.okRate(s.history)), promoted \(promoted)")
        #expect(set["valid"] == .bool(true), "\(set)")
        #expect(set["counts"]?["lost"]?.intValue ?? 0 == 0)
        let r = try await Self.run(pipeline: Self.syncPromote, workload: "workloads/register.yml", nemesis: Self.partitionPrimary, seed: 1, tag: "sync-part-reg")
        defer { Self.remove(r) }
        let lin = try #require(r.results["checkers"]?["linearizable"], "\(r.stderr.suffix(1500))")
        _ = try Self.promoted(r.history)
        measured.append("sync-part register: linearizable \(lin["valid"] ?? .null), \(Self.okRate(r.history))")
        print("postgres-sync under primary partition/kill + promote: " + measured.joined(separator: "; "))
        #expect(lin["valid"] == .bool(true), "\(lin)")
        #expect(r.status == 0, "a valid run exits 0: \(r.status) \(r.stderr.suffix(800))")
    }

    /// Asynchronous replication with promote: the adds the cut-off primary acknowledged before the
    /// failover are lost, in at least one of three seeds, with the ops as examples.
    @Test func asynchronousProfileLosesAcknowledgedWrites() async throws {
        var measured: [String] = []
        var lostSeen = false
        for seed in 1...3 {
            let r = try await Self.run(pipeline: "pipelines/postgres-async.yml", workload: "workloads/postgres-set.yml", nemesis: Self.partitionPrimary, seed: seed, tag: "async-lost")
            defer { Self.remove(r) }
            let set = try #require(r.results["checkers"]?["set"], "\(r.stderr.suffix(1500))")
            let lost = set["counts"]?["lost"]?.intValue ?? 0
            _ = try Self.promoted(r.history)
            measured.append("seed \(seed): lost \(lost), \(Self.okRate(r.history)), set valid \(set["valid"] ?? .null)")
            if lost > 0 {
                lostSeen = true
                #expect(set["examples"]?["lost"]?.arrayValue?.isEmpty == false, "lost > 0 without example ops")
                #expect(r.status == 1, "an invalid verdict must exit 1: \(r.status)")
                break
            }
        }
        print("postgres-async set under primary partition + promote: " + measured.joined(separator: "; "))
        #expect(lostSeen, "no acknowledged add was lost in 3 seeds: \(measured)")
    }

    /// Reads from standbys: while the primary is cut off the standbys stop moving; the staleness
    /// checker measures how many versions and how long behind those reads were.
    @Test func standbyReadsAreMeasuredStale() async throws {
        let r = try await Self.run(pipeline: "pipelines/postgres-async.yml", workload: "workloads/register.yml", nemesis: Self.partitionPrimary, seed: 3, tag: "async-stale")
        defer { Self.remove(r) }
        let st = try #require(r.results["checkers"]?["staleness"], "\(r.stderr.suffix(1500))")
        let stale = st["counts"]?["stale-read"]?.intValue ?? 0
        print("postgres-async register under primary partition + promote: stale reads \(stale), staleness \(st["details"] ?? .null), \(Self.okRate(r.history))")
        // Processes bound to the standbys read there (reads: standbys) and got answers.
        #expect(r.history.ops.contains { $0.f == "read" && $0.type == .ok && $0.node != "store-1" })
        #expect(stale > 0, "no stale read measured: \(st)")
    }
}
