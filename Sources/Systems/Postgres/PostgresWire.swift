// PostgresWire: one postgres-nio connection to a node and statements with a deadline of our own
// (a commit waiting for a synchronous standby ignores statement_timeout, so only the client can bound it).
import Foundation
import Logging
import NIOCore
import NIOConcurrencyHelpers
import PostgresNIO

enum PostgresWire {
    /// postgres-nio logs notices and background events; Faultline records outcomes, not driver logs.
    static let quiet = Logger(label: "faultline.postgres") { _ in SwiftLogNoOpLogHandler() }
    private static let nextID = NIOLockedValueBox(0)

    /// The deadline passed before the server answered: the statement may still apply.
    struct Timeout: Error, CustomStringConvertible {
        let seconds: Double
        var description: String { "no answer within \(seconds)s" }
    }

    /// A connection to `host:port` as user postgres (trust authentication on loopback, no TLS).
    /// Throws when none was made within `timeout`: nothing was sent. postgres-nio's own connect timeout
    /// covers the TCP connect only, and a paused server accepts that (its kernel does) and then never
    /// answers the startup message, so the whole handshake races our deadline; a connection that
    /// completes after it is closed.
    static func connect(host: String, port: Int, timeout: Double) async throws -> PostgresConnection {
        var config = PostgresConnection.Configuration(host: host, port: port, username: "postgres", password: nil,
                                                      database: "postgres", tls: .disable)
        config.options.connectTimeout = .milliseconds(Int64(max(timeout, 0.05) * 1000))
        let id = nextID.withLockedValue { $0 += 1; return $0 }
        let configuration = config
        // An unclosed PostgresConnection is a leaked socket (and an assertion in debug builds).
        return try await deadline(timeout, { try await PostgresConnection.connect(configuration: configuration, id: id, logger: quiet) },
                                  late: { c in Task { try? await c.close() } })
    }

    /// Runs `query` and collects its rows. When `timeout` passes first the connection is closed (which
    /// ends the statement's wait on our side) and `Timeout` is thrown.
    static func rows(_ c: PostgresConnection, _ query: PostgresQuery, timeout: Double) async throws -> [PostgresRow] {
        do {
            return try await deadline(timeout, {
                var out: [PostgresRow] = []
                for try await row in try await c.query(query, logger: quiet) { out.append(row) }
                return out
            }, late: { _ in })
        } catch let t as Timeout {
            // The future-returning close: it fails the pending statement without waiting for it here.
            let closing: EventLoopFuture<Void> = c.close()
            closing.whenComplete { _ in }
            throw t
        }
    }

    /// `work`'s result, or `Timeout` once `timeout` passed, without waiting for `work` to end: a
    /// handshake or statement postgres-nio never ends (a task group would wait for it) must not hold a
    /// logical client past its deadline (seen once on a machine at load 27: a read invoked as its node
    /// was killed never completed, and the run never ended). A result that comes late goes to `late`.
    static func deadline<T: Sendable>(_ timeout: Double, _ work: @escaping @Sendable () async throws -> T,
                                      late: @escaping @Sendable (T) -> Void) async throws -> T {
        let pending = NIOLockedValueBox<CheckedContinuation<T, Error>?>(nil)
        let take = { pending.withLockedValue { p -> CheckedContinuation<T, Error>? in defer { p = nil }; return p } }
        return try await withCheckedThrowingContinuation { (cont: CheckedContinuation<T, Error>) in
            pending.withLockedValue { $0 = cont }
            Task {
                do {
                    let v = try await work()
                    if let c = take() { c.resume(returning: v) } else { late(v) }
                } catch {
                    take()?.resume(throwing: error)
                }
            }
            Task {
                try? await Task.sleep(for: .milliseconds(Int64(timeout * 1000)))
                take()?.resume(throwing: Timeout(seconds: timeout))
            }
        }
    }

    static func close(_ c: PostgresConnection) async {
        if !c.isClosed { try? await c.close() }
    }

    /// A Postgres LSN (`16/B374D848`) as one number, so standbys can be ordered by how far they got.
    static func lsn(_ text: String?) -> UInt64? {
        guard let text, let slash = text.firstIndex(of: "/"),
              let hi = UInt64(text[..<slash], radix: 16), let lo = UInt64(text[text.index(after: slash)...], radix: 16),
              hi <= UInt64(UInt32.max), lo <= UInt64(UInt32.max) else { return nil }
        return hi << 32 | lo
    }

    /// A string literal for the statements that take none as parameters (ALTER SYSTEM).
    static func literal(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
}
