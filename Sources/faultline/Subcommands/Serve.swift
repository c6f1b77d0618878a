// `faultline serve [RESULTS_DIR]`: the results folder over HTTP on 127.0.0.1, for a browser.
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore

/// `faultline serve` serves a results folder's files (index.html, reports, logs) on 127.0.0.1 only,
/// until SIGINT or SIGTERM. The pages need no server (they work from file://); this is for browsing a
/// remote machine's results through an SSH tunnel, or a browser that blocks file:// links.
/// Only regular files whose resolved path is inside the folder are served (see `ServedFile`).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve a results folder to a browser on 127.0.0.1.",
        discussion: "Prints the URL once listening. --port 0 picks a free port."
    )

    @Argument(help: "Results folder.") var resultsDir: String = "results"
    @Option(help: "TCP port on 127.0.0.1.") var port: Int = 8080

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() async throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resultsDir, isDirectory: &isDir), isDir.boolValue else {
            printError("\(resultsDir): no such results folder")
            throw ExitCode(ExitStatus.badInput)
        }
        let files = ServedFile(folder: resultsDir)
        let router = Router()
        router.get("/") { request, _ -> Response in Serve.respond(files: files, path: request.uri.path) }
        router.get("**") { request, _ -> Response in Serve.respond(files: files, path: request.uri.path) }
        router.head("**") { request, _ -> Response in Serve.respond(files: files, path: request.uri.path) }
        // Hummingbird's own start-up lines would bury ours: warnings and errors only.
        var logger = Logger(label: "faultline.serve")
        logger.logLevel = .critical
        let started = StartedFlag()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                started.set()
                let p = channel.localAddress?.port ?? 0
                print("serving \(files.root) on http://127.0.0.1:\(p)/ (Ctrl-C to stop)")
                fflush(stdout)
            }, logger: logger)
        do {
            try await app.runService()
        } catch {
            // Binding failed (port in use, no permission): one line, bad input, nothing served.
            if !started.isSet {
                printError("cannot listen on 127.0.0.1:\(port): \(Serve.reason(error))")
                throw ExitCode(ExitStatus.badInput)
            }
            throw error
        }
    }

    static func reason(_ error: Error) -> String {
        if let e = error as? IOError {
            if e.errnoCode == EADDRINUSE { return "port already in use" }
            if e.errnoCode == EACCES { return "permission denied" }
            return String(cString: strerror(e.errnoCode))
        }
        let text = "\(error)"
        if text.contains("Address already in use") { return "port already in use" }
        return String(text.prefix(200)).replacingOccurrences(of: "\n", with: " ")
    }

    static func respond(files: ServedFile, path: String) -> Response {
        var headers: HTTPFields = [:]
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        headers[.init("Content-Security-Policy")!] = ServedFile.contentSecurityPolicy
        headers[.init("Referrer-Policy")!] = "no-referrer"
        switch files.file(for: path) {
        case .success(let file):
            guard let data = FileManager.default.contents(atPath: file) else {
                headers[.contentType] = "text/plain; charset=utf-8"
                return Response(status: .notFound, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "not found\n")))
            }
            headers[.contentType] = ServedFile.contentType(of: file)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        case .failure(let why):
            headers[.contentType] = "text/plain; charset=utf-8"
            let (status, text): (HTTPResponse.Status, String) = why == .badPath ? (.badRequest, "bad path\n") : (.notFound, "not found\n")
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}

/// Set once the server is listening, so that a later failure is not reported as a bind error.
final class StartedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
