// ClientPool: the logical client processes of a run, one op at a time each, fed by the seeded op stream.
import Foundation
import Generator
import History
import InputFiles
import Systems

/// OpDispenser hands the seeded ops out in order, each with the earliest time it may start (rate limit).
final class OpDispenser: @unchecked Sendable {
    private let lock = NSLock()
    private var mix: OpMix
    private var issued = 0
    let schedule: RateSchedule

    init(mix: OpMix, rate: Double?) {
        self.mix = mix
        schedule = RateSchedule(rate: rate)
    }

    func next() -> (PlannedOp, Double) {
        lock.lock()
        defer { lock.unlock() }
        let op = mix.next()
        let t = schedule.startTime(of: issued)
        issued += 1
        return (op, t)
    }

    /// The last element or event id issued (pipeline: ids 1…lastElement were offered for ingest).
    var lastElement: Int { lock.withLock { mix.lastElement } }
}

/// The clients one logical process has open, one per node it talked to (Jepsen's open! on first use);
/// all closed when the process ends.
final class ProcessClients: @unchecked Sendable {
    let process: Int
    private var open: [String: any SystemClient] = [:]

    init(process: Int) { self.process = process }

    /// The process' client of `node` (`through`: the node as its client proxy reaches it), opened now
    /// if it has none.
    func client(_ node: ResolvedNode, through: SystemNode, adapter: any SystemAdapter) async throws -> any SystemClient {
        if let c = open[node.name] { return c }
        let c = try await adapter.open(through, process: process)
        open[node.name] = c
        return c
    }

    func closeAll() async {
        for c in open.values { await c.close() }
        open = [:]
    }
}

/// ClientPool runs `concurrency` workers. Worker w starts as process w; an op that ends in `info`
/// retires its process (its clients are closed) and the worker continues as process `p + concurrency`
/// with new clients (Jepsen's rule: a process with an op of unknown outcome never issues another).
struct ClientPool {
    let adapter: any SystemAdapter
    let history: HistoryWriter
    let nodes: [ResolvedNode]
    let concurrency: Int
    let kind: OpMix.Kind
    let counters: RunCounters
    /// Pipeline workloads: the nodes each function goes to (ingest → ingest nodes, query → api nodes).
    var routes: [String: [ResolvedNode]] = [:]
    /// Each client node as its client proxy reaches it (ClientProxies); an op to a node not here fails
    /// unsent rather than go around the proxies.
    let proxied: [String: SystemNode]

    /// Issues ops until `deadline` (seconds on `clock` since `t0`) or cancellation.
    func run(dispenser: OpDispenser, t0: ContinuousClock.Instant, until deadline: Double) async -> Int {
        await withTaskGroup(of: Int.self) { group in
            for w in 0..<concurrency {
                group.addTask {
                    var process = w
                    var clients = ProcessClients(process: w)
                    while !Task.isCancelled {
                        let (op, at) = dispenser.next()
                        if at >= deadline { break }
                        let start = t0 + .milliseconds(Int64(saturating: at * 1000))
                        if start > .now { try? await Task.sleep(until: start, clock: .continuous) }
                        if Task.isCancelled || ContinuousClock.now - t0 >= .milliseconds(Int64(saturating: deadline * 1000)) { break }
                        if await perform(op, clients: clients) == .info {
                            await clients.closeAll()
                            process += concurrency
                            clients = ProcessClients(process: process)
                        }
                    }
                    await clients.closeAll()
                    return process
                }
            }
            var maxProcess = concurrency - 1
            for await p in group { maxProcess = max(maxProcess, p) }
            return maxProcess + 1
        }
    }

    enum Ended { case ok, fail, info }

    /// Performs one op as a fresh process on `node` (final reads), closing its client after.
    @discardableResult
    func perform(_ op: PlannedOp, process: Int, node: ResolvedNode, final: Bool = false) async -> Ended {
        let clients = ProcessClients(process: process)
        let ended = await perform(op, clients: clients, node: node, final: final)
        await clients.closeAll()
        return ended
    }

    /// Records the invocation, performs it through the process' client of its node, records exactly one
    /// completion. A client that cannot be opened sent nothing: the op failed.
    @discardableResult
    func perform(_ op: PlannedOp, clients: ProcessClients, node: ResolvedNode? = nil, final: Bool = false) async -> Ended {
        let process = clients.process
        let targets = routes[op.f] ?? nodes
        let n = node ?? targets[process % targets.count]
        history.record(process: .client(process), type: .invoke, f: op.f, key: op.key, value: op.value, node: n.name)
        // A set's reads return every element: the clients call that "read-set".
        // A Kafka final poll is recorded as a poll (Jepsen's shape) but reads every partition to its end.
        let f = kind == .set && (op.f == "read" || op.f == "final-read") ? "read-set" : kind == .kafka && final && op.f == "poll" ? "final-poll" : op.f
        let outcome: ClientOutcome
        do {
            guard let through = proxied[n.name] else { throw NoClientProxy(node: n.name) }
            let client = try await clients.client(n, through: through, adapter: adapter)
            outcome = await client.perform(ClientOperation(f: f, key: op.key, value: op.value, process: process))
        } catch {
            outcome = .fail("cannot open a client of \(n.name): \(error)")
        }
        switch outcome {
        case .ok(let v):
            history.record(process: .client(process), type: .ok, f: op.f, key: op.key, value: v, node: n.name)
            counters.count("ok", f: op.f)
            return .ok
        case .okNoted(let v, let note):
            history.record(process: .client(process), type: .ok, f: op.f, key: op.key, value: v, node: n.name, error: note)
            counters.count("ok", f: op.f)
            return .ok
        case .fail(let e):
            history.record(process: .client(process), type: .fail, f: op.f, key: op.key, value: op.value, node: n.name, error: e)
            counters.count("fail")
            return .fail
        case .info(let e):
            history.record(process: .client(process), type: .info, f: op.f, key: op.key, value: op.value, node: n.name, error: e)
            counters.count("info")
            return .info
        }
    }
}

/// A node without a client proxy: the pool does not talk to it directly (a fault on the clients' links
/// would not reach that traffic).
struct NoClientProxy: Error, CustomStringConvertible {
    var node: String
    var description: String { "no client proxy to \(node)" }
}
