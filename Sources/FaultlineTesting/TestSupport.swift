// FaultlineTesting: shared by the Net, Supervisor and Nemesis tests: locating the fixture executable, raw HTTP GETs and process-table checks for these tests.
import Foundation

public enum TestSupport {
    /// Path of the `faultline-fixture` executable built next to the tests.
    public static var fixture: String {
        let argv0 = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var candidates = [argv0.appendingPathComponent("faultline-fixture").path]
        // Package root from this file: Sources/FaultlineTesting/TestSupport.swift.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/faultline-fixture").path)
        for c in candidates where FileManager.default.isExecutableFile(atPath: c) { return c }
        return candidates.last!
    }

    public static func tempDir(_ name: String) -> String {
        let d = NSTemporaryDirectory() + "faultline-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    /// True while `pid` exists and is not a zombie (a zombie is dead, only not yet reaped by its parent).
    public static func isAlive(_ pid: Int32) -> Bool {
        guard let s = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = s.lastIndex(of: ")") else { return false }
        let state = s[s.index(close, offsetBy: 2)]
        return state != "Z" && state != "X"
    }

    /// The parent pid from /proc/<pid>/stat (the field after the state), nil when `pid` is gone.
    public static func parentPid(_ pid: Int32) -> Int32? {
        guard let s = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = s.lastIndex(of: ")") else { return nil }
        let fields = s[s.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? Int32(fields[1]) : nil
    }

    /// Waits until none of `pids` is alive; returns those still alive after `timeout`.
    public static func waitDead(_ pids: [Int32], timeout: Double) -> [Int32] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if !pids.contains(where: isAlive) { return [] }
            usleep(20_000)
        }
        return pids.filter(isAlive)
    }

    /// One `GET path` on a new connection; (status, body) or nil on timeout/error.
    public static func get(port: Int, path: String, timeout: Double = 2) -> (Int, String)? {
        request(port: port, method: "GET", path: path, timeout: timeout)
    }

    /// One HTTP/1.1 request on a new connection to 127.0.0.1:`port` (Connection: close), blocking, with
    /// a timeout on every send and receive: (status, body), or nil when it was refused, reset or timed out.
    public static func request(port: Int, method: String, path: String, body: String? = nil,
                               headers: [String: String] = [:], timeout: Double = 2) -> (Int, String)? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        let c = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if c != 0 { return nil }
        let payload = Array((body ?? "").utf8)
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: \(payload.count)\r\n"
        if body != nil { head += "Content-Type: application/json\r\n" }
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        let bytes = Array((head + "\r\n").utf8) + payload
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return nil }
            off += n
        }
        var data = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buf, buf.count, 0)
            if n < 0 { return nil }
            if n == 0 { break }
            data.append(contentsOf: buf[0..<n])
        }
        let text = String(decoding: data, as: UTF8.self)
        guard text.hasPrefix("HTTP/1."), let sp = text.split(separator: " ", maxSplits: 2).dropFirst().first,
              let code = Int(sp) else { return nil }
        let bodyText = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
        return (code, bodyText)
    }
}

extension TestSupport {
    /// Pids of live (non-zombie) processes whose process group is `pgid`, from /proc.
    public static func liveMembers(ofGroup pgid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let s = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = s.lastIndex(of: ")") else { return false }
            let fields = s[s.index(close, offsetBy: 2)...].split(separator: " ")
            // fields: state, ppid, pgrp, ...
            return fields.count > 2 && fields[2] == "\(pgid)" && fields[0] != "Z"
        }
    }
}
