// RunOutcome: how one `faultline run` ended (the CLI alone turns it into an exit status), and its errors.
import Checker
import Foundation
import Store

/// RunOutcome is the result of `TestRunner.run` when the run got as far as checking its history.
/// Bad input (`InputError`) and a system that could not start (`CannotStartError`) are thrown instead.
public enum RunOutcome: Sendable {
    /// The run went to its end and its history was checked.
    case checked(RunFolder, CheckerResults)
    /// SIGINT or SIGTERM stopped it early; what it recorded was checked all the same.
    case interrupted(RunFolder, CheckerResults)

    public var folder: RunFolder {
        switch self {
        case .checked(let f, _), .interrupted(let f, _): return f
        }
    }

    public var runDir: String { folder.path }

    public var results: CheckerResults {
        switch self {
        case .checked(_, let r), .interrupted(_, let r): return r
        }
    }

    public var interrupted: Bool {
        if case .interrupted = self { return true }
        return false
    }
}

/// CannotStart: the system under test did not come up.
public struct CannotStartError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
