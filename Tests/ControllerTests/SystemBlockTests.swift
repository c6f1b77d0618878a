// The Systems registry as a pipeline file meets it: `system:` blocks, unknown systems, a system's
// settings, and the one-time setup steps of a bootstrapped system (run for real).
import Foundation
import InputFiles
import Supervisor
import Systems
import Testing

@testable import Controller

struct SystemBlockTests {
    static func load(_ component: String) throws -> PipelineFile {
        let dir = CLIRunner.tempDir("sys")
        let path = dir + "/p.yml"
        CLIRunner.write("name: x\ncomponents:\n  kv:\n" + component, to: path)
        return try PipelineFile.load(path: path)
    }

    /// Each case, a component block of a pipeline file, fails to load with one error at its line and field
    /// whose message contains the text; a failure is reported at the caller's line.
    static func expectEachFails(_ cases: [(yaml: String, line: Int, field: String, text: String)],
                                sourceLocation: SourceLocation = #_sourceLocation) {
        for c in cases {
            let e = failure(c.yaml)
            #expect(e?.line == c.line && e?.field == c.field && e?.message.contains(c.text) == true,
                    "\(c.yaml): got \(String(describing: e))", sourceLocation: sourceLocation)
        }
    }

    static func failure(_ component: String) -> InputError? {
        do {
            _ = try load(component)
            return nil
        } catch {
            return error as? InputError
        }
    }

    @Test func registryNamesEverySystemOnce() throws {
        #expect(SystemRegistry.names == ["builtin", "etcd", "redis", "seaweedfs", "tansu", "postgres"])
        #expect(Set(SystemRegistry.names).count == SystemRegistry.all.count)
        let etcd = try #require(SystemRegistry.named("etcd"))
        #expect(etcd.operations(workload: "register", role: nil) == ["read", "write", "cas"])
        #expect(etcd.operations(workload: "log", role: nil) == nil)
        #expect(etcd.bootstrap != nil)
        let builtin = try #require(SystemRegistry.named("builtin"))
        #expect(builtin.operations(workload: "log", role: .broker) != nil)
        #expect(builtin.operations(workload: "log", role: .store) == nil)
        #expect(builtin.bootstrap == nil)
        #expect(SystemRegistry.named("cassandra") == nil)
    }

    /// `system: etcd` becomes the same member command, ports, peers and health the long form spells out.
    @Test func etcdShortFormExpandsToMemberCommands() throws {
        let p = try Self.load("    system: etcd\n    nodes: 3\n    settings: {serializable: true, heartbeat_ms: 50, election_timeout_ms: 500}\n")
        let c = try #require(p.component(named: "kv"))
        #expect(c.role == "command" && c.replicas == 3)
        let cmd = try #require(c.command)
        #expect(cmd.command == "etcd" && cmd.client == "etcd")
        #expect(cmd.clientSettings == ["serializable": .bool(true)])
        #expect(cmd.ports.map(\.name).sorted() == ["client", "peer"] && cmd.ports.allSatisfy { $0.base == nil })
        #expect(cmd.peerPort == "peer" && cmd.clientPort == "client" && cmd.peerNames == .hosts)
        #expect(cmd.health == .url("http://127.0.0.1:{port:client}/health"))
        #expect(cmd.stopSignal == SIGTERM && cmd.stopGrace == 3)
        #expect(cmd.args.contains("--initial-cluster={cluster}"))
        #expect(cmd.args.contains("--heartbeat-interval=50") && cmd.args.contains("--election-timeout=500"))

        // Placed: the same templates fill in as for the long form (nodes kv-1..3, peers by host name).
        let dir = CLIRunner.tempDir("sys-place")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let nodes = try NodePlacement.place(p, components: ["kv"], runDir: dir)
        #expect(nodes.map(\.name) == ["kv-1", "kv-2", "kv-3"])
        let v = CommandNodes.values(nodes[0], all: nodes)
        let cluster = TemplateText.expand("{cluster}", v)
        #expect(cluster == nodes.map { "\($0.name)=http://\($0.name).faultline:\($0.ports["peer"]!)" }.joined(separator: ","))
        #expect(nodes[0].systemNode.port == nodes[0].ports["client"])

        // Defaults: 3 nodes, linearizable reads.
        let d = try #require(try Self.load("    system: etcd\n").component(named: "kv"))
        #expect(d.replicas == 3 && d.command?.clientSettings == [:])
    }

    @Test func badSystemBlocksNameLineAndField() {
        let cases: [(String, Int, String, String)] = [
            ("    system: nosuch\n", 4, "components.kv.system", "unknown system 'nosuch' (one of builtin, etcd, redis, seaweedfs, tansu, postgres)"),
            ("    system: builtin\n", 4, "components.kv.system", "does not start builtin itself"),
            ("    system: etcd\n    nodes: 12\n", 5, "components.kv.nodes", "between 1 and 9"),
            ("    system: etcd\n    replicas: 3\n", 5, "components.kv.replicas", "unknown field"),
            ("    system: etcd\n    settings:\n      serialisable: true\n", 6, "components.kv.settings.serialisable", "unknown field"),
            ("    system: etcd\n    settings:\n      serializable: maybe\n", 6, "components.kv.settings.serializable", "true or false"),
            ("    system: etcd\n    settings:\n      heartbeat_ms: 300\n", 6, "components.kv.settings.election_timeout_ms", "5 × heartbeat_ms"),
            ("    system: etcd\n    settings:\n      election_timeout_ms: 0\n", 6, "components.kv.settings.election_timeout_ms", "50...60000"),
        ]
        SystemBlockTests.expectEachFails(cases)
    }

    /// An unknown system through the real executable: exit 2, one line naming file, line and field.
    @Test func unknownSystemExits2() async throws {
        let dir = CLIRunner.tempDir("sys-unknown")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        CLIRunner.write("name: x\ncomponents:\n  store:\n    system: cassandra\n", to: dir + "/p.yml")
        let r = try await CLIRunner.run(["run", "--pipeline", dir + "/p.yml", "--workload", "workloads/register.yml", "--nemesis", "none",
                                   "--time-limit", "2", "--seed", "1", "--results", dir + "/results", "--quiet"], timeout: 60)
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(dir)/p.yml:4: field components.store.system: unknown system 'cassandra'"), "\(r.stderr)")
    }

    /// Setup steps run for real, with the node's template values; a failing step is a start problem
    /// whose output is kept in nodes/<n>/setup.log.
    @Test func setupStepsRunWithTheNodesValues() async throws {
        let p = try Self.load("    command: /bin/true\n    replicas: 2\n")
        let dir = CLIRunner.tempDir("sys-setup")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var nodes = try NodePlacement.place(p, components: ["kv"], runDir: dir)
        for i in nodes.indices {
            try FileManager.default.createDirectory(atPath: nodes[i].dataDir, withIntermediateDirectories: true)
            nodes[i].command!.setup = [
                SetupStep(when: .beforeStart, kind: "member", argv: ["/bin/sh", "-c", "echo init $0 > \"$1/initdb\"", "{name}", "{data_dir}"]),
                SetupStep(when: .afterHealthy, kind: "member", argv: ["/bin/sh", "-c", "echo join $0 >> \"$1/../joined\"", "{name}", "{data_dir}"]),
            ]
        }
        try await CommandNodes.runSetupBeforeStart(nodes, all: nodes)
        try await CommandNodes.runSetupAfterHealthy(nodes)
        for n in nodes {
            #expect(try String(contentsOfFile: n.dataDir + "/initdb", encoding: .utf8) == "init \(n.name)\n")
        }
        // After-healthy steps run once per component, on its first node.
        #expect(try String(contentsOfFile: nodes[0].folder + "/joined", encoding: .utf8) == "join kv-1\n")
        #expect(!FileManager.default.fileExists(atPath: nodes[1].folder + "/joined"))

        var bad = nodes[0]
        bad.command!.setup = [SetupStep(when: .beforeStart, kind: "member", argv: ["/bin/sh", "-c", "echo no disk >&2; exit 3"])]
        await #expect(throws: CommandNodes.StartProblem.self) { try await CommandNodes.runSetupBeforeStart([bad], all: [bad]) }
        #expect(try String(contentsOfFile: bad.folder + "/setup.log", encoding: .utf8).contains("no disk"))
    }
}
