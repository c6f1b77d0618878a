#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// HistoryWriter appends ops to a `history.jsonl` file, one line per op, each written with a
/// single write(2) as soon as it is recorded, so a crashed or killed run still leaves every
/// op it recorded on disk (at worst a truncated last line, which the reader tolerates).
///
/// It numbers ops and stamps their time (ns since the writer was created, monotonic clock).
/// Safe to call from many threads and tasks at once.
public final class HistoryWriter: @unchecked Sendable {
    public let path: String
    private let fd: Int32
    private let lock = NSLock()
    private var nextIndex = 0
    private let start: UInt64
    private var closed = false

    /// Opens (creating or truncating) the history file.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: "cannot open \(path): \(String(cString: strerror(errno)))"])
        }
        self.fd = fd
        self.start = HistoryWriter.monotonicNanos()
    }

    deinit { close() }

    /// Nanoseconds since this writer was created.
    public func now() -> Int64 { Int64(HistoryWriter.monotonicNanos() &- start) }

    /// Records an op: stamps index and time, appends the line, and returns the op as written.
    @discardableResult
    public func record(
        process: ProcessID, type: Op.Kind, f: String, key: String? = nil, value: JSONValue = .null,
        node: String? = nil, error: String? = nil
    ) -> Op {
        lock.lock()
        defer { lock.unlock() }
        let op = Op(index: nextIndex, time: now(), process: process, type: type, f: f, key: key, value: value, node: node, error: error)
        nextIndex += 1
        writeLine(op.jsonLine)
        return op
    }

    /// Appends an op as given, renumbering it to the next index (time is kept).
    @discardableResult
    public func append(_ op: Op) -> Op {
        lock.lock()
        defer { lock.unlock() }
        var op = op
        op.index = nextIndex
        nextIndex += 1
        writeLine(op.jsonLine)
        return op
    }

    /// How many ops were written so far.
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return nextIndex
    }

    /// Flushes to the disk (fsync) and closes. Later records are dropped.
    public func close() {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        closed = true
        fsync(fd)
        Glibc.close(fd)
    }

    private func writeLine(_ line: String) {
        guard !closed else { return }
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    return  // disk full or similar: nothing better to do than keep running
                }
                off += n
            }
        }
    }

    static func monotonicNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
