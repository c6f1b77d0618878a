// PostgresOutcome: what an error from the server or the wire says about whether a statement applied.
import History
import PostgresNIO

/// A read runs alone (autocommit); a write runs in BEGIN … COMMIT and is judged by COMMIT's answer
/// (PostgresClient.write). The server's rules decide:
/// - An ERROR response ends the statement's transaction without effect: `fail` (read-only transaction
///   on a standby, serialization failure, a constraint, an undefined table...).
/// - A FATAL or PANIC ends the connection, and a commit may already be done: a backend terminated while
///   it waited for a synchronous standby says "already committed locally". A write is then `info`.
/// - Anything that is not a server answer (a lost or reset connection, our own deadline) leaves a write
///   `info`. A read changed nothing whatever happened: `fail`.
enum PostgresOutcome {
    /// The SQLSTATE, severity and message of a server error; nil for anything else.
    static func serverError(_ error: Error) -> (state: String, severity: String, message: String, detail: String)? {
        guard let e = error as? PSQLError, e.code == .server, let info = e.serverInfo else { return nil }
        return (info[.sqlState] ?? "?????", info[.severity] ?? info[.localizedSeverity] ?? "ERROR",
                info[.message] ?? "", info[.detail] ?? "")
    }

    static func classify(_ error: Error, write: Bool) -> ClientOutcome {
        if let s = serverError(error) {
            let text = "\(s.state) \(s.message)" + (s.detail.isEmpty ? "" : " (\(s.detail))")
            if s.detail.contains("already committed locally") || s.message.contains("already committed locally") {
                return write ? .info(text) : .fail(text)
            }
            if s.severity == "ERROR" { return .fail(text) }
            return write ? .info(text) : .fail(text)
        }
        let text = describe(error)
        return write ? .info(text) : .fail(text)
    }

    /// A short text for the history's `error` field (PSQLError's own description hides the details).
    static func describe(_ error: Error) -> String {
        if let s = serverError(error) { return "\(s.state) \(s.message)" }
        if let e = error as? PSQLError {
            return "\(e.code)" + (e.underlying.map { ": \($0)" } ?? "")
        }
        return "\(error)"
    }

    /// The SQLSTATE of a read-only transaction: the node is (now) a standby.
    static func isReadOnly(_ error: Error) -> Bool { serverError(error)?.state == "25006" }
}
