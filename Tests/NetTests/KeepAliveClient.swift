// KeepAliveClient: a blocking HTTP/1.1 client on one TCP connection, so tests can fault an open connection.
import Foundation

final class KeepAliveClient {
    enum Outcome: Equatable { case ok(Int, String), timeout, closed }
    let fd: Int32

    init?(port: Int) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if r != 0 {
            close(fd)
            return nil
        }
    }

    deinit { close(fd) }

    func send(_ path: String) {
        let req = "GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n"
        _ = req.withCString { Glibc.send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    }

    /// Reads one response (Content-Length body) within `timeout` seconds.
    func receive(timeout: Double) -> Outcome {
        var data = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 65536)
        var need: Int?
        let deadline = Date().addingTimeInterval(timeout)
        while need == nil || data.count < need! {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return .timeout }
            var tv = timeval(tv_sec: Int(left), tv_usec: max(1, Int((left - Double(Int(left))) * 1e6)))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            let n = recv(fd, &buf, buf.count, 0)
            if n == 0 { return .closed }
            if n < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK { return .timeout }
                if errno == EINTR { continue }
                return .closed
            }
            data.append(contentsOf: buf[0..<n])
            if need == nil, let end = RawHeaders.end(data) {
                let head = String(decoding: data[0..<end], as: UTF8.self).lowercased()
                let len = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                need = end + 4 + len
            }
        }
        let end = RawHeaders.end(data)!
        let status = Int(String(decoding: data[9..<12], as: UTF8.self)) ?? 0
        return .ok(status, String(decoding: data[(end + 4)...], as: UTF8.self))
    }

    func get(_ path: String, timeout: Double = 2) -> Outcome {
        send(path)
        return receive(timeout: timeout)
    }
}

enum RawHeaders {
    static func end(_ d: [UInt8]) -> Int? {
        if d.count < 4 { return nil }
        for i in 0...(d.count - 4) where d[i] == 13 && d[i + 1] == 10 && d[i + 2] == 13 && d[i + 3] == 10 { return i }
        return nil
    }
}
