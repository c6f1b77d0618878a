// Reaper: one thread that wait()s on every node the supervisor started, so none lingers as a zombie.
import Foundation

/// Reaper polls waitpid(pid, WNOHANG) for the pids it was given. It waits on those pids only, never on
/// -1, so children started by other code in the same process (Foundation.Process, tests) are left alone.
final class Reaper: @unchecked Sendable {
    static let shared = Reaper()
    private let lock = NSLock()
    private var watched: [Int32: (NodeExit) -> Void] = [:]
    private var started = false

    func ensureRunning() {
        lock.lock()
        defer { lock.unlock() }
        if started { return }
        started = true
        let t = Thread { [unowned self] in self.loop() }
        t.name = "faultline-reaper"
        t.start()
    }

    func watch(pid: Int32, onExit: @escaping (NodeExit) -> Void) {
        lock.lock()
        watched[pid] = onExit
        lock.unlock()
    }

    private func loop() {
        while true {
            lock.lock()
            let pids = Array(watched.keys)
            lock.unlock()
            for pid in pids {
                var status: Int32 = 0
                let r = waitpid(pid, &status, WNOHANG)
                if r == pid || (r < 0 && errno == ECHILD) {
                    lock.lock()
                    let cb = watched.removeValue(forKey: pid)
                    lock.unlock()
                    cb?(r == pid ? NodeExit(waitStatus: status) : .code(-1))
                }
            }
            usleep(pids.isEmpty ? 20_000 : 2_000)
        }
    }
}
