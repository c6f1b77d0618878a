// CLIProcess: runs a built executable (faultline, …) as a real process and captures its status and output.
import Foundation

/// CLIProcess runs an executable with a working directory, optionally sends it a signal after some
/// seconds, kills it at a timeout, and drains its pipes while it runs (a chatty child never blocks).
public enum CLIProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var pid: Int32
    }

    /// The package root (three levels above a test file: Tests/<Suite>/<file>.swift).
    public static func packageRoot(_ testFile: String = #filePath) -> URL {
        URL(fileURLWithPath: testFile).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// A built product next to the test bundle, else under .build/debug.
    public static func binary(_ name: String, testFile: String = #filePath) -> String {
        let beside = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent(name).path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return packageRoot(testFile).appendingPathComponent(".build/debug/\(name)").path
    }

    /// Runs the process to its end without holding a thread of Swift's cooperative pool: the waiting is
    /// done on a thread of its own. The pool has one thread per core (two on CI), and tests that blocked
    /// it while a faultline run went on for a minute stalled every other test's awaits, so servers other
    /// tests had started looked dead to them. At most `RunSlots.width` such processes run at once (each
    /// faultline run starts several nodes of its own; unthrottled, a whole suite's runs at once overload
    /// two cores until their verdicts say more about the machine than about the system).
    public static func run(_ binary: String, _ args: [String], cwd: URL, timeout: Double = 120,
                           signal: (Int32, Double)? = nil) async throws -> Result {
        try await RunSlots.shared.withSlot {
            try await OffPool.run { try runBlocking(binary, args, cwd: cwd, timeout: timeout, signal: signal) }
        }
    }

    static func runBlocking(_ binary: String, _ args: [String], cwd: URL, timeout: Double,
                            signal: (Int32, Double)?) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        p.currentDirectoryURL = cwd
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        final class Box: @unchecked Sendable { var data = Data() }
        let o = Box(), e = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { o.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { e.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let start = Date()
        var signalled = false
        while p.isRunning && Date().timeIntervalSince(start) < timeout {
            if let signal, !signalled, Date().timeIntervalSince(start) >= signal.1 {
                kill(p.processIdentifier, signal.0)
                signalled = true
            }
            usleep(50_000)
        }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        group.wait()
        return Result(status: p.terminationStatus, stdout: String(decoding: o.data, as: UTF8.self),
                      stderr: String(decoding: e.data, as: UTF8.self), pid: p.processIdentifier)
    }
}

/// OffPool runs blocking work (a process wait, a polling loop with usleep) on a new thread of its own and
/// resumes the awaiting task when it ends, so the cooperative pool stays free for everyone else.
public enum OffPool {
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, Error>) in
            let t = Thread { c.resume(with: Swift.Result { try work() }) }
            t.name = "faultline-test-wait"
            t.start()
        }
    }
}

/// RunSlots: at most `width` test processes at once; the others wait their turn without holding a thread.
public actor RunSlots {
    public static let shared = RunSlots(width: max(2, ProcessInfo.processInfo.activeProcessorCount))
    let width: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(width: Int) { self.width = width }

    public func withSlot<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        if running < width {
            running += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        // The slot passes straight to the next waiter (running stays the same), or is freed.
        if waiting.isEmpty { running -= 1 } else { waiting.removeFirst().resume() }
    }
}
