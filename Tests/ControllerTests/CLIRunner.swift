// CLIRunner: runs the real `faultline` executable in the package root and captures status and output.
import FaultlineTesting
import Foundation

enum CLIRunner {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var binary: String {
        let beside = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("faultline").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return root.appendingPathComponent(".build/debug/faultline").path
    }

    typealias Result = CLIProcess.Result

    /// Runs `faultline args...` with the package root as working directory; kills it after `timeout` s.
    /// - Parameter signal: sent to the process `after` seconds, e.g. (SIGINT, 6).
    static func run(_ args: [String], timeout: Double = 120, signal: (Int32, Double)? = nil) async throws -> Result {
        try await CLIProcess.run(binary, args, cwd: root, timeout: timeout, signal: signal)
    }

    static func tempDir(_ tag: String) -> String {
        let d = NSTemporaryDirectory() + "faultline-ctl-\(tag)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    static func write(_ text: String, to path: String) {
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    }
}
