// RunOutcome: what one `faultline run` ended with (exit status, run folder, verdicts) and its errors.
import Checker
import Foundation

/// RunOutcome is the result of `TestRunner.run`.
public struct RunOutcome: Sendable {
    public var exitStatus: Int32
    public var runDir: String
    public var results: CheckerResults?
    public var interrupted: Bool
}

/// CannotStart: the system under test did not come up (exit status 4).
public struct CannotStartError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
