// NemesisPlan: a schedule turned into concrete timed faults; pure, and the same seed gives the same plan.
import History
import InputFiles

/// Nodes a planned fault hits: fixed at plan time, or the leader found when the fault starts.
public enum ResolvedTarget: Sendable, Equatable {
    case nodes([String])
    case leader
    /// The leader among these nodes only (a fault scoped to one component).
    case leaderAmong([String])
}

/// A fault with every random choice already made.
public enum FaultAction: Sendable, Equatable {
    case kill(ResolvedTarget)
    case pause(ResolvedTarget)
    /// `shape` is the schedule's name for it; the grudge is computed now unless it depends on the leader.
    case partition(shape: String, PartitionPlan)
    /// `nil` target = every link.
    case latency(delayMs: Double, jitterMs: Double, ResolvedTarget?)
    case loss(probability: Double, ResolvedTarget?)
    case bandwidth(bytesPerSecond: Int, ResolvedTarget?)
    case reset(ResolvedTarget?)
    /// The system's own failover among these nodes (nil: every node of the test).
    case failover(among: [String]?)
    /// Cut the clients' links (`clients`→node) to the target nodes.
    case partitionClients(ResolvedTarget)
    /// Delay the clients' links to the target nodes (nil: to every node).
    case clientLatency(delayMs: Double, jitterMs: Double, ResolvedTarget?)

    public var name: String {
        switch self {
        case .kill: return "kill"
        case .pause: return "pause"
        case .partition: return "partition"
        case .latency: return "latency"
        case .loss: return "loss"
        case .bandwidth: return "bandwidth"
        case .reset: return "reset"
        case .failover: return "failover"
        case .partitionClients: return "partition-clients"
        case .clientLatency: return "latency-clients"
        }
    }
}

/// A partition whose links are known (`grudge`) or depend on the leader at start time.
public enum PartitionPlan: Sendable, Equatable {
    case grudge(Grudge)
    case isolate(ResolvedTarget)
    /// Cut the target off from the other nodes of `among` only (a component's replication links).
    case isolateWithin(ResolvedTarget, among: [String])
    /// The target and `companions` (nodes of other components, e.g. the query API) on one side, the
    /// rest of `among` on the other: the companions can reach only the isolated node of that component.
    case isolateWith(ResolvedTarget, companions: [String], among: [String])
    case oneWay(from: ResolvedTarget, to: ResolvedTarget)
}

/// PlannedFault: `action` from `at` to `at + duration` seconds into the fault phase.
public struct PlannedFault: Sendable, Equatable {
    public var at: Double
    public var duration: Double
    public var action: FaultAction
}

/// NemesisPlan turns a schedule into timed faults for the given nodes (in a stable order).
public enum NemesisPlan {
    /// Loads `nemesis/<name>.yml` (or any path) and plans it: the controller's one call.
    /// - Parameter components: component name → its nodes, for entries with `component:`.
    public static func load(path: String, nodes: [String], seed: UInt64, timeLimit: Double,
                            components: [String: [String]] = [:]) throws -> [PlannedFault] {
        try make(NemesisSchedule.load(path: path), nodes: nodes, seed: seed, timeLimit: timeLimit, components: components,
                 file: path)
    }

    /// Most faults one plan may hold (a random mix at a short interval over a long test would otherwise
    /// plan millions).
    public static let maxFaults = 100_000

