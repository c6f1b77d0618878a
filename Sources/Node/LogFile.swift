// The replicated log and the vote on disk: JSONL entries appended by a flusher thread (group commit),
// fsynced per batch when fsync=always, or written without fsync every flush interval when fsync=never.
import Foundation

struct Entry: Codable, Sendable {
    var term: Int
    var cmd: JSON
    enum CodingKeys: String, CodingKey { case term = "t", cmd = "c" }
}

struct Meta: Codable, Sendable {
    var term: Int
    var votedFor: String?
}

final class LogFile: @unchecked Sendable {
    let dir: String
    let fsyncAlways: Bool
    let flushInterval: TimeInterval
    private let cond = NSCondition()
    /// Held while writing to the file, so a final flush on shutdown keeps entries in order.
    private let writeLock = NSLock()
    // Guarded by cond:
    private var pending: [(index: Int, line: Data)] = []
    private var durable = 0
    private var waiters: [(index: Int, cont: CheckedContinuation<Void, Never>)] = []
    private var rewrite: [Entry]? = nil
    private var fd: Int32 = -1

    var logPath: String { dir + "/log.jsonl" }
    var metaPath: String { dir + "/meta.json" }

    init(dir: String, fsyncAlways: Bool, flushIntervalMs: Int) throws {
        self.dir = dir
        self.fsyncAlways = fsyncAlways
        self.flushInterval = Double(flushIntervalMs) / 1000
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        fd = open(logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        if fd < 0 { throw ConfigError(description: "\(logPath): cannot open: errno \(errno)") }
    }

    /// Reads what survived on disk. A torn last line (a crash mid-write) is dropped.
    func load() -> (Meta, [Entry]) {
        var entries: [Entry] = []
        if let data = FileManager.default.contents(atPath: logPath) {
            let dec = JSONDecoder()
            for line in data.split(separator: UInt8(ascii: "\n")) {
                guard let e = try? dec.decode(Entry.self, from: Data(line)) else { break }
                entries.append(e)
            }
        }
        let meta = FileManager.default.contents(atPath: metaPath)
            .flatMap { try? JSONDecoder().decode(Meta.self, from: $0) } ?? Meta(term: 0, votedFor: nil)
        cond.lock(); durable = entries.count; cond.unlock()
        return (meta, entries)
    }

    /// Starts the flusher thread.
    func start() {
        let t = Thread { [self] in flushLoop() }
        t.name = "log-flusher"
        t.start()
    }

    func append(index: Int, entry: Entry) {
        var line = (try? JSONEncoder().encode(entry)) ?? Data()
        line.append(UInt8(ascii: "\n"))
        cond.lock()
        pending.append((index, line))
        cond.signal()
        cond.unlock()
    }

    /// Replace the whole log (after a truncation); done by the flusher, in order with appends.
    func replaceAll(_ entries: [Entry]) {
        cond.lock()
        pending.removeAll()
        rewrite = entries
        durable = min(durable, entries.count)
        cond.signal()
        cond.unlock()
    }

    /// Waits until everything up to `index` is on disk (fsynced when fsync=always).
    func waitDurable(_ index: Int) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            cond.lock()
            if durable >= index { cond.unlock(); c.resume(); return }
            waiters.append((index, c))
            cond.signal()
            cond.unlock()
        }
    }

    var durableIndex: Int { cond.lock(); defer { cond.unlock() }; return durable }

    func saveMeta(_ meta: Meta) {
        let data = (try? JSONEncoder().encode(meta)) ?? Data()
        let tmp = metaPath + ".tmp"
        let f = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard f >= 0 else { return }
        data.withUnsafeBytes { _ = write(f, $0.baseAddress, $0.count) }
        if fsyncAlways { fsync(f) }
        close(f)
        rename(tmp, metaPath)
    }

    private func flushLoop() {
        while true {
            cond.lock()
            // fsync=never: batches wait for the flush interval (so a kill -9 loses up to that much);
            // fsync=always: write as soon as anything is pending.
            if fsyncAlways {
                while pending.isEmpty && rewrite == nil { cond.wait() }
            } else {
                // Appends do not wake us here: only the interval (or a truncation) does.
                let deadline = Date().addingTimeInterval(flushInterval)
                while rewrite == nil && Date() < deadline { _ = cond.wait(until: deadline) }
            }
            cond.unlock()
            writeLock.lock()
            cond.lock()
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            let rw = rewrite
            rewrite = nil
            cond.unlock()
            defer { writeLock.unlock() }

            if let rw {
                let tmp = logPath + ".tmp"
                let f = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                var all = Data()
                let enc = JSONEncoder()
                for e in rw { all.append((try? enc.encode(e)) ?? Data()); all.append(UInt8(ascii: "\n")) }
                writeAll(f, all)
                fsync(f)
                close(f)
                rename(tmp, logPath)
                close(fd)
                fd = open(logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            }
            var last = 0
            if !batch.isEmpty {
                var buf = Data()
                for b in batch { buf.append(b.line); last = b.index }
                writeAll(fd, buf)
                if fsyncAlways { fsync(fd) }
            }
            cond.lock()
            if last > 0 && pending.first.map({ $0.index > last }) ?? true { durable = max(durable, last) }
            if let rw, batch.isEmpty { durable = max(durable, rw.count) }
            var ready: [CheckedContinuation<Void, Never>] = []
            waiters.removeAll { w in
                if w.index <= durable || !fsyncAlways { ready.append(w.cont); return true }
                return false
            }
            cond.unlock()
            for c in ready { c.resume() }
        }
    }

    /// Writes and fsyncs whatever is pending, now (on a graceful shutdown, even with fsync=never).
    func flushNow() {
        writeLock.lock()
        defer { writeLock.unlock() }
        cond.lock()
        let batch = pending
        pending.removeAll()
        let rw = rewrite
        rewrite = nil
        cond.unlock()
        if let rw {
            var all = Data()
            let enc = JSONEncoder()
            for e in rw { all.append((try? enc.encode(e)) ?? Data()); all.append(UInt8(ascii: "\n")) }
            let f = open(logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            writeAll(f, all)
            fsync(f)
            close(f)
        }
        var buf = Data()
        for b in batch { buf.append(b.line) }
        let f = open(logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        writeAll(f, buf)
        fsync(f)
        close(f)
    }

    private func writeAll(_ f: Int32, _ data: Data) {
        data.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = write(f, raw.baseAddress! + off, raw.count - off)
                if n <= 0 { return }
                off += n
            }
        }
    }
}
