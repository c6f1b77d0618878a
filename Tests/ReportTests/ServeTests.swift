// `faultline serve`: a results folder over HTTP on 127.0.0.1, stopped by SIGTERM.
import FaultlineTesting
import Foundation
import Testing

struct ServeTests {
    /// GET with curl (HTTP/1.1, closes after one response): (status, body).
    static func get(_ port: Int, _ path: String) throws -> (Int, String) {
        let r = try CLIProcess.run("/usr/bin/curl", ["-s", "--path-as-is", "--max-time", "5", "-w", "\n%{http_code}", "http://127.0.0.1:\(port)\(path)"],
                                   cwd: CLIProcess.packageRoot(), timeout: 10)
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    @Test func servesIndexAndRunFilesOnLoopback() throws {
        let results = TestSupport.tempDir("serve")
        defer { try? FileManager.default.removeItem(atPath: results) }
        let run = KnownRun.write(results: results)
        let a = try CLIProcess.run(CLIProcess.binary("faultline"), ["analyze", "--quiet", run], cwd: CLIProcess.packageRoot(), timeout: 60)
        #expect(a.status == 1)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLIProcess.binary("faultline"))
        p.arguments = ["serve", results, "--port", "0"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer {
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
            p.waitUntilExit()
        }
        // The first line names the port: "serving <dir> on http://127.0.0.1:<port>/ ...".
        var line = Data()
        let deadline = Date().addingTimeInterval(15)
        while !line.contains(0x0A) && Date() < deadline {
            let d = out.fileHandleForReading.availableData
            if d.isEmpty { break }
            line.append(d)
        }
        let text = String(decoding: line, as: UTF8.self)
        let port = try #require(text.components(separatedBy: "127.0.0.1:").dropFirst().first.flatMap { Int($0.prefix { $0.isNumber }) }, "\(text)")
        let index = try Self.get(port, "/index.html")
        #expect(index.0 == 200)
        #expect(index.1.contains("Faultline results"))
        let report = try Self.get(port, "/known/20261125T010203Z/report.html")
        #expect(report.0 == 200)
        #expect(report.1.contains("INVALID"))
        let missing = try Self.get(port, "/%2e%2e/%2e%2e/etc/passwd")
        #expect(missing.0 != 200)
        #expect(!missing.1.contains("root:"))
        kill(p.processIdentifier, SIGTERM)
        #expect(TestSupport.waitDead([p.processIdentifier], timeout: 10).isEmpty, "serve stops on SIGTERM")
    }
}
