// NemesisExecutor: applies planned faults to real processes and proxies, and records each start and end.
import Foundation
import History
import Logging
import Net

/// NemesisExecutor is the side-effecting half of the nemesis: it applies a `FaultAction`, records
/// `start-<fault>` with exactly what it did, later undoes it and records `stop-<fault>`, and at the end
/// heals everything and records `heal` (process "nemesis", type "info").
public final class NemesisExecutor: @unchecked Sendable {
    public let nodes: NodeControl
    public let net: ProxyNetwork?
    public let history: HistoryWriter
    public let leader: LeaderDiscovery?
    /// The system's orchestrator, for `failover` faults (nil: the system has none).
    public let failover: FailoverControl?
    private let logger: Logger

    public init(nodes: NodeControl, net: ProxyNetwork?, history: HistoryWriter, leader: LeaderDiscovery?,
                failover: FailoverControl? = nil, logger: Logger = Logger(label: "faultline.nemesis")) {
        self.nodes = nodes
        self.net = net
        self.history = history
        self.leader = leader
        self.failover = failover
        self.logger = logger
    }

    /// A fault in force: what to undo at its end.
    public struct ActiveFault: Sendable {
        public let action: FaultAction
        public let nodes: [String]
        public let links: [LinkID]
        public let startValue: JSONValue
    }

