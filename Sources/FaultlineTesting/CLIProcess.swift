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

    public static func run(_ binary: String, _ args: [String], cwd: URL, timeout: Double = 120,
                           signal: (Int32, Double)? = nil) throws -> Result {
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
