// ClientPool: the logical client processes of a run, one op at a time each, fed by the seeded op stream.
import Client
import Foundation
import Generator
import History
import InputFiles

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
}

/// ClientPool runs `concurrency` workers. Worker w starts as process w; an op that ends in `info`
/// retires its process and the worker continues as process `p + concurrency` (Jepsen's rule: a
/// process with an op of unknown outcome never issues another).
struct ClientPool {
    let adapter: any ClientAdapter
    let history: HistoryWriter
    let nodes: [ResolvedNode]
    let concurrency: Int
    let kind: OpMix.Kind
    let counters: RunCounters
    /// Pipeline workloads: the nodes each function goes to (ingest → ingest nodes, query → api nodes).
    var routes: [String: [ResolvedNode]] = [:]

    /// Issues ops until `deadline` (seconds on `clock` since `t0`) or cancellation.
    func run(dispenser: OpDispenser, t0: ContinuousClock.Instant, until deadline: Double) async -> Int {
        await withTaskGroup(of: Int.self) { group in
            for w in 0..<concurrency {
                group.addTask {
                    var process = w
                    while !Task.isCancelled {
                        let (op, at) = dispenser.next()
                        if at >= deadline { break }
                        let start = t0 + .milliseconds(Int64(saturating: at * 1000))
                        if start > .now { try? await Task.sleep(until: start, clock: .continuous) }
                        if Task.isCancelled || ContinuousClock.now - t0 >= .milliseconds(Int64(saturating: deadline * 1000)) { break }
                        if await perform(op, process: process) == .info { process += concurrency }
                    }
                    return process
                }
            }
            var maxProcess = concurrency - 1
            for await p in group { maxProcess = max(maxProcess, p) }
            return maxProcess + 1
        }
    }

    enum Ended { case ok, fail, info }

    /// Records the invocation, performs it on the process' node, records exactly one completion.
    @discardableResult
    func perform(_ op: PlannedOp, process: Int, node: ResolvedNode? = nil) async -> Ended {
        let targets = routes[op.f] ?? nodes
        let n = node ?? targets[process % targets.count]
        history.record(process: .client(process), type: .invoke, f: op.f, key: op.key, value: op.value, node: n.name)
        // A set's reads return every element: the adapters call that "read-set".
        let f = kind == .set && (op.f == "read" || op.f == "final-read") ? "read-set" : op.f
        let outcome = await adapter.invoke(f: f, key: op.key, value: op.value, process: process, baseURL: n.baseURL)
        switch outcome {
        case .ok(let v):
            history.record(process: .client(process), type: .ok, f: op.f, key: op.key, value: v, node: n.name)
            counters.count("ok")
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
