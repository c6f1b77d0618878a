// PeerClient: a blocking keep-alive HTTP/1.1 client to one peer, reusing one connection across calls.
import Foundation

/// PeerClient keeps one TCP connection to its peer open between calls, so faults can be seen to hit
/// connections opened before them. On a timeout or error the connection is dropped.
final class PeerClient: @unchecked Sendable {
    enum Outcome { case ok(String, reused: Bool), timeout, failed(String) }
    let host: String
    let port: Int
    private var fd: Int32 = -1
    private let lock = NSLock()

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    func get(_ path: String, timeoutMs: Double) -> Outcome {
        lock.lock()
        defer { lock.unlock() }
        var reused = true
        if fd < 0 {
            reused = false
            fd = RawHTTP.connect(host: host, port: port)
            if fd < 0 { return .failed("connect: \(String(cString: strerror(errno)))") }
        }
        let r = RawHTTP.request(fd: fd, path: path, timeoutMs: timeoutMs)
        switch r {
        case .ok(let body): return .ok(body, reused: reused)
        case .timeout:
            close(fd); fd = -1
            return .timeout
        case .failed(let why):
            close(fd); fd = -1
            return .failed(why)
        }
    }
}

/// RawHTTP: a minimal HTTP/1.1 exchange on a blocking socket (Content-Length bodies only).
enum RawHTTP {
    enum Outcome { case ok(String), timeout, failed(String) }

    static func connect(host: String, port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &addr.sin_addr)
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if r != 0 { close(fd); return -1 }
        return fd
    }

    static func request(fd: Int32, path: String, timeoutMs: Double) -> Outcome {
        var tv = timeval(tv_sec: Int(timeoutMs / 1000), tv_usec: Int(timeoutMs.truncatingRemainder(dividingBy: 1000) * 1000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let req = "GET \(path) HTTP/1.1\r\nHost: peer\r\n\r\n"
        let sent = req.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        if sent < 0 { return .failed("send: \(String(cString: strerror(errno)))") }
        var data = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 65536)
        var need: Int? = nil
        let deadline = Date().addingTimeInterval(timeoutMs / 1000)
        while true {
            if let n = need, data.count >= n { break }
            let r = recv(fd, &buf, buf.count, 0)
            if r == 0 { return .failed("connection closed") }
            if r < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK { return .timeout }
                if errno == EINTR { continue }
                return .failed(errno == ECONNRESET ? "connection reset" : String(cString: strerror(errno)))
            }
            data.append(contentsOf: buf[0..<r])
            if need == nil, let end = headerEnd(data) {
                let head = String(decoding: data[0..<end], as: UTF8.self).lowercased()
                let len = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                need = end + 4 + len
            }
            if Date() > deadline { return .timeout }
        }
        let end = headerEnd(data)!
        return .ok(String(decoding: data[(end + 4)...], as: UTF8.self))
    }

    static func headerEnd(_ d: [UInt8]) -> Int? {
        if d.count < 4 { return nil }
        for i in 0...(d.count - 4) where d[i] == 13 && d[i + 1] == 10 && d[i + 2] == 13 && d[i + 3] == 10 { return i }
        return nil
    }
}
