// RunCounters: live tallies of a run (ops by outcome, active faults) for the progress line and summary.
import Foundation

/// RunCounters is shared by the clients, the nemesis watcher and the progress printer.
final class RunCounters: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var ok = 0
    private(set) var fail = 0
    private(set) var info = 0
    private(set) var retired = 0
    /// Ok ops by function (the pipeline drain waits for as many committed offsets as ok `ingest`s).
    private var okByFunction: [String: Int] = [:]

    func count(_ type: String, f: String? = nil) {
        lock.lock()
        defer { lock.unlock() }
        switch type {
        case "ok":
            ok += 1
            if let f { okByFunction[f, default: 0] += 1 }
        case "fail": fail += 1
        default: info += 1; retired += 1
        }
    }

    /// How many ops of function `f` ended ok so far.
    func ok(of f: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return okByFunction[f] ?? 0
    }

    func snapshot() -> (ok: Int, fail: Int, info: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (ok, fail, info)
    }
}

/// LockedInt: one integer shared between tasks.
final class LockedInt: @unchecked Sendable {
    private let lock = NSLock()
    private var v: Int
    init(_ v: Int) { self.v = v }
    func get() -> Int { lock.lock(); defer { lock.unlock() }; return v }
    func set(_ n: Int) { lock.lock(); v = n; lock.unlock() }
}
