// NightMark: how one cell of one night went, told apart: the system's fault or the harness's.
import Foundation

/// NightMark is what the trends page shows for a cell on a night. A harness failure (the system could
/// not start, bad input, the run was interrupted, no verdict was written) says nothing about the system
/// under test, so it is never counted as an anomaly or a failed expectation.
public enum NightMark: String, Sendable, CaseIterable {
    case valid
    /// The run found an anomaly, and the pipeline's expectation allowed it (e.g. an AP pipeline).
    case anomaly
    case expectationFailed = "expectation-failed"
    case unknown
    case harnessFailure = "harness-failure"

    public var label: String {
        switch self {
        case .valid: return "valid"
        case .anomaly: return "anomaly (expected)"
        case .expectationFailed: return "expectation failed"
        case .unknown: return "unknown"
        case .harnessFailure: return "harness failure"
        }
    }
}

extension CampaignCell {
    /// Exit statuses that are the harness's, not a verdict on the system: 2 bad input, 4 could not
    /// start, 130 interrupted (and any status outside 0, 1, 3).
    public var isHarnessFailure: Bool {
        verdict == "none" || ![0, 1, 3].contains(exitStatus)
    }

    public var mark: NightMark {
        if isHarnessFailure { return .harnessFailure }
        if !held { return .expectationFailed }
        switch verdict {
        case "invalid": return .anomaly
        case "unknown": return .unknown
        default: return .valid
        }
    }
}

extension CampaignRecord {
    /// True when the invocation never wrote its final record: its controller crashed (or still runs).
    public var unfinished: Bool { finished.isEmpty }
}
