// RunCounters: live tallies of a run (ops by outcome, active faults) for the progress line and summary.
import Foundation

/// RunCounters is shared by the clients, the nemesis watcher and the progress printer.
final class RunCounters: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var ok = 0
    private(set) var fail = 0
    private(set) var info = 0
    private(set) var retired = 0

    func count(_ type: String) {
        lock.lock()
        defer { lock.unlock() }
        switch type {
        case "ok": ok += 1
        case "fail": fail += 1
        default: info += 1; retired += 1
        }
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
