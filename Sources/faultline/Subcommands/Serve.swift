// `faultline serve [RESULTS_DIR]`: the results folder over HTTP on 127.0.0.1, for a browser.
import ArgumentParser
import Foundation
import Hummingbird
import Logging

/// `faultline serve` serves a results folder's files (index.html, reports, logs) on 127.0.0.1 only,
/// until SIGINT or SIGTERM. The pages need no server (they work from file://); this is for browsing a
/// remote machine's results through an SSH tunnel, or a browser that blocks file:// links.
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
        let root = URL(fileURLWithPath: resultsDir).standardizedFileURL.path
        let router = Router()
        router.middlewares.add(FileMiddleware(root, searchForIndexHtml: true))
        // Hummingbird's own start-up lines would bury ours: warnings and errors only.
        var logger = Logger(label: "faultline.serve")
        logger.logLevel = .warning
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                let p = channel.localAddress?.port ?? 0
                print("serving \(root) on http://127.0.0.1:\(p)/ (Ctrl-C to stop)")
                fflush(stdout)
            }, logger: logger)
        try await app.runService()
    }
}
