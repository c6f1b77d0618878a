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
    public init(at: Double, duration: Double, fault: FaultSpec) {
        self.at = at
        self.duration = duration
        self.fault = fault
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
    public init(start: Double, interval: Double, duration: Double, seed: UInt64? = nil, faults: [FaultSpec]) {
        self.start = start
        self.interval = interval
        self.duration = duration
        self.seed = seed
        self.faults = faults
    }
}

/// ScheduleError lists every problem found in a schedule file, one per line: `file:line: field: message`.
public struct ScheduleError: Error, CustomStringConvertible, Equatable {
    public struct Problem: Sendable, Equatable {
        public var file: String
        public var line: Int
        public var field: String
        public var message: String
    }
    public var problems: [Problem]
    public var description: String {
        problems.map { "\($0.file):\($0.line): \($0.field): \($0.message)" }.joined(separator: "\n")
    }
}
