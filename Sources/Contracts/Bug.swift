// Bug: the defect switches a built-in node can be started with (`bugs:` of a pipeline component).

/// Known defects a node can be started with, one per name, to prove the checkers find them.
public enum Bug: String, Sendable, CaseIterable {
    /// Every 5th write is acknowledged (with a plausible answer) but never stored.
    case ackWithoutStore = "ack_without_store"
    /// This node answers every read from its own copy, and stops applying replicated entries after 5.
    case staleReads = "stale_reads"
    /// On restart the last 5 entries of the log are dropped, even though they were written.
    case loseTailOnRestart = "lose_tail_on_restart"
    /// Loader: every 5th new object is recorded as loaded but never inserted into the warehouse.
    case skipObjects = "skip_objects"
    /// Connector: commits the consumed offset before writing the object, so a failed write loses the batch.
    case commitBeforeWrite = "commit_before_write"

    /// The bug called `name`, or the message naming every known bug (the same words in the node's
    /// config check and the pipeline file's).
    public static func named(_ name: String) -> Result<Bug, SettingsError> {
        if let b = Bug(rawValue: name) { return .success(b) }
        return .failure(SettingsError(field: "bugs", message: "unknown bug \"\(name)\"; known: \(allCases.map(\.rawValue).joined(separator: ", "))"))
    }
}
