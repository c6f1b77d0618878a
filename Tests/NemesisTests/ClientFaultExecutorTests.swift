// ClientFaultExecutorTests: `partition-clients` and `latency-clients` change only the clients' links
// (`clients`→node), node faults only links between nodes; each start and stop is recorded.
import FaultlineTesting
import History
import Nemesis
import Net
import Supervisor
import Testing

struct ClientFaultExecutorTests {
    /// Links n1↔n2 and the clients' links to n1 and n2 (to ports nothing listens on: no traffic is
    /// needed to see which proxies carry which faults). No processes: the supervisor has no nodes.
    func network() async throws -> ProxyNetwork {
        let net = ProxyNetwork(threads: 1)
        let p1 = try PortAllocator.shared.allocate(), p2 = try PortAllocator.shared.allocate()
        try await net.addLink(from: "n1", to: "n2", targetPort: p2)
        try await net.addLink(from: "n2", to: "n1", targetPort: p1)
        try await net.addLink(from: LinkID.clients, to: "n1", targetPort: p1)
        try await net.addLink(from: LinkID.clients, to: "n2", targetPort: p2)
        return net
    }

    @Test func clientFaultsTouchOnlyClientLinksAndNodeFaultsOnlyNodeLinks() async throws {
        let net = try await network()
        let path = TestSupport.tempDir("client-faults") + "/history.jsonl"
        let history = try HistoryWriter(path: path)
        let exec = NemesisExecutor(nodes: Supervisor(), net: net, history: history, leader: nil)

        let cut = try #require(await exec.start(.partitionClients(.nodes(["n1"]))))
        #expect(net.link(LinkID.clients, "n1")?.faults.mode == .cut)
        #expect(net.link(LinkID.clients, "n2")?.faults == .healthy)
        #expect(net.link("n2", "n1")?.faults == .healthy, "a node link was cut by partition-clients")

        let slow = try #require(await exec.start(.clientLatency(delayMs: 40, jitterMs: 0, nil)))
        #expect(net.link(LinkID.clients, "n2")?.faults.delayNanos == 40_000_000)
        #expect(net.link("n1", "n2")?.faults.delayNanos == 0)

        // A node fault on every link: the clients' links keep what they had.
        let nodeLatency = try #require(await exec.start(.latency(delayMs: 10, jitterMs: 0, nil)))
        #expect(net.link("n1", "n2")?.faults.delayNanos == 10_000_000)
        #expect(net.link(LinkID.clients, "n2")?.faults.delayNanos == 40_000_000)
        #expect(nodeLatency.links.allSatisfy { !$0.isClientLink })

        // A target with no client link: the fault does not apply (and is not recorded).
        #expect(await exec.start(.partitionClients(.nodes(["n3"]))) == nil)

        await exec.stop(cut)
        #expect(net.link(LinkID.clients, "n1")?.faults.mode == .up)
        await exec.stop(slow)
        await exec.stop(nodeLatency)
        await exec.healAll()
        history.close()
        for l in net.allLinks { #expect(l.faults == .healthy, "\(l.id) still faulted") }

        let ops = try HistoryLoader.load(path: path).history.ops
        #expect(ops.map(\.f) == ["start-partition-clients", "start-latency-clients", "start-latency",
                                 "stop-partition-clients", "stop-latency-clients", "stop-latency", "heal"])
        #expect(ops.allSatisfy { $0.process == .nemesis && $0.type == .info })
        #expect(ops[0].value["nodes"] == ["n1"] && ops[0].value["cut"] == [["clients", "n1"]])
        #expect(ops[1].value["links"] == [["clients", "n1"], ["clients", "n2"]] && ops[1].value["delay_ms"]?.doubleValue == 40)
        #expect(ops[3].value["healed"] == [["clients", "n1"]])
        await net.shutdown()
    }
}
