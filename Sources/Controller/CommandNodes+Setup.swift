// CommandNodes+Setup: the one-time setup steps of a bootstrapped system (an initdb before a node first
// starts, a cluster join once every node is healthy), run to their end with their output in the node's folder.
import Foundation
import Supervisor
import Systems

extension CommandNodes {
    /// Starts `nodes` wave by wave (a system's process kinds in plan order): each wave's before-start steps,
    /// its processes, then every node of it healthy, before the next wave; the after-healthy steps last.
    static func start(_ nodes: [ResolvedNode], specs: [NodeSpec], supervisor: Supervisor) async throws {
        for wave in Set(nodes.map(\.startWave)).sorted() {
            let members = nodes.filter { $0.startWave == wave }
            try runSetupBeforeStart(members, all: nodes)
            for s in specs where members.contains(where: { $0.name == s.name }) { try supervisor.start(s) }
            for n in members {
                try await waitHealthy(n, all: nodes, supervisor: supervisor, timeout: n.command?.startTimeout ?? 15)
            }
        }
        try runSetupAfterHealthy(nodes)
    }

    /// Runs every `beforeStart` step on each node of `wave` that has one (after its data dir exists, before
    /// it starts); `all` are every node of the run (for the templates).
    static func runSetupBeforeStart(_ wave: [ResolvedNode], all: [ResolvedNode]) throws {
        for n in wave {
            for step in n.command?.setup ?? [] where step.when == .beforeStart {
                try runStep(step, on: n, all: all)
            }
        }
    }

    /// Runs every `afterHealthy` step once per component and process kind, on the kind's first node.
    static func runSetupAfterHealthy(_ nodes: [ResolvedNode]) throws {
        var done: Set<String> = []
        for n in nodes where !done.contains(n.component + "/" + (n.kind ?? "")) {
            done.insert(n.component + "/" + (n.kind ?? ""))
            for step in n.command?.setup ?? [] where step.when == .afterHealthy {
                try runStep(step, on: n, all: nodes)
            }
        }
    }

    /// Runs one step with node `n`'s template values; appends its output to `nodes/<n>/setup.log`.
    /// A non-zero exit (or no exit within its timeout) means the system could not start.
    static func runStep(_ step: SetupStep, on n: ResolvedNode, all: [ResolvedNode]) throws {
        let v = values(n, all: all)
        let argv = step.argv.map { TemplateText.expand($0, v) }
        guard let first = argv.first else { return }
        let exe = try resolve(first, node: n.name)
        let logPath = n.folder + "/setup.log"
        if !FileManager.default.fileExists(atPath: logPath) { FileManager.default.createFile(atPath: logPath, contents: nil) }
        guard let log = FileHandle(forWritingAtPath: logPath) else {
            throw StartProblem(description: "\(n.name): cannot write \(logPath)")
        }
        defer { try? log.close() }
        log.seekToEndOfFile()
        log.write(Data(("$ " + argv.map(shellQuoted).joined(separator: " ") + "\n").utf8))
        let (executable, arguments) = try withPeerNames(exe, Array(argv.dropFirst()), n, all: all)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: n.folder)
        p.standardOutput = log
        p.standardError = log
        do { try p.run() } catch {
            throw StartProblem(description: "\(n.name): setup step \(first) did not start: \(error)")
        }
        let deadline = Date().addingTimeInterval(step.timeout)
        while p.isRunning && Date() < deadline { usleep(20_000) }
        if p.isRunning {
            p.terminate()
            p.waitUntilExit()
            throw StartProblem(description: "\(n.name): setup step \(argv.joined(separator: " ")) did not finish within \(step.timeout)s (output in \(logPath))")
        }
        guard p.terminationStatus == 0 else {
            throw StartProblem(description: "\(n.name): setup step \(argv.joined(separator: " ")) exited \(p.terminationStatus) (output in \(logPath))")
        }
    }
}
