// TestRunner: one test end to end: nodes up, clients + nemesis, heal, final reads, nodes down, check, store.
import Checker
import Contracts
import Foundation
import Generator
import History
import InputFiles
import Logging
import Nemesis
import Net
import Store
import Supervisor
import Systems

/// TestRunner runs one resolved test and writes its run folder (`RunFolder`: the inputs, the history,
/// results.json, the log, the nodes' folders) and the test's `latest` link.
public final class TestRunner: @unchecked Sendable {
    public enum Verbosity: Sendable { case quiet, normal, verbose }

    public let spec: TestSpec
    public let resultsDir: String
    public let verbosity: Verbosity
    /// The `faultline-node` executable (default: next to the running executable).
    public let nodeExecutable: String
    private let counters = RunCounters()
    private let interruptedFlag = NSLock()
    private var _interrupted = false
    private var runTask: Task<Void, Never>?

    public init(spec: TestSpec, resultsDir: String, verbosity: Verbosity, nodeExecutable: String? = nil) {
        self.spec = spec
        self.resultsDir = resultsDir
        self.verbosity = verbosity
        self.nodeExecutable = nodeExecutable ?? TestRunner.defaultNodeExecutable()
    }

    static func defaultNodeExecutable() -> String {
        if let e = ProcessInfo.processInfo.environment["FAULTLINE_NODE"] { return e }
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        return me.deletingLastPathComponent().appendingPathComponent("faultline-node").path
    }

    /// SIGINT/SIGTERM: stop generating and let the run heal, stop nodes, check and write (`.interrupted`).
    public func interrupt() {
        interruptedFlag.lock()
        _interrupted = true
        let t = runTask
        interruptedFlag.unlock()
        t?.cancel()
    }

    /// Remembers the task SIGINT cancels; true when an interrupt already came.
    private func setRunTask(_ t: Task<Void, Never>) -> Bool {
        interruptedFlag.lock()
        defer { interruptedFlag.unlock() }
        runTask = t
        return _interrupted
    }

    var interrupted: Bool {
        interruptedFlag.lock()
        defer { interruptedFlag.unlock() }
        return _interrupted
    }

    /// Loads every input and validates it before anything starts; throws `InputError`.
    /// Returns the components to start and their node names (every component for a pipeline workload).
    func loadInputsWithComponents() throws -> (PipelineFile, WorkloadFile, [String], [String]) {
        let pipeline = try PipelineFile.load(path: spec.pipeline)
        let workload = try WorkloadFile.load(path: spec.workload)
        if workload.kind == .pipeline {
            let comps = try Self.pipelineComponents(pipeline, workload: workload)
            let names = comps.flatMap { pipeline.component(named: $0)!.nodeNames }
            return (pipeline, workload, comps, names)
        }
        guard let comp = pipeline.component(named: workload.target) else {
            throw InputError(file: workload.path, line: workload.targetLine, field: "target",
                             message: "no component '\(workload.target)' in \(pipeline.path) (it has \(pipeline.components.map(\.name).joined(separator: ", ")))")
        }
        try ComponentAccess.checkFits(comp, workload: workload)
        let names = comp.nodeNames
        return (pipeline, workload, [comp.name], names)
    }

    /// The adapter of the system under test: for a pipeline workload the built-in system (every
    /// component, routed by role), else the system of the target component.
    static func adapter(_ pipeline: PipelineFile, workload: WorkloadFile, concurrency: Int) -> any SystemAdapter {
        if workload.kind != .pipeline, let target = pipeline.component(named: workload.target) {
            return ComponentAccess.adapter(target, workload: workload, concurrency: concurrency)
        }
        return ComponentAccess.pipelineAdapter(pipeline, workload: workload, concurrency: concurrency)
    }

