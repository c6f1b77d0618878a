// A TCP link proxy for the tests (threads + blocking sockets): nodes only ever see its address; the test
// cuts it to partition a link (existing connections are shut down, new ones closed at once).
import Foundation
#if canImport(Glibc)
import Glibc
#endif

final class TestProxy: @unchecked Sendable {
    private let lock = NSLock()
    private var isCut = false
    private var closed = false
    private var live: [Int32] = []
    private let listenFD: Int32
    let port: Int
    let target: Int

    init(target: Int) {
        self.target = target
        let listenFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listenFD = listenFD
        var one: Int32 = 1
        setsockopt(listenFD, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listenFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        listen(listenFD, 128)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listenFD, $0, &len) }
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
        let t = Thread { [self] in acceptLoop() }
        t.start()
    }

    func cut() {
        lock.lock(); isCut = true
        for fd in live { shutdown(fd, Int32(SHUT_RDWR)) }
        live.removeAll(); lock.unlock()
    }

    func heal() { lock.lock(); isCut = false; lock.unlock() }

    func stop() {
        cut()
        lock.lock(); closed = true; lock.unlock()
        shutdown(listenFD, Int32(SHUT_RDWR))
        close(listenFD)
    }

    private func acceptLoop() {
        while true {
            let c = accept(listenFD, nil, nil)
            if c < 0 {
                lock.lock(); let done = closed; lock.unlock()
                if done { return }
                continue
            }
            lock.lock(); let refuse = isCut || closed; lock.unlock()
            if refuse { close(c); continue }
            let u = TestProxy.connectTo(target)
            if u < 0 { close(c); continue }
            lock.lock(); live.append(c); live.append(u); lock.unlock()
            let pair = Pair(c, u)
            Thread { [self] in pump(c, u, pair) }.start()
            Thread { [self] in pump(u, c, pair) }.start()
        }
    }

    final class Pair: @unchecked Sendable {
        let a: Int32, b: Int32
        var done = 0
        let lock = NSLock()
        init(_ a: Int32, _ b: Int32) { self.a = a; self.b = b }
        func finish() {
            lock.lock(); done += 1; let last = done == 2; lock.unlock()
            if last { close(a); close(b) }
        }
    }

    private func pump(_ from: Int32, _ to: Int32, _ pair: Pair) {
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(from, &buf, buf.count, 0)
            if n <= 0 { break }
            var off = 0
            while off < n {
                let w = buf[off..<n].withUnsafeBytes { send(to, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if w <= 0 { break }
                off += w
            }
            if off < n { break }
        }
        shutdown(from, Int32(SHUT_RDWR)); shutdown(to, Int32(SHUT_RDWR))
        lock.lock(); live.removeAll { $0 == from || $0 == to }; lock.unlock()
        pair.finish()
    }

    static func connectTo(_ port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if ok != 0 { close(fd); return -1 }
        return fd
    }

    /// A free port on 127.0.0.1 (bound then released).
    static func freePort() -> Int {
        let p = TestProxy(target: 1)
        let port = p.port
        p.stop()
        return port
    }
}
