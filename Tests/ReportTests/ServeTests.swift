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

    /// GET with curl: (status, headers lower-cased, body).
    static func getWithHeaders(_ port: Int, _ path: String) throws -> (Int, [String: String], String) {
        let r = try CLIProcess.run("/usr/bin/curl", ["-s", "--path-as-is", "--max-time", "5", "-D", "-", "http://127.0.0.1:\(port)\(path)"],
                                   cwd: CLIProcess.packageRoot(), timeout: 10)
        let parts = r.stdout.components(separatedBy: "\r\n\r\n")
        let head = parts.first ?? ""
        var headers: [String: String] = [:]
        var status = 0
        for (i, line) in head.components(separatedBy: "\r\n").enumerated() {
            if i == 0 { status = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0; continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return (status, headers, parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    /// Starts `faultline serve DIR --port PORT`; returns the process and the port it printed.
    static func startServe(_ dir: String, port: Int = 0) throws -> (Process, Int) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLIProcess.binary("faultline"))
        p.arguments = ["serve", dir, "--port", String(port)]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        var line = Data()
        let deadline = Date().addingTimeInterval(15)
        while !line.contains(0x0A) && Date() < deadline {
            let d = out.fileHandleForReading.availableData
            if d.isEmpty { break }
            line.append(d)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let port = text.components(separatedBy: "127.0.0.1:").dropFirst().first.flatMap({ Int($0.prefix { $0.isNumber }) }) else {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            throw CocoaError(.fileReadUnknown, userInfo: ["output": text])
        }
        return (p, port)
    }

    /// Real symlinks planted in the served folder (to a file and to a folder outside it), `..`
    /// in every spelling and `%00`: nothing outside the folder is ever served. Links that stay
    /// inside are fine. Every file has an explicit type, nosniff, and a sandboxing CSP.
    @Test func neverServesOutsideTheFolderAndLabelsEveryFile() throws {
        let results = TestSupport.tempDir("serve-hostile")
        let outside = TestSupport.tempDir("serve-outside")
        defer {
            try? FileManager.default.removeItem(atPath: results)
            try? FileManager.default.removeItem(atPath: outside)
        }
        let fm = FileManager.default
        try "SECRET-OUTSIDE\n".write(toFile: outside + "/secret.txt", atomically: true, encoding: .utf8)
        try fm.createDirectory(atPath: results + "/t/run/nodes/n1", withIntermediateDirectories: true)
        try "<html><script>alert(1)</script></html>\n".write(toFile: results + "/t/run/nodes/n1/node.log", atomically: true, encoding: .utf8)
        try "{\"a\":\"<script>\"}\n".write(toFile: results + "/t/run/history.jsonl", atomically: true, encoding: .utf8)
        try "name: x\n".write(toFile: results + "/t/run/test.yml", atomically: true, encoding: .utf8)
        try "<html><body>ok</body></html>\n".write(toFile: results + "/index.html", atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: results + "/t/run/passwd", withDestinationPath: "/etc/passwd")
        try fm.createSymbolicLink(atPath: results + "/t/run/secret", withDestinationPath: outside + "/secret.txt")
        try fm.createSymbolicLink(atPath: results + "/t/out", withDestinationPath: outside)
        try fm.createSymbolicLink(atPath: results + "/t/latest", withDestinationPath: "run")

        let (p, port) = try Self.startServe(results)
        defer {
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
            p.waitUntilExit()
        }
        for path in ["/t/run/passwd", "/t/run/secret", "/t/out/secret.txt", "/t/out/", "/../../../../etc/passwd",
                     "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/t/%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
                     "/t/run/..%2f..%2f..%2f..%2fetc%2fpasswd", "/index.html%00.log", "/t/run/node.log%00",
                     "/t/run/%00/../../../etc/passwd", "/%5c..%5c..%5cetc%5cpasswd"] {
            let (status, headers, body) = try Self.getWithHeaders(port, path)
            #expect(status == 400 || status == 404, "\(path): \(status)")
            #expect(!body.contains("root:") && !body.contains("SECRET-OUTSIDE"), "\(path) leaked: \(body.prefix(80))")
            #expect(headers["x-content-type-options"] == "nosniff", "\(path)")
        }
        // Inside the folder: served, each with an explicit type that no browser renders as a page.
        for (path, type) in [("/t/run/nodes/n1/node.log", "text/plain; charset=utf-8"), ("/t/run/history.jsonl", "text/plain; charset=utf-8"),
                             ("/t/run/test.yml", "text/plain; charset=utf-8"), ("/t/latest/history.jsonl", "text/plain; charset=utf-8"),
                             ("/index.html", "text/html; charset=utf-8"), ("/", "text/html; charset=utf-8")] {
            let (status, headers, _) = try Self.getWithHeaders(port, path)
            #expect(status == 200, "\(path): \(status)")
            #expect(headers["content-type"] == type, "\(path): \(headers)")
            #expect(headers["x-content-type-options"] == "nosniff", "\(path)")
            let csp = try #require(headers["content-security-policy"], "\(path): \(headers)")
            #expect(csp.contains("sandbox") && csp.contains("default-src 'none'"), "\(csp)")
        }
        kill(p.processIdentifier, SIGTERM)
        #expect(TestSupport.waitDead([p.processIdentifier], timeout: 10).isEmpty)
    }

    /// A port already in use: one clean line, exit 2, and no "serving" line (nothing was served).
    @Test func busyPortIsOneLineAndExit2() throws {
        let results = TestSupport.tempDir("serve-busy")
        defer { try? FileManager.default.removeItem(atPath: results) }
        let (first, port) = try Self.startServe(results)
        defer {
            if first.isRunning { kill(first.processIdentifier, SIGKILL) }
            first.waitUntilExit()
        }
        let r = try CLIProcess.run(CLIProcess.binary("faultline"), ["serve", results, "--port", String(port)],
                                   cwd: CLIProcess.packageRoot(), timeout: 30)
        #expect(r.status == 2, "\(r.status) \(r.stderr)")
        #expect(!r.stdout.contains("serving"), "\(r.stdout)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && r.stderr.contains("in use") && r.stderr.contains(String(port)), "\(r.stderr)")
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
