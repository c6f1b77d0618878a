// Command components of pipeline files: parsing, template filling, and bad input naming file, line and field.
import Foundation
import InputFiles
import Net
import Supervisor
import Testing

@testable import Controller

struct CommandComponentTests {
    static func load(_ component: String) throws -> PipelineFile {
        let dir = CLIRunner.tempDir("cmd")
        let path = dir + "/p.yml"
        CLIRunner.write("name: x\ncomponents:\n  store:\n" + component, to: path)
        return try PipelineFile.load(path: path)
    }

    /// The error's line and field, and whether its message contains `text`.
    static func failure(_ component: String) -> (line: Int, field: String, message: String)? {
        do {
            _ = try load(component)
            return nil
        } catch let e as InputError {
            return (e.line, e.field, e.message)
        } catch {
            return (-1, "", "\(error)")
        }
    }

    @Test func etcdProfilesParse() throws {
        for (name, serializable) in [("etcd-linearizable", false), ("etcd-serializable", true)] {
            let p = try PipelineFile.load(path: CLIRunner.root.appendingPathComponent("pipelines/\(name).yml").path)
            #expect(p.name == name)
            let c = try #require(p.component(named: "store"))
            #expect(c.role == "command" && c.replicas == 3)
            let cmd = try #require(c.command)
            #expect(cmd.command == "etcd" && cmd.client == "etcd" && cmd.peerPort == "peer" && cmd.clientPort == "client")
            #expect(cmd.clientSettings["serializable"] == .bool(serializable))
            #expect(cmd.stopSignal == SIGTERM && cmd.peerNames == .hosts)
            #expect(cmd.args.contains("--logger=zap"))
        }
    }

    @Test func templatesFillInPortsPeersAndCluster() throws {
        let p = try Self.load("""
                command: /bin/true
                replicas: 3
                ports: {client: 21000, peer: 22000}
                peer_port: peer
                args: ["--me={name}@{host}:{port:client}", "--peers={peers}", "--cluster={cluster}", "{{x}}"]

            """)
        let dir = CLIRunner.tempDir("place")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let nodes = try NodePlacement.place(p, components: ["store"], runDir: dir)
        try #require(nodes.map(\.port) == [21000, 21001, 21002] && p.components.count == 1)
        let v = CommandNodes.values(nodes[1], all: nodes)
        let args = p.components[0].command!.args.map { TemplateText.expand($0, v) }
        #expect(args == ["--me=store-2@store-2.faultline:21001",
                         "--peers=store-1.faultline:22000,store-3.faultline:22002",
                         "--cluster=store-1=http://store-1.faultline:22000,store-2=http://store-2.faultline:22001,store-3=http://store-3.faultline:22002",
                         "{x}"])
        // Each node's hosts file sends a peer's name to that node's own proxy address for the link.
        let hosts = CommandNodes.hostsFile(nodes[1], all: nodes)
        #expect(hosts.contains("127.1.2.1 store-1.faultline\n127.0.0.1 store-2.faultline\n127.1.2.3 store-3.faultline\n"))
        // peer_names: addresses gives each node its own proxies' addresses instead.
        var a = nodes[1]
        a.command!.peerNames = .addresses
        let all = nodes.map { n -> ResolvedNode in var m = n; m.command!.peerNames = .addresses; return m }
        #expect(CommandNodes.values(a, all: all).peers == "127.1.2.1:22000,127.1.2.3:22002")
    }

    @Test func badCommandComponentsNameLineAndField() {
        let cases: [(String, Int, String, String)] = [
            ("    command: etcd\n    args: [\"--x={nope}\"]\n", 5, "components.store.args", "unknown placeholder {nope}"),
            ("    command: etcd\n    args: [\"--x={port:peer}\"]\n", 5, "components.store.args", "no port named 'peer'"),
            ("    command: etcd\n    args: [\"--x={cluster}\"]\n", 5, "components.store.args", "needs peer_port"),
            ("    command: etcd\n    ports: {client: free}\n    peer_port: peer\n", 6, "components.store.peer_port", "no port named 'peer'"),
            ("    command: etcd\n    ports: {client: 80}\n", 5, "components.store.ports.client", "base port between 1024"),
            ("    command: etcd\n    client: memcached\n", 5, "components.store.client", "unknown client 'memcached'"),
            ("    command: etcd\n    client: etcd\n    client_settings: {serialisable: true}\n", 6,
             "components.store.client_settings.serialisable", "unknown field"),
            ("    command: etcd\n    stop_signal: NICELY\n", 5, "components.store.stop_signal", "unknown signal"),
            ("    command: etcd\n    health: tcp://x\n", 5, "components.store.health", "http:// URL"),
            ("    command: etcd\n    args: [\"--x={name\"]\n", 5, "components.store.args", "unclosed '{'"),
            ("    command: etcd\n    role: store\n", 5, "components.store.role", "unknown field"),
        ]
        for (yaml, line, field, text) in cases {
            let f = Self.failure(yaml)
            #expect(f?.line == line && f?.field == field && f?.message.contains(text) == true,
                    "\(yaml): got \(String(describing: f))")
        }
    }
}

