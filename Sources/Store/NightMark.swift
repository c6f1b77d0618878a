// NightMark: how one cell of one night went, told apart: the system's fault or the harness's.
import Checker
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
    /// Endings that are the harness's, not a verdict on the system: bad input, could not start,
    /// interrupted (what an interrupted run recorded is partial), or no verdict written.
    public var isHarnessFailure: Bool {
        ending != .checked || verdict == nil
    }

    public var mark: NightMark {
        if isHarnessFailure { return .harnessFailure }
        if !held { return .expectationFailed }
        switch verdict {
        case .invalid: return .anomaly
        case .unknown: return .unknown
        case .valid, nil: return .valid
        }
    }
}

extension CampaignRecord {
    /// True when the invocation never wrote its final record: its controller crashed (or still runs).
    public var unfinished: Bool { finished.isEmpty }
}