    /// Plans `schedule`; a target or component that is not in this test is an `InputError` naming `file`
    /// and the entry's line.
    public static func make(_ schedule: NemesisSchedule, nodes: [String], seed: UInt64, timeLimit: Double,
                            components: [String: [String]] = [:], file: String = "nemesis") throws -> [PlannedFault] {
        // A scoped entry picks its targets among its component's nodes (ComponentScope).
        func resolve(_ spec: FaultSpec, _ scope: ComponentScope?, line: Int, rng: inout SplitMix64) throws -> FaultAction {
            let at = Place(file: file, line: line)
            guard let scope else { return try Self.resolve(spec, nodes: nodes, rng: &rng, at: at) }
            let all = components.keys.sorted().joined(separator: ", ")
            guard let own = components[scope.component] else {
                throw InputError(file: file, line: scope.line, field: "component",
                                 message: "'\(scope.component)' is not a component of this test (components: \(all))")
            }
            var companions: [String] = []
            for c in scope.companions {
                guard let ns = components[c] else {
                    throw InputError(file: file, line: scope.line, field: "with",
                                     message: "'\(c)' is not a component of this test (components: \(all))")
                }
                companions += ns
            }
            return Self.scoped(try Self.resolve(spec, nodes: own, rng: &rng, at: at), own: own,
                               linksOnly: scope.componentLinksOnly, companions: companions)
        }
        // Every entry's targets and components are checked, also those the time limit leaves out: a
        // wrong name is a wrong file, whatever the test's length (a scratch generator: the plan is unchanged).
        var scratch = SplitMix64(seed: 0)
        switch schedule.mode {
        case .none: break
        case .fixed(let events): for e in events { _ = try resolve(e.fault, e.scope, line: e.line, rng: &scratch) }
        case .random(let mix):
            for (i, f) in mix.faults.enumerated() {
                _ = try resolve(f, i < mix.scopes.count ? mix.scopes[i] : nil, line: i < mix.lines.count ? mix.lines[i] : 0, rng: &scratch)
            }
        }
        var rng = SplitMix64(seed: seed)
        switch schedule.mode {
        case .none:
            return []
        case .fixed(let events):
            return try events.filter { $0.at < timeLimit }.map { e in
                PlannedFault(at: e.at, duration: min(e.duration, timeLimit - e.at),
                             action: try resolve(e.fault, e.scope, line: e.line, rng: &rng))
            }
        case .random(let mix):
            if let s = mix.seed { rng = SplitMix64(seed: s) }
            guard !mix.faults.isEmpty, mix.interval > 0 else { return [] }
            var out: [PlannedFault] = []
            var t = mix.start
            while t < timeLimit {
                if out.count >= maxFaults {
                    throw InputError(file: file, line: 0, field: "random.interval",
                                     message: "more than \(maxFaults) faults in this test: make the interval longer")
                }
                let i = Int(rng.next() % UInt64(mix.faults.count))
                let scope = i < mix.scopes.count ? mix.scopes[i] : nil
                out.append(PlannedFault(at: t, duration: min(mix.duration, timeLimit - t),
                                        action: try resolve(mix.faults[i], scope, line: i < mix.lines.count ? mix.lines[i] : 0, rng: &rng)))
                t += mix.interval
            }
            return out
        }
    }

    /// Where a fault entry was written, for errors.
    struct Place {
        var file: String
        var line: Int
    }

