// Store: what the Store module shares with its readers (Report sees History and verdicts through it).
@_exported import History
import Checker

/// A verdict's validity, under a name of its own so that Report reads verdicts without importing
/// Checker (a module importing both may keep using `Validity`).
public typealias RunValidity = Checker.Validity
