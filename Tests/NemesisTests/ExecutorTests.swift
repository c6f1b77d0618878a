// ExecutorTests: a schedule run against three real fixture nodes and their proxies records the nemesis
// ops and leaves every link healed and every node running.
import FaultlineTesting
import Foundation
import History
import Nemesis
import Net
import Supervisor
import Systems
import Testing

@Suite(.serialized) struct ExecutorTests {
    /// Three fixture nodes with full-mesh proxies; n2 claims leadership (term 3), n3 claims it with term 2.
    func cluster() async throws -> (Supervisor, ProxyNetwork, [String: Int]) {
        let sup = Supervisor()
        let net = ProxyNetwork(threads: 1)
        let names = ["n1", "n2", "n3"]
        let dir = TestSupport.tempDir("nemesis")
        var ports: [String: Int] = [:]
        for n in names { ports[n] = try PortAllocator.shared.allocate() }
        for a in names { for b in names where a != b { try await net.addLink(from: a, to: b, targetPort: ports[b]!) } }
        for n in names {
            var args = ["node", "--name", n, "--port", "\(ports[n]!)", "--data", "\(dir)/\(n)"]
            for (peer, addr) in net.peerAddresses(of: n) { args += ["--peer", "\(peer)=\(addr)"] }
            if n == "n2" { args += ["--leader", "n2", "--term", "3"] }
            if n == "n3" { args += ["--leader", "n3", "--term", "2"] }
            try sup.start(NodeSpec(name: n, executable: TestSupport.fixture, arguments: args, workingDirectory: "\(dir)/\(n)",
                                   ports: [ports[n]!], healthURL: "http://127.0.0.1:\(ports[n]!)/health"))
        }
        for n in names { try await sup.waitHealthy(n, timeout: 30) }
        return (sup, net, ports)
    }

    func discovery(_ ports: [String: Int]) -> StatusLeaderDiscovery {
        StatusLeaderDiscovery(statusURLs: ports.mapValues { "http://127.0.0.1:\($0)/status" })
    }

    @Test func statusLeaderDiscoveryPicksTheHighestTerm() async throws {
        let (sup, net, ports) = try await cluster()
        defer { sup.shutdown(grace: 1) }
        #expect(await discovery(ports).leader(among: ["n1", "n2", "n3"]) == "n2")
        #expect(await discovery(ports).leader(among: ["n1", "n3"]) == "n3")
        #expect(await discovery(ports).leader(among: ["n1"]) == nil)
        await net.shutdown()
    }

    @Test func scheduleRecordsItsOpsAndEndsHealed() async throws {
        let (sup, net, ports) = try await cluster()
        defer { sup.shutdown(grace: 1) }
        let schedule = try NemesisSchedule.parse(yaml: """
            events:
              - {at: 0s, duration: 400ms, fault: partition, shape: isolate-leader}
              - {at: 100ms, duration: 400ms, fault: kill, target: n1}
              - {at: 200ms, duration: 300ms, fault: pause, target: n3}
              - {at: 250ms, duration: 200ms, fault: latency, delay_ms: 30, target: n3}
              - {at: 300ms, duration: 10s, fault: bandwidth, bytes_per_second: 1000}
            """, file: "test.yml")
        let plan = try NemesisPlan.make(schedule, nodes: ["n1", "n2", "n3"], seed: 7, timeLimit: 1)
        let path = TestSupport.tempDir("hist") + "/history.jsonl"
        let history = try HistoryWriter(path: path)
        let n1Before = sup.pid(of: "n1")!
        let exec = NemesisExecutor(nodes: sup, net: net, history: history, leader: discovery(ports))
        await exec.run(plan)
        history.close()

        let ops = try HistoryLoader.load(path: path).history.ops
        #expect(ops.allSatisfy { $0.process == .nemesis && $0.type == .info })
        let fs = ops.map(\.f)
        for f in ["partition", "kill", "pause", "latency", "bandwidth"] {
            #expect(fs.contains("start-\(f)"))
            #expect(fs.contains("stop-\(f)"))
        }
        #expect(fs.last == "heal")
        // The partition isolated the leader, n2: every link to and from it.
        let part = try #require(ops.first { $0.f == "start-partition" })
        #expect(part.value["shape"] == "isolate-leader")
        let cutPairs: [[String]] = (part.value["cut"]?.arrayValue ?? []).map { pair in (pair.arrayValue ?? []).compactMap { $0.stringValue } }
        let cut = Set(cutPairs)
        #expect(cut == [["n1", "n2"], ["n2", "n1"], ["n2", "n3"], ["n3", "n2"]])
        // Kill names the pid killed; its stop names the new one.
        let kill = try #require(ops.first { $0.f == "start-kill" })
        #expect(kill.value["pids"] == [.int(Int(n1Before))])
        let restarted = try #require(ops.first { $0.f == "stop-kill" })
        #expect(restarted.value["nodes"] == ["n1"])
        // The bandwidth window ran past the time limit: it ends with the time limit, then heal.
        #expect(fs.firstIndex(of: "stop-bandwidth")! < fs.firstIndex(of: "heal")!)

        // Everything healed: every link healthy, every node running and answering.
        for l in net.allLinks { #expect(l.faults == .healthy, "\(l.id) still faulted") }
        for n in ["n1", "n2", "n3"] {
            #expect(sup.isRunning(n) && !sup.isPaused(n))
        }
        for n in ["n1", "n2", "n3"] { try await sup.waitHealthy(n, timeout: 20) }
        await net.shutdown()
    }

    @Test func healRestartsAndResumesWhatAFaultLeftBroken() async throws {
        let (sup, net, _) = try await cluster()
        defer { sup.shutdown(grace: 1) }
        let path = TestSupport.tempDir("heal") + "/history.jsonl"
        let history = try HistoryWriter(path: path)
        let exec = NemesisExecutor(nodes: sup, net: net, history: history, leader: nil)
        _ = await exec.start(.kill(.nodes(["n1"])))
        _ = await exec.start(.pause(.nodes(["n2"])))
        _ = await exec.start(.partition(shape: "halves", .grudge(.halves(["n1", "n2", "n3"]))))
        #expect(!sup.isRunning("n1"))
        await exec.healAll()
        history.close()
        let ops = try HistoryLoader.load(path: path).history.ops
        #expect(ops.map(\.f) == ["start-kill", "start-pause", "start-partition", "heal"])
        #expect(ops.last?.value["resumed"] == ["n2"])
        #expect(ops.last?.value["restarted"]?["n1"]?.intValue != nil)
        for l in net.allLinks { #expect(l.faults == .healthy) }
        for n in ["n1", "n2", "n3"] { try await sup.waitHealthy(n, timeout: 20) }
        await net.shutdown()
    }
}
