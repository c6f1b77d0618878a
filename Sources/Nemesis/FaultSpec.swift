// FaultSpec: one fault as written in a schedule (unresolved), and its target.

/// Target says which nodes a fault hits; `random`/`minority` are resolved from the seed at plan time,
/// `leader` at the moment the fault starts.
public enum Target: Sendable, Equatable, CustomStringConvertible {
    case node(String)
    case random
    case leader
    case minority
    case all

    public var description: String {
        switch self {
        case .node(let n): return n
        case .random: return "random"
        case .leader: return "leader"
        case .minority: return "minority"
        case .all: return "all"
        }
    }
}

/// PartitionShape is a named topology; `oneWay` cuts only from→to.
public enum PartitionShape: Sendable, Equatable {
    case halves
    case randomHalves
    case isolate(Target)
    case isolateLeader
    case majoritiesRing
    case bridge
    case oneWay(from: Target, to: Target)

    public var name: String {
        switch self {
        case .halves: return "halves"
        case .randomHalves: return "random-halves"
        case .isolate: return "isolate"
        case .isolateLeader: return "isolate-leader"
        case .majoritiesRing: return "ring"
        case .bridge: return "bridge"
        case .oneWay: return "one-way"
        }
    }
}

/// FaultSpec is a fault kind with its parameters, as a schedule names it.
public enum FaultSpec: Sendable, Equatable {
    /// SIGKILL, then restart at the end of the window.
    case kill(Target)
    /// SIGSTOP, then SIGCONT at the end.
    case pause(Target)
    case partition(PartitionShape)
    /// Delay (and jitter) on every link touching the target nodes.
    case latency(delayMs: Double, jitterMs: Double, target: Target)
    /// Probability of resetting each new connection on links touching the targets.
    case loss(probability: Double, target: Target)
    case bandwidth(bytesPerSecond: Int, target: Target)
    /// Reset every connection (open and new) on links touching the targets.
    case reset(Target)
    /// The system's orchestrator fails over (FailoverControl); nothing is undone at the end.
    case failover
    /// The workload clients cannot reach the target nodes (their client proxies blackhole, as `cut`);
    /// the nodes still reach each other. The clients' own partition, Jepsen's client-side view.
    case partitionClients(Target)
    /// Delay (and jitter) on the workload clients' links to the target nodes only.
    case clientLatency(delayMs: Double, jitterMs: Double, target: Target)

    /// The history name of the fault (`start-<name>` / `stop-<name>`).
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