    /// Runs the test. Throws `InputError` for bad input (nothing started); everything else is an outcome.
    public func run() async throws -> RunOutcome {
        let (pipeline, workload, componentNames, nodeNames) = try loadInputsWithComponents()
        let isPipeline = workload.kind == .pipeline
        var componentNodes: [String: [String]] = [:]
        for c in componentNames { componentNodes[c] = pipeline.component(named: c)?.nodeNames ?? [] }
        let concurrency = spec.concurrency ?? workload.concurrency
        let rate = spec.rate ?? workload.rate
        let phases = PhasePlan(timeLimit: spec.timeLimit, warmup: workload.warmup, recovery: workload.recovery,
                               finalReads: workload.finalReads)
        let plan: [PlannedFault]
        do {
            plan = try NemesisPlan.load(path: spec.nemesis, nodes: nodeNames, seed: spec.seed, timeLimit: phases.faultPhase,
                                        components: componentNodes)
        } catch let e as InputError {
            throw e
        } catch {
            throw InputError(file: spec.nemesis, line: 0, field: "nemesis", message: "\(error)")
        }
        let name = spec.name ?? "\(workload.name)-\(pipeline.name)-\(((spec.nemesis as NSString).lastPathComponent as NSString).deletingPathExtension)"
        try ResultsFolderCheck.check(resultsDir)
        // Names from every file meet here; each parser checks its own with the line, this catches the rest.
        if let why = PathName.problem(name) {
            throw InputError(file: spec.name != nil ? "test name" : spec.pipeline, line: 0, field: "name",
                             message: "'\(name.unicodeScalars.map { $0.escaped(asASCII: true) }.joined())' \(why)")
        }
        let folder = try RunFolder.create(results: resultsDir, test: name)
        let runDir = folder.path
        try folder.writeInputs(spec: spec, name: name, concurrency: concurrency, rate: rate)

        let sink = FileLogHandler.Sink(path: folder.log, echo: verbosity == .verbose)
        var logger = Logger(label: "faultline") { FileLogHandler(label: $0, sink: sink) }
        logger.logLevel = .info
        logger.info("test \(name) seed \(spec.seed) time limit \(spec.timeLimit)s, \(concurrency) clients, rate \(rate)/s")
        say("faultline: \(name) → \(runDir)")

        let supervisor = Supervisor(logger: Logger(label: "supervisor") { FileLogHandler(label: $0, sink: sink) })
        let net = ProxyNetwork(threads: 1, seed: spec.seed)
        var startError: String?
        var nodes: [ResolvedNode] = []
        var proxied: [String: SystemNode] = [:]
        let adapter = Self.adapter(pipeline, workload: workload, concurrency: concurrency)
        do {
            nodes = try NodePlacement.place(pipeline, components: componentNames, runDir: runDir)
            NodePlacement.wireUpstreams(&nodes, pipeline: pipeline)
            try await NodePlacement.link(nodes, net: net)
            try await NodePlacement.linkUpstreams(nodes, net: net)
            proxied = try await ClientProxies.start(nodes, net: net)
            let specs = try NodePlacement.writeConfigs(nodes, net: net, nodeExecutable: nodeExecutable)
            try await CommandNodes.start(nodes, specs: specs, supervisor: supervisor)
            let discovery = adapter.leaderDiscovery(nodes.map(\.systemNode))
            let deadline = ContinuousClock.now + .seconds(10)
            // Every replicated component needs its own leader (service components have none).
            for (c, names) in componentNodes.sorted(by: { $0.key < $1.key }) {
                guard let role = pipeline.component(named: c)?.role, Role(rawValue: role)?.isService != true else { continue }
                var leader: String?
                while leader == nil && ContinuousClock.now < deadline && !interrupted {
                    leader = await discovery.leader(among: names)
                    if leader == nil { try? await Task.sleep(for: .milliseconds(100)) }
                }
                logger.info("nodes of \(c) healthy; leader \(leader ?? "none yet")")
            }
        } catch let e as InputError {
            supervisor.shutdown(grace: 1)
            await net.shutdown()
            await adapter.shutdown()
            throw e
        } catch {
            startError = "\(error)"
        }
        if let startError {
            logger.error("cannot start the system under test: \(startError)")
            supervisor.shutdown(grace: 1)
            await net.shutdown()
            await adapter.shutdown()
            throw CannotStartError(message: "cannot start the system under test: \(startError) (logs in \(folder.nodes)/)")
        }

        let placed = nodes
        // Time 0 of the history is the start of the test proper: nodes are up, clients about to start.
        let history: HistoryWriter
        do {
            history = try HistoryWriter(path: folder.history)
        } catch {
            supervisor.shutdown(grace: 1)
            await net.shutdown()
            await adapter.shutdown()
            throw error
        }
        // Clients talk to client nodes only (not to a system's helper kinds such as SeaweedFS masters).
        var pool = ClientPool(adapter: adapter, history: history, nodes: nodes.filter(\.isClientNode), concurrency: concurrency,
                              kind: workload.kind, counters: counters, proxied: proxied)
        if isPipeline { pool.routes = Self.pipelineRoutes(nodes, pipeline: pipeline) }
        // A pipeline's components are different systems: each component's leader from its own.
        let leaders = isPipeline ? PipelineLeaders(pipeline: pipeline, nodes: nodes, workload: workload, concurrency: concurrency,
                                                   builtin: adapter) : nil
        let discovery: any LeaderDiscovery = leaders ?? adapter.leaderDiscovery(nodes.map(\.systemNode))
        let executor = NemesisExecutor(nodes: supervisor, net: net, history: history, leader: discovery,
                                       failover: leaders ?? adapter.failover(nodes.map(\.systemNode)),
                                       logger: Logger(label: "nemesis") { FileLogHandler(label: $0, sink: sink) })
        let mix = OpMix(kind: workload.kind, weights: workload.functions, keyCount: workload.keys, seed: spec.seed)
        let dispenser = OpDispenser(mix: mix, rate: rate)
        let progress = ProgressPrinter(counters: counters, timeLimit: phases.timeLimit + phases.recovery,
                                       enabled: verbosity != .quiet) {
            let links = net.linkIDs.filter { net.proxies($0).contains { $0.faults != .healthy } }.count
            let down = placed.filter { !supervisor.isRunning($0.name) || supervisor.isPaused($0.name) }.count
            return links + down == 0 ? "none" : "\(links) links faulty, \(down) nodes down or paused"
        }

        // Clients and nemesis run together; SIGINT cancels this task, and the nemesis still heals.
        let t0 = ContinuousClock.now
        let nextProcess = LockedInt(concurrency)
        let main = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    let next = await pool.run(dispenser: dispenser, t0: t0, until: phases.timeLimit + phases.recovery)
                    nextProcess.set(next)
                }
                group.addTask {
                    try? await Task.sleep(for: .milliseconds(Int64(saturating: phases.warmup * 1000)))
                    await executor.run(plan)
                }
                await group.waitForAll()
            }
        }
        let progressTask = Task { await progress.run(t0: t0) }
        if setRunTask(main) { main.cancel() }
        await main.value
        progressTask.cancel()
        progress.finish()

        // Final reads, after the heal and the recovery time, by fresh processes.
        if isPipeline && phases.finalReads && !interrupted {
            let acknowledged = counters.ok(of: "ingest")
            await drain(nodes: nodes, pipeline: pipeline, timeout: workload.drainTimeout, acknowledged: acknowledged, logger: logger)
            await pipelineFinalReads(pool: pool, nodes: nodes, pipeline: pipeline, firstProcess: nextProcess.get(),
                                     lastEventID: dispenser.lastElement, leaders: leaders)
        } else if phases.finalReads && !interrupted && workload.kind == .kafka {
            // Jepsen's final polls: on each client node a fresh process, every key assigned, reads each
            // partition from its first offset to the end that node reports when the poll starts
            // (brokers sharing one log may disagree on where it ends).
            var p = nextProcess.get()
            for n in nodes.filter(\.isClientNode) {
                await pool.perform(PlannedOp(f: "poll", key: nil, value: [[.string("poll")]]), process: p, node: n, final: true)
                p += 1
            }
        } else if phases.finalReads && !interrupted {
            var p = nextProcess.get()
            for key in mix.keys.isEmpty ? [nil] : mix.keys.map(Optional.some) {
                let clientNodes = nodes.filter(\.isClientNode)
                let targets = workload.kind == .set ? clientNodes : [clientNodes[p % clientNodes.count]]
                for n in targets {
                    let f = workload.kind == .set ? "final-read" : workload.kind == .log ? "drain" : "read"
                    await pool.perform(PlannedOp(f: f, key: key, value: .null), process: p, node: n)
                    p += 1
                }
            }
        }

        logger.info("stopping nodes")
        supervisor.shutdown(grace: 3)
        await adapter.shutdown()
        await leaders?.shutdown()
        await net.shutdown()
        history.close()

        let results = Self.check(historyPath: folder.history, workload: workload, logger: logger)
        try folder.writeResults(results)
        if !folder.linkLatest() {
            // Recorded data is never deleted: say so where the user sees it, not only in the log.
            let note = "\(folder.latestLink) is not a link made by faultline; left it as it is (no latest link for this run)"
            logger.warning("\(note)")
            FileHandle.standardError.write(Data("faultline: \(note)\n".utf8))
        }
        logger.info("done: \(results.valid)\(interrupted ? " (interrupted)" : "") after \(ContinuousClock.now - t0)")
        if verbosity != .quiet {
            print(Summary.render(name: name, runDir: runDir, seed: spec.seed, counters: counters,
                                 faults: plan.count, results: results, interrupted: interrupted))
        }
        return interrupted ? .interrupted(folder, results) : .checked(folder, results)
    }

    /// Runs the workload's checkers on the stored history (the file, not memory: what a crash leaves).
    /// A history that cannot be read back gives an unknown verdict saying why (the run's own file).
    static func check(historyPath: String, workload: WorkloadFile, logger: Logger) -> CheckerResults {
        do {
            return try RunCheck.results(historyPath: historyPath, workload: workload)
        } catch {
            logger.error("cannot check the history: \(error)")
            return CheckerResults(verdicts: [Verdict(checker: "history", valid: .unknown, error: "\(error)")])
        }
    }

    private func say(_ s: String) {
        if verbosity != .quiet { FileHandle.standardError.write(Data((s + "\n").utf8)) }
    }
}
