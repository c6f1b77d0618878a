// FixtureProxy: one link proxy on one event loop thread, for bench/proxy (compared with haproxy nbthread 1).
import Foundation
import Net

func runProxy(_ o: [String: [String]]) {
    guard let listen = o["listen"]?.first.flatMap(Int.init), let target = o["target"]?.first.flatMap(Int.init) else {
        fail("proxy needs --listen PORT --target PORT")
    }
    let net = ProxyNetwork(threads: Int(o["threads"]?.first ?? "1") ?? 1)
    let sem = DispatchSemaphore(value: 0)
    Task {
        do {
            let l = try await net.addLink(from: "bench", to: "target", targetPort: target, listenPort: listen)
            print("proxy 127.0.0.1:\(l.listenPort) -> 127.0.0.1:\(target)")
            fflush(stdout)
        } catch {
            fail("proxy: \(error)")
        }
        sem.signal()
    }
    sem.wait()
    while true { sleep(1000) }
}
