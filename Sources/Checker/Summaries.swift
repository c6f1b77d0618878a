// Typed summaries the checkers store in results.json, so that the store, comparison pages, campaign
// expectations and the report read figures by type, never by string keys of a verdict's details.
import Foundation
import History

/// OutcomeCounts: client ops by outcome.
public struct OutcomeCounts: Codable, Sendable, Equatable {
    public var ok: Int
    public var fail: Int
    public var info: Int

    public init(ok: Int = 0, fail: Int = 0, info: Int = 0) {
        self.ok = ok
        self.fail = fail
        self.info = info
    }

    public var total: Int { ok + fail + info }
    /// ok / all; nil when there is no op.
    public var okRatio: Double? { total == 0 ? nil : Double(ok) / Double(total) }

    public static func + (a: OutcomeCounts, b: OutcomeCounts) -> OutcomeCounts {
        OutcomeCounts(ok: a.ok + b.ok, fail: a.fail + b.fail, info: a.info + b.info)
    }
}

/// OutcomeWindow: completions per outcome in one fixed window of history time.
public struct OutcomeWindow: Codable, Sendable, Equatable {
    /// Start of the window, in seconds of history time.
    public var start: Double
    public var counts: OutcomeCounts
    /// True when any fault window overlaps it.
    public var fault: Bool

    public init(start: Double, counts: OutcomeCounts, fault: Bool) {
        self.start = start
        self.counts = counts
        self.fault = fault
    }
}

/// FaultSpan: one interval during which a fault was in force (the rule of `FaultTimeline`: start-X to
/// stop-X, heal or the end; Jepsen's plain start/stop are one fault named "fault").
public struct FaultSpan: Codable, Sendable, Equatable {
    public var fault: String
    /// Nanoseconds of history time.
    public var start: Int64
    public var end: Int64
    /// The op that ended it (stop-X or heal); nil when the history ended first.
    public var endedBy: String?

    public init(fault: String, start: Int64, end: Int64, endedBy: String?) {
        self.fault = fault
        self.start = start
        self.end = end
        self.endedBy = endedBy
    }
}

/// OutcomeTimeline: the windows and fault spans of a history, as the availability and perf checkers
/// measured them; what the report draws.
public struct OutcomeTimeline: Codable, Sendable, Equatable {
    public var windowSeconds: Double
    public var windows: [OutcomeWindow]
    public var faults: [FaultSpan]

    public init(windowSeconds: Double, windows: [OutcomeWindow], faults: [FaultSpan]) {
        self.windowSeconds = windowSeconds
        self.windows = windows
        self.faults = faults
    }
}

/// AvailabilitySummary: the availability checker's figures.
public struct AvailabilitySummary: Codable, Sendable, Equatable {
    /// Ops by outcome, invoked inside and outside fault windows.
    public var inFault: OutcomeCounts
    public var outsideFault: OutcomeCounts
    /// The longest time any function went without an ok completion, in seconds.
    public var longestGapSeconds: Double?
    /// The slowest recovery (a fault's end to the first ok op), in seconds; nil when none was measured.
    public var slowestRecoverySeconds: Double?
    /// Fault ends after which no op ever succeeded.
    public var noRecovery: Int
    public var timeline: OutcomeTimeline

    public init(inFault: OutcomeCounts, outsideFault: OutcomeCounts, longestGapSeconds: Double?, slowestRecoverySeconds: Double?,
                noRecovery: Int, timeline: OutcomeTimeline) {
        self.inFault = inFault
        self.outsideFault = outsideFault
        self.longestGapSeconds = longestGapSeconds
        self.slowestRecoverySeconds = slowestRecoverySeconds
        self.noRecovery = noRecovery
        self.timeline = timeline
    }

    /// Share of all client ops that succeeded.
    public var okRatio: Double? { (inFault + outsideFault).okRatio }
}

/// PerfSummary: the perf checker's figures.
public struct PerfSummary: Codable, Sendable, Equatable {
    public var outcomes: OutcomeCounts
    /// Latency percentiles of every completed op, in milliseconds.
    public var p50Ms: Double?
    public var p99Ms: Double?
    public var timeline: OutcomeTimeline

    public init(outcomes: OutcomeCounts, p50Ms: Double?, p99Ms: Double?, timeline: OutcomeTimeline) {
        self.outcomes = outcomes
        self.p50Ms = p50Ms
        self.p99Ms = p99Ms
        self.timeline = timeline
    }
}

/// VerdictSummary: the typed part of a verdict, stored under `"summary"` of its JSON.
public struct VerdictSummary: Codable, Sendable, Equatable {
    public var availability: AvailabilitySummary?
    public var perf: PerfSummary?

    public init(availability: AvailabilitySummary? = nil, perf: PerfSummary? = nil) {
        self.availability = availability
        self.perf = perf
    }
}

/// RunSummary: what a run's verdicts add up to, stored as `"summary"` in results.json: the figures AP-vs-CP
/// comparisons and campaign expectations are about. A figure is nil when no checker of the run measured it.
public struct RunSummary: Codable, Sendable, Equatable {
    /// Checkers whose verdict is invalid, with their non-zero counts ("linearizable: non_linearizable_ops=1").
    public var anomalies: [String]
    /// Acknowledged writes or events lost (set, queue, log, pipeline: their counts named lost…).
    public var lost: Int?
    /// Stale reads (staleness `stale-read`) and stale answers (pipeline `stale-answer`, `stale-count`).
    public var stale: Int?
    public var availability: AvailabilitySummary?
    public var perf: PerfSummary?

    public init(anomalies: [String] = [], lost: Int? = nil, stale: Int? = nil, availability: AvailabilitySummary? = nil,
                perf: PerfSummary? = nil) {
        self.anomalies = anomalies
        self.lost = lost
        self.stale = stale
        self.availability = availability
        self.perf = perf
    }

    /// The summary of these verdicts. The anomaly names are the checkers' own (docs/history-conventions.md).
    public init(verdicts: [Verdict]) {
        self.init()
        for v in verdicts {
            if v.valid == .invalid {
                let c = v.counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                anomalies.append(v.checker + (c.isEmpty ? "" : ": " + c.joined(separator: " ")))
            }
            for (k, n) in v.counts where k == "lost" || k.hasPrefix("lost-") || k.hasPrefix("lost_") { lost = (lost ?? 0) + n }
            for (k, n) in v.counts where k == "stale-read" || k == "stale-answer" || k == "stale-count" { stale = (stale ?? 0) + n }
            if let a = v.summary?.availability { availability = a }
            if let p = v.summary?.perf { perf = p }
        }
    }

    /// Share of client ops that succeeded: availability's, else perf's.
    public var okRatio: Double? { availability?.okRatio ?? perf?.outcomes.okRatio }

    /// The windows and fault spans measured for this run (availability's, else perf's).
    public var timeline: OutcomeTimeline? { availability?.timeline ?? perf?.timeline }
}

extension JSONValue {
    /// A Codable value as JSON (through Foundation's encoder); nil if it cannot be encoded.
    public init?<T: Encodable>(encoding value: T) {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        enc.keyEncodingStrategy = .convertToSnakeCase
        guard let data = try? enc.encode(value), let v = try? JSONParser.parse(String(decoding: data, as: UTF8.self)) else { return nil }
        self = v
    }

    /// This JSON decoded as `T`; nil when it does not have T's shape.
    public func decoded<T: Decodable>(as type: T.Type) -> T? {
        let dec = JSONDecoder()
        dec.keyDecodingStrategy = .convertFromSnakeCase
        return try? dec.decode(type, from: Data(description.utf8))
    }
}
