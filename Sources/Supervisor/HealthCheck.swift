// HealthCheck: a tiny blocking HTTP GET on loopback, so the supervisor needs no HTTP stack.
import Foundation

/// HealthCheck sends `GET path HTTP/1.0` to an http://host:port URL and returns the status code.
enum HealthCheck {
    struct Failure: Error { let message: String }

    static func get(_ url: String, timeout: Double) -> Result<Int, Failure> {
        guard let u = URL(string: url), u.scheme == "http", let host = u.host, let port = u.port else {
            return .failure(Failure(message: "bad health URL '\(url)' (want http://127.0.0.1:PORT/path)"))
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if fd < 0 { return .failure(Failure(message: "socket: \(String(cString: strerror(errno)))")) }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &addr.sin_addr)
        let c = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if c != 0 { return .failure(Failure(message: "connect \(host):\(port): \(String(cString: strerror(errno)))")) }
        let path = u.path.isEmpty ? "/" : u.path
        let req = "GET \(path) HTTP/1.0\r\nHost: \(host)\r\n\r\n"
        _ = req.withCString { send(fd, $0, strlen($0), 0) }
        var buf = [UInt8](repeating: 0, count: 256)
        let n = recv(fd, &buf, buf.count, 0)
        if n <= 0 { return .failure(Failure(message: n == 0 ? "connection closed" : "no answer within \(timeout)s")) }
        let line = String(decoding: buf[0..<n], as: UTF8.self).split(separator: "\r\n").first ?? ""
        let parts = line.split(separator: " ")
        guard parts.count >= 2, let code = Int(parts[1]) else { return .failure(Failure(message: "bad HTTP answer")) }
        return .success(code)
    }
}
