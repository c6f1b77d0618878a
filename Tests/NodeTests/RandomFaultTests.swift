// Opt-in (FAULTLINE_SLOW=1): CP clusters under a seeded mix of faults through the Net proxies
// (blackhole cuts, TCP resets, latency, kill -9 and restart) keep every acknowledged write, and no
// node process dies on its own.
import Foundation
import History
import Net
import Testing

@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["FAULTLINE_SLOW"] == "1"))
struct RandomFaultTests {
    @Test(arguments: ["broker", "store", "warehouse"])
    func cpSurvivesMixedFaults(role: String) async throws {
        try await withCluster(role: role, settings: ReplicationFaultTests.cp[role]!) { c in
            try c.startAll()
            #expect(c.waitHealthy())
            var rng = SplitMix64(seed: 42)  // seeded, so a failing run can be replayed
            let ops = RoleOps(role: role)
            var acked: Set<Int> = []
            var i = 0
            var killed: String? = nil
            for _ in 0..<12 {
                let target = c.names.randomElement(using: &rng)!
                let others = c.names.filter { $0 != target }
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: await c.isolate(target)
                case 1: await c.net.set(.reset, on: others.flatMap { [LinkID(target, $0), LinkID($0, target)] })
                case 2: await c.net.set(LinkFaults(delayNanos: 50_000_000, jitterNanos: 20_000_000))
                case 3:
                    if killed == nil { c.kill9(target); killed = target }
                default:
                    await c.healAll()
                    if let k = killed { try c.start(k); killed = nil }
                }
                let end = Date().addingTimeInterval(1.5)
                while Date() < end {
                    i += 1
                    let node = c.names.randomElement(using: &rng)!
                    if ops.write(c.ports[node]!, i, timeout: 3) == 200 { acked.insert(i) }
                }
            }
            await c.healAll()
            if let k = killed { try c.start(k) }
            usleep(3_000_000)
            #expect(c.processes.values.allSatisfy { $0.isRunning }, "no node died on its own")
            var present: Set<Int>? = nil
            let deadline = Date().addingTimeInterval(10)
            while present == nil && Date() < deadline {
                if let l = c.waitLeader(timeout: 3) { present = ops.readAll(c.ports[l]!) }
            }
            #expect(!acked.isEmpty)
            #expect(acked.subtracting(present ?? []).isEmpty, "lost: \(acked.subtracting(present ?? []).sorted())")
        }
    }
}
