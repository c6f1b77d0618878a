// Store: what the Store module shares with its readers (Report sees History and verdicts through it).
@_exported import History
import Checker

/// A verdict's validity, under a name of its own so that Report reads verdicts without importing
/// Checker (a module importing both may keep using `Validity`).
public typealias RunValidity = Checker.Validity

/// The windows and fault spans the checkers measured and stored in results.json (`RunSummary.timeline`):
/// the report draws these rather than deriving them again from the history with rules of its own.
public typealias StoredTimeline = Checker.OutcomeTimeline
/// A run's stored verdicts (results.json), as the report reads them.
public typealias StoredResults = Checker.CheckerResults
/// One fault window as the checkers stored it.
public typealias StoredFaultSpan = Checker.FaultSpan
