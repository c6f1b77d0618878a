// PortAllocator: hands out loopback ports that are free now and were not handed out before.
import Foundation

/// PortAllocator picks ports below the kernel's ephemeral range (so outgoing connections cannot take
/// them between the probe and the node's bind), bind-probes each on 127.0.0.1, and never hands the
/// same port out twice in one process. Between processes (parallel runs, campaign shards, a test
/// process beside the controllers it starts) a port handed out stays reserved for `holdSeconds`: an
/// flock on `<tmp>/faultline-ports/<port>` that other Faultline processes see and skip. Without it two
/// processes probed the same free port and the second node to bind it could not start.
public final class PortAllocator: @unchecked Sendable {
    public static let shared = PortAllocator()
    private let lock = NSLock()
    private var given: Set<Int> = []
    private let range: ClosedRange<Int>
    /// How long a port handed out stays reserved against other processes: long enough for the slowest
    /// node start (a node binds its ports when it starts; after that the bind probe sees it taken).
    static let holdSeconds = 180.0

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
            if Self.reserveAcrossProcesses(p) && Self.isFree(p) { return p }
        }
        throw SupervisorError.noFreePort
    }

    /// `count` distinct free ports.
    public func allocate(_ count: Int) throws -> [Int] { try (0..<count).map { _ in try allocate() } }

    /// Throws `portInUse` naming `owner` when a fixed port is taken.
    public func checkFree(_ port: Int, owner: String) throws {
        if !Self.isFree(port) { throw SupervisorError.portInUse(port: port, owner: owner) }
    }

    /// Takes the cross-process reservation of `port` (false: another process holds it). The lock's
    /// descriptor closes, and the reservation ends, `holdSeconds` later. Where the lock file cannot be
    /// made, the bind probe alone decides, as before.
    static func reserveAcrossProcesses(_ port: Int) -> Bool {
        if mkdir(reservations, 0o1777) == 0 { chmod(reservations, 0o1777) }
        let fd = open("\(reservations)/\(port)", O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
        if fd < 0 { return true }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            return false
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + holdSeconds) { close(fd) }
        return true
    }

    static let reservations = NSTemporaryDirectory() + "faultline-ports"

    /// Whether an allocator (of this process or another) holds `port`'s reservation now. Probing takes
    /// the lock and drops it at once; a flock belongs to its own open file, so the holder's stays.
    public static func isReserved(_ port: Int) -> Bool {
        let fd = open("\(reservations)/\(port)", O_RDWR | O_CLOEXEC)
        if fd < 0 { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 { return true }
        flock(fd, LOCK_UN)
        return false
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
