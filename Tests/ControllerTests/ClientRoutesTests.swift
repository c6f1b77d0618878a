// ClientRoutesTests: an address a node hands out maps to that node's client proxy, or is refused.
import Systems
import Testing

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
