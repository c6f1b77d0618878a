// Per-link drop randomness is seeded from the test's seed: a re-run with the same seed makes the same
// drop decisions on each link, connection by connection.
import Foundation
import Net
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A TCP listener on 127.0.0.1 whose connections the test accepts itself: a connection the proxy
/// forwarded shows up here, a dropped one never does.
final class RawListener {
    let fd: Int32
    let port: Int

    init() throws {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(s, 128) == 0 else {
            close(s)
            throw POSIXError(.EADDRINUSE)
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &len) } }
        fd = s
        port = Int(UInt16(bigEndian: addr.sin_port))
    }

    deinit { close(fd) }
}

/// Opens one connection to `port` and says whether the proxy dropped it (the client sees a reset or
/// end of stream) or forwarded it (the target accepts it); waits up to `deadline` seconds for either.
func dropped(proxyPort: Int, target: RawListener, deadline: Double = 20) -> Bool? {
    let c = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(c) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = UInt16(proxyPort).bigEndian
    let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(c, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    guard ok == 0 else { return nil }
    let end = Date().addingTimeInterval(deadline)
    while Date() < end {
        var fds = [pollfd(fd: c, events: Int16(POLLIN), revents: 0), pollfd(fd: target.fd, events: Int16(POLLIN), revents: 0)]
        guard poll(&fds, 2, 200) >= 0 else { return nil }
        if fds[1].revents & Int16(POLLIN) != 0 {
            let a = accept(target.fd, nil, nil)
            if a >= 0 { close(a) }
            return false
        }
        if fds[0].revents != 0 {
            var b: UInt8 = 0
            if recv(c, &b, 1, 0) <= 0 { return true }
        }
    }
    return nil
}

@Suite(.serialized) struct SeededDropTests {
    static let connections = 24

    /// The drop decision of each of `connections` sequential connections through link a->b.
    static func decisions(seed: UInt64) async throws -> [Bool] {
        let target = try RawListener()
        let net = ProxyNetwork(threads: 1, seed: seed)
        let link = try await net.addLink(from: "a", to: "b", targetPort: target.port)
        await link.set(LinkFaults(dropProbability: 0.5))
        var out: [Bool] = []
        for i in 0..<connections {
            let d = dropped(proxyPort: link.listenPort, target: target)
            guard let d else {
                Issue.record("connection \(i): neither dropped nor forwarded in time")
                break
            }
            out.append(d)
        }
        await net.shutdown()
        return out
    }

    @Test func sameSeedSameDropsOnALink() async throws {
        let first = try await Self.decisions(seed: 42)
        let again = try await Self.decisions(seed: 42)
        try #require(first.count == Self.connections && again.count == Self.connections)
        #expect(first == again)
        // Both dropped some and kept some (p = 0.5), and they are the link's own seeded draws.
        #expect(first.contains(true) && first.contains(false))
        var r = LinkRandom(seed: 42, link: LinkID("a", "b"))
        #expect(first == (0..<Self.connections).map { _ in r.drop(0.5) })
    }

    @Test func drawsDependOnTheSeedAndTheLink() {
        func draws(_ seed: UInt64, _ from: String, _ to: String) -> [Bool] {
            var r = LinkRandom(seed: seed, link: LinkID(from, to))
            return (0..<64).map { _ in r.drop(0.5) }
        }
        #expect(draws(7, "a", "b") == draws(7, "a", "b"))
        #expect(draws(7, "a", "b") != draws(8, "a", "b"))
        #expect(draws(7, "a", "b") != draws(7, "b", "a"))
        var j1 = LinkRandom(seed: 7, link: LinkID("a", "b")), j2 = LinkRandom(seed: 7, link: LinkID("a", "b"))
        let js = (0..<32).map { _ in j1.jitter(upTo: 1_000_000) }
        #expect(js == (0..<32).map { _ in j2.jitter(upTo: 1_000_000) })
        #expect(js.allSatisfy { (0...1_000_000).contains($0) })
        // Jitter draws do not shift drop draws: they are separate streams.
        var mixed = LinkRandom(seed: 7, link: LinkID("a", "b"))
        let interleaved = (0..<64).map { _ -> Bool in
            _ = mixed.jitter(upTo: 10)
            return mixed.drop(0.5)
        }
        #expect(interleaved == draws(7, "a", "b"))
    }
}