    /// Runs `plan` against the clock (time 0 = now), then heals everything. Cancelling the task ends
    /// every open fault early and still heals.
    public func run(_ plan: [PlannedFault]) async {
        let t0 = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for pf in plan {
                group.addTask {
                    try? await Task.sleep(until: t0 + .milliseconds(Int64(saturating: pf.at * 1000)), clock: .continuous)
                    if Task.isCancelled { return }
                    guard let active = await self.start(pf.action) else { return }
                    try? await Task.sleep(until: t0 + .milliseconds(Int64(saturating: (pf.at + pf.duration) * 1000)), clock: .continuous)
                    await self.stop(active)
                }
            }
        }
        await healAll()
    }

    // MARK: start

    /// Applies `action` and records `start-<fault>`; nil when it could not apply (logged, not recorded).
    public func start(_ action: FaultAction) async -> ActiveFault? {
        do {
            let a = try await apply(action)
            history.record(process: .nemesis, type: .info, f: "start-\(action.name)", value: a.startValue)
            logger.info("nemesis start-\(action.name)", metadata: ["value": "\(a.startValue)"])
            return a
        } catch {
            logger.warning("nemesis could not start \(action.name): \(error)")
            return nil
        }
    }

    private func apply(_ action: FaultAction) async throws -> ActiveFault {
        switch action {
        case .kill(let t):
            let names = try await resolve(t).filter { nodes.isRunning($0) }
            let pids = try names.map { try nodes.killNode($0) }
            return ActiveFault(action: action, nodes: names, links: [], startValue: ["nodes": strings(names), "pids": ints(pids)])
        case .pause(let t):
            let names = try await resolve(t).filter { nodes.isRunning($0) && !nodes.isPaused($0) }
            let pids = try names.map { try nodes.pauseNode($0) }
            return ActiveFault(action: action, nodes: names, links: [], startValue: ["nodes": strings(names), "pids": ints(pids)])
        case .partition(let shape, let plan):
            let grudge = try await makeGrudge(plan)
            let links = grudge.links
            try await modify(links) { $0.mode = .cut }
            return ActiveFault(action: action, nodes: [], links: links, startValue: ["shape": .string(shape), "cut": pairs(links)])
        case .latency(let d, let j, let t):
            let links = try await links(touching: t)
            try await modify(links) {
                $0.delayNanos = Int64(saturating: d * 1e6)
                $0.jitterNanos = Int64(saturating: j * 1e6)
            }
            return ActiveFault(action: action, nodes: [], links: links,
                               startValue: ["links": pairs(links), "delay_ms": .double(d), "jitter_ms": .double(j)])
        case .loss(let p, let t):
            let links = try await links(touching: t)
            try await modify(links) { $0.dropProbability = p }
            return ActiveFault(action: action, nodes: [], links: links, startValue: ["links": pairs(links), "probability": .double(p)])
        case .bandwidth(let b, let t):
            let links = try await links(touching: t)
            try await modify(links) { $0.bandwidthBytesPerSecond = b }
            return ActiveFault(action: action, nodes: [], links: links, startValue: ["links": pairs(links), "bytes_per_second": .int(b)])
        case .reset(let t):
            let links = try await links(touching: t)
            try await modify(links) { $0.mode = .reset }
            return ActiveFault(action: action, nodes: [], links: links, startValue: ["links": pairs(links)])
        case .partitionClients(let t):
            let (names, links) = try await clientLinks(to: t)
            try await modify(links) { $0.mode = .cut }
            return ActiveFault(action: action, nodes: names, links: links, startValue: ["nodes": strings(names), "cut": pairs(links)])
        case .clientLatency(let d, let j, let t):
            let (_, links) = try await clientLinks(to: t)
            try await modify(links) {
                $0.delayNanos = Int64(saturating: d * 1e6)
                $0.jitterNanos = Int64(saturating: j * 1e6)
            }
            return ActiveFault(action: action, nodes: [], links: links,
                               startValue: ["links": pairs(links), "delay_ms": .double(d), "jitter_ms": .double(j)])
        case .failover(let among):
            guard let failover else { throw NoFailover() }
            let live = (among ?? nodes.nodeNames).filter { nodes.isRunning($0) && !nodes.isPaused($0) }
            let did = try await failover.failover(among: live)
            return ActiveFault(action: action, nodes: [], links: [], startValue: did)
        }
    }

    // MARK: stop

    /// Undoes an active fault and records `stop-<fault>`.
    public func stop(_ a: ActiveFault) async {
        // The op is recorded once the undo is done, so its time is late by however long the undo took
        // (seconds on a loaded machine); `began` says when the undo started: an op that completed after
        // `began` may already have seen the system healed.
        let began = history.now()
        var value: JSONValue = .null
        do {
            switch a.action {
            case .kill:
                let names = a.nodes.filter { !nodes.isRunning($0) }
                let pids = try names.map { try nodes.startNodeAgain($0) }
                value = ["nodes": strings(names), "pids": ints(pids)]
            case .pause:
                let names = a.nodes.filter { nodes.isPaused($0) }
                let pids = try names.map { try nodes.resumeNode($0) }
                value = ["nodes": strings(names), "pids": ints(pids)]
            case .partition, .partitionClients:
                try await modify(a.links) { $0.mode = .up }
                value = ["healed": pairs(a.links)]
            case .latency, .clientLatency:
                try await modify(a.links) {
                    $0.delayNanos = 0
                    $0.jitterNanos = 0
                }
                value = ["links": pairs(a.links)]
            case .loss:
                try await modify(a.links) { $0.dropProbability = 0 }
                value = ["links": pairs(a.links)]
            case .bandwidth:
                try await modify(a.links) { $0.bandwidthBytesPerSecond = nil }
                value = ["links": pairs(a.links)]
            case .reset:
                try await modify(a.links) { $0.mode = .up }
                value = ["links": pairs(a.links)]
            case .failover:
                // A failover is a decision, not a condition: the new primary stays.
                value = ["undone": .bool(false)]
            }
        } catch {
            logger.warning("nemesis could not fully stop \(a.action.name): \(error)")
            value = ["error": .string("\(error)")]
        }
        if case .object(var o) = value {
            o["began"] = .int(Int(began))
            value = .object(o)
        }
        history.record(process: .nemesis, type: .info, f: "stop-\(a.action.name)", value: value)
    }

    /// Heals every link, resumes every paused node, starts every dead node; records `heal`.
    public func healAll() async {
        var links = 0
        if let net {
            links = net.linkIDs.count
            await net.healAll()
        }
        var resumed: [String] = []
        var restarted: [String: JSONValue] = [:]
        var errors: [JSONValue] = []
        for n in nodes.nodeNames {
            do {
                if nodes.isPaused(n) {
                    _ = try nodes.resumeNode(n)
                    resumed.append(n)
                } else if !nodes.isRunning(n) {
                    restarted[n] = .int(Int(try nodes.startNodeAgain(n)))
                }
            } catch {
                errors.append(.string("\(n): \(error)"))
            }
        }
        var value: JSONValue = ["links": .int(links), "resumed": strings(resumed), "restarted": .object(restarted)]
        if !errors.isEmpty, case .object(var o) = value {
            o["errors"] = .array(errors)
            value = .object(o)
        }
        history.record(process: .nemesis, type: .info, f: "heal", value: value)
    }

    // MARK: helpers

    struct NoLeader: Error, CustomStringConvertible {
        var description: String { "no leader found (GET /status of every node)" }
    }
    struct NoFailover: Error, CustomStringConvertible {
        var description: String { "this system has no failover orchestrator (its settings choose none)" }
    }
    struct NoClientLink: Error, CustomStringConvertible {
        var node: String
        var description: String { "the workload clients have no link to \(node) (not a node clients talk to)" }
    }
    struct NoNet: Error, CustomStringConvertible {
        var description: String { "this test has no link proxies, so link faults cannot apply" }
    }

    private func resolve(_ t: ResolvedTarget) async throws -> [String] {
        switch t {
        case .nodes(let ns): return ns
        case .leader:
            return [try await findLeader(among: nodes.nodeNames)]
        case .leaderAmong(let among):
            return [try await findLeader(among: among)]
        }
    }

    /// The leader among the live `names`; during an election there is none for a moment, so ask
    /// again for up to 2 s before giving up.
    private func findLeader(among names: [String]) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(2)
        while true {
            let live = names.filter { nodes.isRunning($0) && !nodes.isPaused($0) }
            if let l = await leader?.leader(among: live) { return l }
            if ContinuousClock.now >= deadline || Task.isCancelled || leader == nil { throw NoLeader() }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    private func makeGrudge(_ plan: PartitionPlan) async throws -> Grudge {
        switch plan {
        case .grudge(let g): return g
        case .isolate(let t):
            let iso = try await resolve(t)
            return .complete(iso, nodes.nodeNames.filter { !iso.contains($0) })
        case .isolateWithin(let t, let among):
            let iso = try await resolve(t)
            return .complete(iso, among.filter { !iso.contains($0) })
        case .isolateWith(let t, let companions, let among):
            let iso = try await resolve(t)
            return .complete(iso + companions, among.filter { !iso.contains($0) })
        case .oneWay(let f, let t):
            var g: [String: Set<String>] = [:]
            let froms = try await resolve(f)
            let tos = try await resolve(t)
            for a in froms { g[a] = Set(tos.filter { $0 != a }) }
            return Grudge(g)
        }
    }

    /// Links between nodes touching the targets (every such link when nil). The clients' links are not
    /// among them: a node fault leaves the workload's own way in alone (`partition-clients` cuts that).
    private func links(touching t: ResolvedTarget?) async throws -> [LinkID] {
        guard let net else { throw NoNet() }
        let all = net.linkIDs.filter { !$0.isClientLink }
        guard let t else { return all }
        let ns = Set(try await resolve(t))
        return all.filter { ns.contains($0.from) || ns.contains($0.to) }
    }

    /// The target nodes (every client node when nil) and the clients' links to them; a target with no
    /// client link (a helper kind such as a SeaweedFS master) is an error: the fault would not apply.
    private func clientLinks(to t: ResolvedTarget?) async throws -> ([String], [LinkID]) {
        guard let net else { throw NoNet() }
        let existing = net.linkIDs.filter(\.isClientLink)
        guard let t else { return (existing.map(\.to), existing) }
        let names = try await resolve(t)
        let links = names.map { LinkID.clients(to: $0) }
        if let missing = links.first(where: { !existing.contains($0) }) { throw NoClientLink(node: missing.to) }
        return (names, links)
    }

    private func modify(_ links: [LinkID], _ change: (inout LinkFaults) -> Void) async throws {
        guard let net else { throw NoNet() }
        for l in links.flatMap({ net.proxies($0) }) {
            var f = l.faults
            change(&f)
            await l.set(f)
        }
    }

    private func strings(_ xs: [String]) -> JSONValue { .array(xs.map { .string($0) }) }
    private func ints(_ xs: [Int32]) -> JSONValue { .array(xs.map { .int(Int($0)) }) }
    private func pairs(_ ls: [LinkID]) -> JSONValue { .array(ls.map { [.string($0.from), .string($0.to)] }) }
}
