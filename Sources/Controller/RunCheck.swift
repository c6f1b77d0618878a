// RunCheck: a stored history checked with a workload's checkers and options, through the checker registry.
import Checker
import History

/// RunCheck is the one path from a run's history to its verdicts, for `faultline run` and `faultline
/// analyze` alike (and the same registry `faultline check` builds its checker from), so the three agree.
public enum RunCheck {
    /// A history that cannot be checked at all: unreadable, or its ops do not pair up.
    public struct UnreadableHistory: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads `historyPath` (a truncated last line, as a crash leaves, is dropped) and checks it.
    public static func results(historyPath: String, workload: WorkloadFile) throws -> CheckerResults {
        let history = try readable(historyPath)
        return try CheckerRegistry.check(history, checkers: workload.checkers, options: workload.checkerOptions)
    }

    /// The history at `path`, or why it cannot be checked (a load error, or ops that do not pair up).
    public static func readable(_ path: String) throws(UnreadableHistory) -> History {
        let history: History
        do {
            history = try HistoryLoader.load(path: path, format: .jsonl).history
            _ = try history.pairs()
        } catch {
            throw UnreadableHistory(description: "\(error)")
        }
        return history
    }
}