/// Command nodes started for real, without etcd: the private /etc/hosts, the health command, a missing command.
struct CommandNodeStartTests {
    /// Each node resolves its peers' names, inside its own mount namespace, to its own proxy address for
    /// that link; the health command decides when it is ready; the pid is the command itself.
    @Test func nodesResolvePeersThroughTheirOwnHostsFile() async throws {
        let dir = CLIRunner.tempDir("cmd-start")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/p.yml"
        CLIRunner.write("""
            components:
              svc:
                command: /bin/sh
                replicas: 2
                ports: {client: free, peer: free}
                peer_port: peer
                args: ["-c", "getent hosts svc-1.faultline svc-2.faultline > {data_dir}/resolved; sleep 1; touch {data_dir}/ready; exec sleep 30"]
                health: {command: [test, -e, "{data_dir}/ready"]}
                stop_signal: KILL

            """, to: path)
        let p = try PipelineFile.load(path: path)
        let nodes = try NodePlacement.place(p, components: ["svc"], runDir: dir)
        try #require(nodes.count >= 2)
        let net = ProxyNetwork(threads: 1)
        let sup = Supervisor()
        var pids: [Int32] = []
        do {
            try await NodePlacement.link(nodes, net: net)
            for s in try NodePlacement.writeConfigs(nodes, net: net, nodeExecutable: "unused") { pids.append(try sup.start(s)) }
            // Not ready for a second: the health command must wait for it.
            #expect(!FileManager.default.fileExists(atPath: nodes[0].dataDir + "/ready"))
            for n in nodes {
                try await CommandNodes.waitHealthy(n, all: nodes, supervisor: sup, timeout: 30)
                #expect(FileManager.default.fileExists(atPath: n.dataDir + "/ready"))
            }
            let r1 = try String(contentsOfFile: nodes[0].dataDir + "/resolved", encoding: .utf8)
            let r2 = try String(contentsOfFile: nodes[1].dataDir + "/resolved", encoding: .utf8)
            #expect(r1.contains("127.0.0.1") && r1.contains("127.1.1.2"), "\(r1)")
            #expect(r2.contains("127.1.2.1") && r2.contains("127.0.0.1"), "\(r2)")
            for pid in pids { #expect(EtcdTests.comm(pid) == "sleep") }
            // The controller's own /etc/hosts is untouched.
            let mine = try String(contentsOfFile: "/etc/hosts", encoding: .utf8)
            #expect(!mine.contains("svc-1.faultline"))
        } catch {
            Issue.record("\(error)")
        }
        sup.shutdown(grace: 1)
        await net.shutdown()
        for pid in pids { #expect(!EtcdTests.alive(pid)) }
    }

    /// A command that is not installed: exit 4 naming the node and the command.
    @Test func missingCommandCannotStart() throws {
        let dir = CLIRunner.tempDir("cmd-missing")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        CLIRunner.write("components:\n  store:\n    command: no-such-command-faultline\n    replicas: 1\n", to: dir + "/p.yml")
        let r = try CLIRunner.run(["run", "--pipeline", dir + "/p.yml", "--workload", "workloads/register.yml",
                                   "--nemesis", "none", "--time-limit", "2", "--seed", "1", "--results", dir, "--quiet"],
                                  timeout: 30)
        #expect(r.status == 4)
        #expect(r.stderr.contains("store-1: command 'no-such-command-faultline' not found in PATH"), "\(r.stderr)")
    }
}
