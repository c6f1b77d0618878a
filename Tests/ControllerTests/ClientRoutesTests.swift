// ClientRoutesTests: an address a node hands out maps to that node's client proxy, or is refused.
import Foundation
import Nemesis
import Systems
import Testing
@testable import Controller

struct ClientRoutesTests {
    @Test func handedOutAddressesGoThroughTheProxyOrNowhere() throws {
        var n = SystemNode(name: "queue-1", port: 41_001)
        // No routes (a client outside a run): addresses are used as given.
        #expect(try n.clientAddress(host: "127.0.0.1", port: 9092) == ("127.0.0.1", 9092))
        n.clientRoutes = [9092: 41_001, 9093: 41_002]
        for host in ["127.0.0.1", "localhost", "queue-2.faultline", "127.1.1.2"] {
            let a = try n.clientAddress(host: host, port: 9093)
            #expect(a == ("127.0.0.1", 41_002), "\(host) → \(a)")
        }
        #expect(try n.clientAddress(of: SystemNode(name: "queue-1", port: 9092)) == ("127.0.0.1", 41_001))
        // A port with no proxy, or a host that is not ours: refused rather than dialed around the proxies.
        #expect(throws: UnroutedAddress.self) { try n.clientAddress(host: "127.0.0.1", port: 9094) }
        #expect(throws: UnroutedAddress.self) { try n.clientAddress(host: "10.0.0.7", port: 9092) }
    }
}

/// The shipped client-fault schedules plan against the nodes of the pipelines they are meant for, and
/// campaigns/kafka.yml (which names one) loads with every nemesis planning.
struct ShippedClientFaultTests {
    static func path(_ p: String) -> String { CLIRunner.root.appendingPathComponent(p).path }

    @Test func shippedClientFaultSchedulesPlan() throws {
        let broker = try NemesisPlan.load(path: Self.path("nemesis/partition-clients-broker.yml"), nodes: ["queue-1"], seed: 1, timeLimit: 15)
        #expect(!broker.isEmpty && broker.allSatisfy { $0.action == .partitionClients(.leader) })
        let api = try NemesisPlan.load(path: Self.path("nemesis/partition-clients-api.yml"), nodes: ["ingest-1", "api-1"], seed: 1,
                                       timeLimit: 15, components: ["ingest": ["ingest-1"], "api": ["api-1"]])
        #expect(!api.isEmpty && api.allSatisfy { $0.action == .partitionClients(.nodes(["api-1"])) })
    }

    @Test func kafkaCampaignLoadsWithTheClientPartition() throws {
        let c = try CampaignFile.load(path: Self.path("campaigns/kafka.yml"))
        #expect(c.nemeses.map(\.name).contains("partition-clients-broker"))
        for n in c.nemeses {
            let p = n.path.hasPrefix("/") ? n.path : Self.path(n.path)
            _ = try NemesisPlan.load(path: p, nodes: ["queue-1"], seed: 1, timeLimit: c.timeLimit)
        }
    }
}
