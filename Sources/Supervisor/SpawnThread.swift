// SpawnThread: one thread that lives as long as the process and does every fork/exec.
import CSpawn
import Foundation

/// SpawnThread runs every spawn on one long-lived thread, because PR_SET_PDEATHSIG fires when the
/// spawning *thread* exits: spawning from a pool thread that later retires would kill healthy nodes.
final class SpawnThread: @unchecked Sendable {
    static let shared = SpawnThread()

    private let cond = NSCondition()
    private var jobs: [() -> Void] = []

    private init() {
        let t = Thread { [unowned self] in self.loop() }
        t.name = "faultline-spawn"
        t.start()
    }

    private func loop() {
        while true {
            cond.lock()
            while jobs.isEmpty { cond.wait() }
            let job = jobs.removeFirst()
            cond.unlock()
            job()
        }
    }

    /// Runs `body` on the spawn thread and returns its result (blocking the caller briefly).
    func run<T>(_ body: @escaping () -> T) -> T {
        let done = DispatchSemaphore(value: 0)
        var result: T?
        cond.lock()
        jobs.append {
            result = body()
            done.signal()
        }
        cond.signal()
        cond.unlock()
        done.wait()
        return result!
    }

    /// Spawns a process; returns its pid or throws a SupervisorError naming the failing step.
    func spawn(node: String, path: String, args: [String], env: [String], cwd: String,
               stdoutFD: Int32, stderrFD: Int32, cgroupProcsFD: Int32 = -1) throws -> Int32 {
        let r: (Int32, Int32, String) = run {
            var cargs: [UnsafeMutablePointer<CChar>?] = ([path] + args).map { strdup($0) } + [nil]
            var cenv: [UnsafeMutablePointer<CChar>?] = env.map { strdup($0) } + [nil]
            defer {
                cargs.forEach { free($0) }
                cenv.forEach { free($0) }
            }
            var pid: pid_t = 0
            var step: UnsafePointer<CChar>? = nil
            let err = cspawn_start(path, &cargs, &cenv, cwd, stdoutFD, stderrFD, cgroupProcsFD, &pid, &step)
            return (err, pid, step.map { String(cString: $0) } ?? "")
        }
        if r.0 != 0 { throw SupervisorError.spawnFailed(node: node, step: r.2, errno: r.0) }
        return r.1
    }
}