    static func resolve(_ spec: FaultSpec, nodes: [String], rng: inout SplitMix64, at: Place) throws -> FaultAction {
        func target(_ t: Target) throws -> ResolvedTarget {
            switch t {
            case .node(let n):
                guard nodes.contains(n) else {
                    throw InputError(file: at.file, line: at.line, field: "target",
                                     message: "'\(n)' is not a node of this test (nodes: \(nodes.joined(separator: ", ")))")
                }
                return .nodes([n])
            case .random: return .nodes(nodes.isEmpty ? [] : [nodes[Int(rng.next() % UInt64(nodes.count))]])
            case .leader: return .leader
            case .minority:
                let k = max(1, (nodes.count - 1) / 2)
                return .nodes(Array(shuffled(nodes, &rng).prefix(k)).sorted())
            case .all: return .nodes(nodes)
            }
        }
        func linkTarget(_ t: Target) throws -> ResolvedTarget? { t == .all ? nil : try target(t) }
        switch spec {
        case .kill(let t): return .kill(try target(t))
        case .pause(let t): return .pause(try target(t))
        case .reset(let t): return .reset(try linkTarget(t))
        case .latency(let d, let j, let t): return .latency(delayMs: d, jitterMs: j, try linkTarget(t))
        case .loss(let p, let t): return .loss(probability: p, try linkTarget(t))
        case .bandwidth(let b, let t): return .bandwidth(bytesPerSecond: b, try linkTarget(t))
        case .failover: return .failover(among: nil)
        case .partitionClients(let t): return .partitionClients(try target(t))
        case .clientLatency(let d, let j, let t): return .clientLatency(delayMs: d, jitterMs: j, try linkTarget(t))
        case .partition(let shape):
            switch shape {
            case .halves: return .partition(shape: shape.name, .grudge(.halves(nodes)))
            case .randomHalves: return .partition(shape: shape.name, .grudge(.halves(shuffled(nodes, &rng))))
            case .isolate(let t): return .partition(shape: shape.name, .isolate(try target(t)))
            case .isolateLeader: return .partition(shape: shape.name, .isolate(.leader))
            case .majoritiesRing: return .partition(shape: shape.name, .grudge(.majoritiesRing(shuffled(nodes, &rng))))
            case .bridge: return .partition(shape: shape.name, .grudge(.bridge(shuffled(nodes, &rng))))
            case .oneWay(let from, let to):
                let f = try target(from)
                var t = try target(to)
                // A random "to" must differ from a fixed "from".
                if case .nodes(let fs) = f, case .nodes(let ts) = t, fs == ts, to == .random, nodes.count > 1 {
                    let others = nodes.filter { !fs.contains($0) }
                    t = .nodes([others[Int(rng.next() % UInt64(others.count))]])
                }
                return .partition(shape: shape.name, .oneWay(from: f, to: t))
            }
        }
    }

    /// Narrows a fault resolved among a component's nodes: its leader is that component's leader, and
    /// with `linksOnly` an isolation cuts only the component's own links.
    /// With `companions`, an isolation puts them on the isolated node's side (`isolateWith`).
    static func scoped(_ a: FaultAction, own: [String], linksOnly: Bool, companions: [String] = []) -> FaultAction {
        func t(_ r: ResolvedTarget) -> ResolvedTarget { r == .leader ? .leaderAmong(own) : r }
        func lt(_ r: ResolvedTarget?) -> ResolvedTarget? { r.map(t) ?? (linksOnly ? .nodes(own) : nil) }
        switch a {
        case .kill(let r): return .kill(t(r))
        case .pause(let r): return .pause(t(r))
        case .latency(let d, let j, let r): return .latency(delayMs: d, jitterMs: j, lt(r))
        case .loss(let p, let r): return .loss(probability: p, lt(r))
        case .bandwidth(let b, let r): return .bandwidth(bytesPerSecond: b, lt(r))
        case .reset(let r): return .reset(lt(r))
        case .failover: return .failover(among: own)
        case .partitionClients(let r): return .partitionClients(t(r))
        // Scoped, "all" is the component's nodes, not every node of the test.
        case .clientLatency(let d, let j, let r): return .clientLatency(delayMs: d, jitterMs: j, r.map(t) ?? .nodes(own))
        case .partition(let shape, let plan):
            switch plan {
            case .isolate(let r) where !companions.isEmpty:
                return .partition(shape: shape, .isolateWith(t(r), companions: companions, among: own))
            case .isolate(let r): return .partition(shape: shape, linksOnly ? .isolateWithin(t(r), among: own) : .isolate(t(r)))
            case .isolateWith(let r, let c, let among): return .partition(shape: shape, .isolateWith(t(r), companions: c, among: among))
            case .isolateWithin(let r, let among): return .partition(shape: shape, .isolateWithin(t(r), among: among))
            case .oneWay(let f, let to): return .partition(shape: shape, .oneWay(from: t(f), to: t(to)))
            case .grudge: return a
            }
        }
    }

    static func shuffled(_ xs: [String], _ rng: inout SplitMix64) -> [String] {
        var a = xs
        guard a.count > 1 else { return a }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            a.swapAt(i, Int(rng.next() % UInt64(i + 1)))
        }
        return a
    }
}
