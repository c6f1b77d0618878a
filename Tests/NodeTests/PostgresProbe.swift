// PostgresProbe: whether a PostgreSQL server accepts a connection and a query, and the tests' one-off
// queries against it (as user postgres, trust on loopback).
import Foundation
import Logging
import PostgresNIO

enum PostgresProbe {
    struct NotUp: Error, CustomStringConvertible { let detail: String; var description: String { detail } }
    static let logger = Logger(label: "test.postgres") { _ in SwiftLogNoOpLogHandler() }

    static func connect(port: Int) async throws -> PostgresConnection {
        let config = PostgresConnection.Configuration(host: "127.0.0.1", port: port, username: "postgres", password: nil,
                                                      database: "postgres", tls: .disable)
        return try await PostgresConnection.connect(configuration: config, id: 1, logger: logger)
    }

    static func accepts(port: Int) async -> Bool {
        guard let c = try? await connect(port: port) else { return false }
        let ok = (try? await c.query("SELECT 1", logger: logger).collect()) != nil
        try? await c.close()
        return ok
    }

    /// Runs each statement of `sql` in order, on one connection.
    static func run(port: Int, _ sql: [String]) async throws {
        let c = try await connect(port: port)
        do {
            for q in sql { _ = try await c.query(PostgresQuery(unsafeSQL: q), logger: logger).collect() }
        } catch {
            try? await c.close()
            throw error
        }
        try? await c.close()
    }

    /// One integer from `sql`.
    static func int(port: Int, _ sql: String) async throws -> Int {
        let c = try await connect(port: port)
        let rows: [PostgresRow]
        do { rows = try await c.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect() } catch {
            try? await c.close()
            throw error
        }
        try? await c.close()
        return Int(try rows.first?.decode(Int64.self) ?? -1)
    }
}
