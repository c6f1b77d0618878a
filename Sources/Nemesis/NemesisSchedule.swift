// NemesisSchedule: a fault schedule as read from nemesis/<name>.yml (fixed events or a seeded random mix).

/// NemesisSchedule is either nothing, a list of faults at fixed times, or a random mix at an interval.
public struct NemesisSchedule: Sendable, Equatable {
    public var name: String
    public var description: String
    public var mode: Mode

    public enum Mode: Sendable, Equatable {
        case none
        case fixed([ScheduledFault])
        case random(RandomMix)
    }

    public init(name: String, description: String = "", mode: Mode) {
        self.name = name
        self.description = description
        self.mode = mode
    }
}

/// ScheduledFault: `fault` starts `at` seconds into the fault phase and lasts `duration` seconds.
public struct ScheduledFault: Sendable, Equatable {
    public var at: Double
    public var duration: Double
    public var fault: FaultSpec
    /// The component whose nodes the fault targets (`component:`), or nil for every node of the test.
    public var scope: ComponentScope?
    /// The entry's line in its file (0 when built in code), for errors found when the plan is made.
    public var line: Int
    public init(at: Double, duration: Double, fault: FaultSpec, scope: ComponentScope? = nil, line: Int = 0) {
        self.at = at
        self.duration = duration
        self.fault = fault
        self.scope = scope
        self.line = line
    }
}

/// RandomMix: from `start`, every `interval` seconds one of `faults` (picked by the seed) for `duration`.
public struct RandomMix: Sendable, Equatable {
    public var start: Double
    public var interval: Double
    public var duration: Double
    /// Overrides the test's seed when set.
    public var seed: UInt64?
    public var faults: [FaultSpec]
    /// Per fault (same order as `faults`): its component scope, or nil. Empty means none has one.
    public var scopes: [ComponentScope?] = []
    /// Per fault: its line in the file (empty when built in code).
    public var lines: [Int] = []
    public init(start: Double, interval: Double, duration: Double, seed: UInt64? = nil, faults: [FaultSpec],
                scopes: [ComponentScope?] = [], lines: [Int] = []) {
        self.lines = lines
        self.start = start
        self.interval = interval
        self.duration = duration
        self.seed = seed
        self.faults = faults
        self.scopes = scopes
    }
}

/// ComponentScope: a fault entry's `component:` (and `links:`). Targets (leader, random, minority, all,
/// partition shapes) are chosen among that component's nodes; with `links: component` a partition cuts
/// only links between the component's own nodes (its replication), otherwise every link of the
/// isolated nodes, including those from other components.
public struct ComponentScope: Sendable, Equatable {
    public var component: String
    public var componentLinksOnly: Bool
    /// `with: [component, ...]`: for an isolation, nodes of these components stay on the isolated side.
    public var companions: [String]
    public var line: Int
    public init(component: String, componentLinksOnly: Bool = false, companions: [String] = [], line: Int = 0) {
        self.component = component
        self.componentLinksOnly = componentLinksOnly
        self.companions = companions
        self.line = line
    }
}
