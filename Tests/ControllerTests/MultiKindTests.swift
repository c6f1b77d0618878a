// Systems of several process kinds (SeaweedFS masters, volume servers and a filer; etcd beside Patroni):
// names, start waves, placeholders naming another kind, a proxy per dialed port, and a real start in order.
import Foundation
import Net
import Supervisor
import Systems
import Testing

@testable import Controller

struct MultiKindTests {
    /// Two kinds: `a` (two plain HTTP servers, dialed on `http`) starts first; `b`, the client kind,
    /// fetches from every `a` node by name before it serves, in a setup step and in its start script.
    static func plan(aCount: Int = 2) -> BootstrapPlan {
        let a = ProcessKind(name: "a", count: aCount, command: "python3",
                            args: ["-m", "http.server", "{port:http}", "--bind", "127.0.0.1", "--directory", "{data_dir}"],
                            ports: ["http"], clientPort: "http", peerPort: "http",
                            health: .url("http://127.0.0.1:{port:http}/"), stopSignal: SIGKILL)
        let fetchAll = "for p in $(echo \"$0\" | tr , ' '); do curl -sf --max-time 5 \"http://$p/\" >/dev/null || exit 1; echo \"$p\" >> \"$1/$2\"; done"
        let b = ProcessKind(name: "b", count: 1, command: "/bin/sh",
                            args: ["-c", fetchAll.replacingOccurrences(of: "{", with: "{{").replacingOccurrences(of: "}", with: "}}")
                                + " && exec python3 -m http.server \"$3\" --bind 127.0.0.1 --directory \"$1\"",
                                   "{peers:a:http}", "{data_dir}", "fetched", "{port:client}"],
                            ports: ["client"], clientPort: "client", health: .url("http://127.0.0.1:{port:client}/"),
                            stopSignal: SIGKILL)
        let step = SetupStep(when: .beforeStart, kind: "b",
                             argv: ["/bin/sh", "-c", fetchAll.replacingOccurrences(of: "{", with: "{{").replacingOccurrences(of: "}", with: "}}"),
                                    "{peers:a}", "{data_dir}", "step"])
        return BootstrapPlan(processes: [a, b], setup: [step], clientKind: "b")
    }

    static func component(_ plan: BootstrapPlan) throws -> PipelineFile {
        let kinds = try PipelineFile.commandKinds(plan, system: "test", clientSettings: [:]).get()
        let main = try #require(kinds.first { $0.isClientKind })
        var c = PipelineFile.Component(name: "kv", role: "command", replicas: main.count, basePort: nil, basePortLine: 0,
                                       settings: .object([:]), bugs: [], command: main.command)
        c.kinds = kinds
        return PipelineFile(path: "test.yml", name: "t", components: [c])
    }

