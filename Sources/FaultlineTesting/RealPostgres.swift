// RealPostgres: one real PostgreSQL server for the tests that need a single server (the loader's
// warehouse, the postgres client's outcomes), started and owned by the test's Supervisor on 127.0.0.1,
// and the one-off connections and queries those tests make against it (as user postgres, trust).
import Foundation
import Logging
import PostgresNIO
import Supervisor

public enum RealPostgres {
    public struct NotUp: Error, CustomStringConvertible {
        public let detail: String
        public var description: String { detail }
    }
    static let logger = Logger(label: "test.postgres") { _ in SwiftLogNoOpLogHandler() }

    /// The newest installed server's bin folder (Debian keeps them off PATH, in /usr/lib/postgresql/<v>/bin).
    public static let bin: String? = {
        let dirs = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).sorted { $0.compare($1, options: .numeric) == .orderedAscending }
        return dirs.reversed().map { "/usr/lib/postgresql/\($0)/bin" }.first { FileManager.default.isExecutableFile(atPath: $0 + "/postgres") }
    }()

    /// Initialises and starts one server (trust on 127.0.0.1, fsync off, as user postgres when run as
    /// root: the server refuses root) and waits until it accepts a connection; returns its port.
    public static func start(_ supervisor: Supervisor, name: String) async throws -> Int {
        guard let bin else { throw NotUp(detail: "PostgreSQL is not installed (scripts/test installs it)") }
        let port = try PortAllocator.shared.allocate()
        let dir = TestSupport.tempDir("node-pg")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let script = """
            set -e
            as=""
            if [ "$(id -u)" = 0 ]; then as="setpriv --reuid=postgres --regid=postgres --init-groups"; chown postgres:postgres "$1"; chmod o+x "$(dirname "$1")"; fi
            $as \(bin)/initdb -D "$1/pg" -U postgres -A trust -E UTF8 --locale=C --no-sync >/dev/null
            printf "listen_addresses = '127.0.0.1'\\nport = $2\\nunix_socket_directories = ''\\nfsync = off\\nshared_buffers = 16MB\\nmax_connections = 30\\n" >> "$1/pg/postgresql.conf"
            exec $as \(bin)/postgres -D "$1/pg"
            """
        _ = try supervisor.start(NodeSpec(name: name, executable: "/bin/sh", arguments: ["-c", script, "pg", dir, "\(port)"],
                                          workingDirectory: dir, ports: [port], stopSignal: SIGINT))
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if await accepts(port: port) { return port }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw NotUp(detail: "postgres did not accept a connection within 120 s: \(supervisor.logTail(name))")
    }

    public static func connect(port: Int) async throws -> PostgresConnection {
        let config = PostgresConnection.Configuration(host: "127.0.0.1", port: port, username: "postgres", password: nil,
                                                      database: "postgres", tls: .disable)
        return try await PostgresConnection.connect(configuration: config, id: 1, logger: logger)
    }

    /// Runs `body` on a new connection to `port`, closed afterwards whatever happened.
    public static func withConnection<T>(port: Int, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        let c = try await connect(port: port)
        do {
            let result = try await body(c)
            try? await c.close()
            return result
        } catch {
            try? await c.close()
            throw error
        }
    }

    public static func accepts(port: Int) async -> Bool {
        (try? await withConnection(port: port) { try await $0.query("SELECT 1", logger: logger).collect() }) != nil
    }

    /// Runs each statement of `sql` in order, on one connection.
    public static func run(port: Int, _ sql: [String]) async throws {
        try await withConnection(port: port) { c in
            for q in sql { _ = try await c.query(PostgresQuery(unsafeSQL: q), logger: logger).collect() }
        }
    }

    /// One integer from `sql` (-1: no row).
    public static func int(port: Int, _ sql: String) async throws -> Int {
        let rows = try await withConnection(port: port) { try await $0.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect() }
        return Int(try rows.first?.decode(Int64.self) ?? -1)
    }
}
