// ProcessRun: runs a short helper command (a health check, a setup step) to its end without holding a
// thread of Swift's cooperative pool while it runs: the pool has one thread per core, and a start-up that
// slept in a loop on it (a base backup can take a minute) stalled every other task of the process.
import Foundation

enum ProcessRun {
    /// Starts `p`, waits for its exit and kills it (SIGKILL) after `timeout` seconds: its exit status, or
    /// nil when the timeout killed it. Throws when `p` cannot start.
    static func run(_ p: Process, timeout: Double) async throws -> Int32? {
        let (exited, exit) = AsyncStream<Void>.makeStream()
        p.terminationHandler = { _ in exit.finish() }
        try p.run()
        let pid = p.processIdentifier
        let killed = KilledFlag()
        let timer = Task {
            try await Task.sleep(for: .milliseconds(Int64(saturating: timeout * 1000)))
            killed.set()
            kill(pid, SIGKILL)
        }
        for await _ in exited {}
        timer.cancel()
        return killed.isSet ? nil : p.terminationStatus
    }
}

/// Whether the timeout killed the process (set by the timer task, read after the exit).
private final class KilledFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