    @Test func nodesAreNamedAndPlacedKindByKind() throws {
        let p = try Self.component(Self.plan())
        let c = try #require(p.component(named: "kv"))
        #expect(c.nodeNames == ["kv_a-1", "kv_a-2", "kv-1"])
        let dir = CLIRunner.tempDir("multikind-place")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let nodes = try NodePlacement.place(p, components: ["kv"], runDir: dir)
        #expect(nodes.map(\.name) == c.nodeNames)
        #expect(nodes.map(\.index) == [1, 2, 3])
        #expect(nodes.map(\.startWave) == [0, 0, 1])
        #expect(nodes.map(\.isClientNode) == [false, false, true])
        #expect(nodes.map(\.systemNode.kind) == ["a", "a", "b"])
        // Each kind runs only its own setup steps.
        #expect(nodes[0].command?.setup.isEmpty == true && nodes[2].command?.setup.count == 1)

        let a1 = nodes[0], a2 = nodes[1], b = nodes[2]
        let fromB = CommandNodes.values(b, all: nodes)
        let both = "kv_a-1.faultline:\(a1.ports["http"]!),kv_a-2.faultline:\(a2.ports["http"]!)"
        #expect(TemplateText.expand("{peers:a:http}", fromB) == both)
        #expect(TemplateText.expand("{peers:a}", fromB) == both)
        #expect(TemplateText.expand("{cluster:a}", fromB)
                == "kv_a-1=http://kv_a-1.faultline:\(a1.ports["http"]!),kv_a-2=http://kv_a-2.faultline:\(a2.ports["http"]!)")
        // `{peers}` stays the node's own kind, without itself.
        #expect(TemplateText.expand("{peers}", CommandNodes.values(a1, all: nodes)) == "kv_a-2.faultline:\(a2.ports["http"]!)")
        #expect(TemplateText.expand("{peers:b:client}", CommandNodes.values(a1, all: nodes)) == "kv-1.faultline:\(b.ports["client"]!)")
        // Every node's hosts file names every node of the component, whatever its kind.
        let hosts = CommandNodes.hostsFile(b, all: nodes)
        #expect(hosts.contains("127.1.3.1 kv_a-1.faultline") && hosts.contains("127.1.3.2 kv_a-2.faultline") && hosts.contains("127.0.0.1 kv-1.faultline"))
    }

    @Test func badPlansAreRefusedAtLoad() {
        func problem(_ change: (inout BootstrapPlan) -> Void) -> String? {
            var p = Self.plan()
            change(&p)
            if case .failure(let e) = PipelineFile.commandKinds(p, system: "test", clientSettings: [:]) { return e.message }
            return nil
        }
        #expect(problem { _ in } == nil)
        #expect(problem { $0.processes[1].args.append("{peers:c}") }?.contains("unknown placeholder {peers:c}") == true)
        #expect(problem { $0.processes[1].args.append("{peers:a:nope}") }?.contains("unknown placeholder") == true)
        #expect(problem { $0.setup[0].kind = "c" }?.contains("setup step for no process kind 'c'") == true)
        #expect(problem { $0.processes[1].name = "a"; $0.clientKind = "a" }?.contains("distinct lower-case names") == true)
        #expect(problem { $0.processes[0].name = "A_1" }?.contains("distinct lower-case names") == true)
        #expect(problem { $0.clientKind = "c" }?.contains("no process kind clients talk to") == true)
        #expect(problem { $0.processes[0].dialedPorts = ["admin"] }?.contains("dials a port it does not name: admin") == true)
    }

    /// A proxy per dialed port: a link to a kind dialed on two ports has two proxies, and a fault on the
    /// link reaches both.
    @Test func everyDialedPortHasAProxyAndFaultsReachThemAll() async throws {
        var plan = Self.plan(aCount: 1)
        plan.processes[0].ports = ["http", "admin"]
        plan.processes[0].dialedPorts = ["http", "admin"]
        let p = try Self.component(plan)
        let dir = CLIRunner.tempDir("multikind-links")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let nodes = try NodePlacement.place(p, components: ["kv"], runDir: dir)
        let net = ProxyNetwork(threads: 1)
        do {
            try await NodePlacement.link(nodes, net: net)
            let toA = net.proxies(LinkID("kv-1", "kv_a-1"))
            #expect(Set(toA.map(\.address)) == ["127.1.2.1:\(nodes[0].ports["http"]!)", "127.1.2.1:\(nodes[0].ports["admin"]!)"])
            // kv_a-1 dials kv-1 on no port: b dials nothing but is dialed on nothing either.
            #expect(net.proxies(LinkID("kv_a-1", "kv-1")).isEmpty)
            #expect(net.linkIDs == [LinkID("kv-1", "kv_a-1")])
            await net.set(.cut, on: [LinkID("kv-1", "kv_a-1")])
            for l in toA { #expect(l.faults == .cut) }
        } catch {
            Issue.record("\(error)")
        }
        await net.shutdown()
    }

    /// For real: kind `a` is healthy before `b`'s setup step and process run, both reach every `a` node by
    /// name through their own proxies, and every process ends with the supervisor.
    @Test func kindsStartInOrderAndDialThroughTheirProxies() async throws {
        let p = try Self.component(Self.plan())
        let dir = CLIRunner.tempDir("multikind-start")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let nodes = try NodePlacement.place(p, components: ["kv"], runDir: dir)
        let net = ProxyNetwork(threads: 1)
        let sup = Supervisor()
        do {
            try await NodePlacement.link(nodes, net: net)
            let specs = try NodePlacement.writeConfigs(nodes, net: net, nodeExecutable: "unused")
            try await CommandNodes.start(nodes, specs: specs, supervisor: sup)
            let b = nodes[2]
            let expected = nodes[0...1].map { "\($0.name).faultline:\($0.ports["http"]!)" }
            let step = try String(contentsOfFile: b.dataDir + "/step", encoding: .utf8)
            let fetched = try String(contentsOfFile: b.dataDir + "/fetched", encoding: .utf8)
            #expect(step.split(separator: "\n").map(String.init) == expected, "\(step)")
            #expect(fetched.split(separator: "\n").map(String.init) == expected, "\(fetched)")
            for a in nodes[0...1] {
                let proxy = try #require(net.link(b.name, a.name))
                #expect(await proxy.acceptedConnections() >= 2, "\(b.name) did not dial \(a.name) through its proxy")
            }
        } catch {
            Issue.record("\(error)")
        }
        let pids = nodes.compactMap { sup.pid(of: $0.name) }
        sup.shutdown(grace: 1)
        await net.shutdown()
        for pid in pids { #expect(!EtcdTests.alive(pid)) }
    }
}
