// PortAllocator: hands out loopback ports that are free now and were not handed out before.
import Foundation

/// PortAllocator picks ports below the kernel's ephemeral range (so outgoing connections cannot take
/// them between the probe and the node's bind), bind-probes each on 127.0.0.1, and never hands the
/// same port out twice in one process.
public final class PortAllocator: @unchecked Sendable {
    public static let shared = PortAllocator()
    private let lock = NSLock()
    private var given: Set<Int> = []
    private let range: ClosedRange<Int>

    public init(range: ClosedRange<Int>? = nil) {
        if let r = range { self.range = r; return }
        // Stay below ip_local_port_range's low end (32768 by default).
        var low = 32768
        if let s = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8),
           let first = s.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first, let v = Int(first) {
            low = v
        }
        let hi = max(low - 1, 11000)
        self.range = 10000...hi
    }

    /// A port free on 127.0.0.1 now, never returned before by this allocator.
    public func allocate() throws -> Int {
        for _ in 0..<2000 {
            let p = Int.random(in: range)
            lock.lock()
            let taken = given.contains(p)
            if !taken { given.insert(p) }
            lock.unlock()
            if taken { continue }
            if Self.isFree(p) { return p }
        }
        throw SupervisorError.noFreePort
    }

    /// `count` distinct free ports.
    public func allocate(_ count: Int) throws -> [Int] { try (0..<count).map { _ in try allocate() } }

    /// Throws `portInUse` naming `owner` when a fixed port is taken.
    public func checkFree(_ port: Int, owner: String) throws {
        if !Self.isFree(port) { throw SupervisorError.portInUse(port: port, owner: owner) }
    }

    /// Tries to bind 127.0.0.1:port (with SO_REUSEADDR, as servers do, so TIME_WAIT does not count).
    public static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if fd < 0 { return false }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = in_addr_t(UInt32(0x7f00_0001).bigEndian)
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return r == 0
    }
}
