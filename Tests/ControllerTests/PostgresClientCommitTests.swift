// The postgres client's write outcomes against one real PostgreSQL server: a write is acknowledged by
// its COMMIT's answer, never by its statement's. A deferred constraint trigger is checked only at
// commit, so it refuses a commit after the statement itself succeeded: exactly where a client that
// trusts the statement's answer records `ok` for a write that never happened.
import FaultlineTesting
import Foundation
import History
import Supervisor
import Testing

@testable import Systems

@Suite(.serialized, .enabled(if: RealPostgres.bin != nil, "PostgreSQL is not installed (scripts/test installs it)"))
struct PostgresClientCommitTests {
    /// The client's own tables (PostgresBootstrap), and a trigger refusing, at commit, odd set elements
    /// and every register write while `refuse_commit` has a row.
    static let schema = [
        "CREATE TABLE register (k text PRIMARY KEY, v bigint)",
        "CREATE TABLE set_elems (k text, e bigint, PRIMARY KEY (k, e))",
        "CREATE TABLE refuse_commit (why text)",
        """
        CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM refuse_commit) THEN RETURN NULL; END IF;
          IF TG_TABLE_NAME = 'register' THEN RAISE EXCEPTION 'commit refused on register'; END IF;
          IF NEW.e % 2 = 1 THEN RAISE EXCEPTION 'commit refused on set_elems'; END IF;
          RETURN NULL;
        END $$
        """,
        "CREATE CONSTRAINT TRIGGER refuse_set AFTER INSERT ON set_elems DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse()",
        "CREATE CONSTRAINT TRIGGER refuse_register AFTER INSERT OR UPDATE ON register DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse()",
    ]

    static func op(_ f: String, _ value: JSONValue) -> ClientOperation { ClientOperation(f: f, key: "k", value: value, process: 0) }

    static func isFail(_ o: ClientOutcome) -> Bool { if case .fail = o { return true } else { return false } }

    @Test func aWriteWhoseCommitIsRefusedIsFailAndChangesNothing() async throws {
        let supervisor = Supervisor()
        defer { supervisor.shutdown(grace: 3) }
        let port = try await RealPostgres.start(supervisor, name: "pg-1")
        try await RealPostgres.run(port: port, Self.schema)
        let node = SystemNode(name: "kv-1", port: port)
        let cluster = PostgresCluster()
        cluster.learn([node])
        let client = PostgresClient(node: node, cluster: cluster, settings: PostgresClientSettings(reads: .primary, opTimeout: 10))

        // Commits allowed: the baseline.
        #expect(await client.perform(Self.op("add", 2)) == .ok(2))
        #expect(await client.perform(Self.op("write", 5)) == .ok(5))

        try await RealPostgres.run(port: port, ["INSERT INTO refuse_commit VALUES ('test')"])
        let refusedAdd = await client.perform(Self.op("add", 3))
        #expect(Self.isFail(refusedAdd), "a refused commit recorded as \(refusedAdd)")
        #expect(await client.perform(Self.op("add", 4)) == .ok(4))  // even: the trigger lets it commit
        let refusedWrite = await client.perform(Self.op("write", 6))
        #expect(Self.isFail(refusedWrite), "a refused commit recorded as \(refusedWrite)")
        let refusedCas = await client.perform(Self.op("cas", [5, 7]))
        #expect(Self.isFail(refusedCas), "a refused commit recorded as \(refusedCas)")
        // Nothing refused took effect, and the client's connection still serves.
        #expect(await client.perform(Self.op("read-set", .null)) == .ok([2, 4]))
        #expect(await client.perform(Self.op("read", .null)) == .ok(5))
        #expect(try await RealPostgres.int(port: port, "SELECT count(*) FROM set_elems WHERE e = 3") == 0)

        // Allowed again: the same writes commit.
        try await RealPostgres.run(port: port, ["DELETE FROM refuse_commit"])
        #expect(await client.perform(Self.op("add", 3)) == .ok(3))
        #expect(await client.perform(Self.op("cas", [5, 7])) == .ok([5, 7]))
        #expect(await client.perform(Self.op("read-set", .null)) == .ok([2, 3, 4]))
        #expect(await client.perform(Self.op("read", .null)) == .ok(7))
        await client.close()
    }
}
