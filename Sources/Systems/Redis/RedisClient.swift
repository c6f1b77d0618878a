// RedisClient: register and set operations of one logical client on a Redis deployment, following the
// primary through failovers.
import Foundation
import History
import NIOCore
import RedisProtocol

/// What the pipeline file's client settings ask of every client.
struct RedisClientSettings: Sendable {
    /// `wait: {replicas: k, timeout_ms: t}`: WAIT k t after each write, on the write's own connection
    /// (WAIT counts only that connection's writes).
    var wait: (replicas: Int, timeoutMs: Int)?
    /// Reads from the process' own node even when it is a replica (stale reads possible).
    var replicaReads: Bool
    /// `ttl_ms`: the deployment is a cache; register writes expire after this many milliseconds.
    var ttlMs: Int? = nil
    /// Deadline of one command, seconds.
    var opTimeout: Double
}

/// RedisClient is one logical client (Jepsen's process) bound to one node: it keeps one connection to
/// that node and, when the node is not the primary, one to the primary as the node sees it (a replica's
/// `ROLE` names its primary; a Sentinel answers `SENTINEL get-master-addr-by-name`). So during a
/// partition a process bound to an isolated old primary keeps writing there, while the others follow
/// Sentinel's new primary: the split brain that loses acknowledged writes.
///
/// Operations: register read = GET, write = SET, cas = a Lua script that sets only when the current
/// value equals the expected one (atomic on the server); set add = SADD, read = SMEMBERS.
/// As a cache (`ttl_ms: t`, the pipeline's cache role): write = `SET k v PX t`, cas sets with the same
/// expiry, and every ok write carries the note `ttl_ms: t`, so the history itself says when a value
/// may expire: a read of an absent key (null) is then a miss the staleness checker tells apart from a
/// lost write (docs/history-conventions.md "register").
///
/// Outcomes: an error reply (NOREPLICAS, READONLY, anything else) means Redis refused the command:
/// `fail`. A command that could not be sent (refused connection) is `fail`. A write whose reply did not
/// come (timeout, lost connection) may have applied: `info`. A read that got no answer changed nothing:
/// `fail`. After a write, WAIT's count below the asked replicas leaves the write `ok` (Redis applied it
/// and does not roll it back) with a note `wait: n of k replicas` the history keeps in the op's `error`.
actor RedisClient: SystemClient {
    let node: SystemNode
    let book: RedisNodeBook
    let settings: RedisClientSettings
    private var own: RedisConnection
    private var ownRole: RedisRole?
    /// The connection writes (and primary reads) go to: `own` when the node is the primary.
    private var primary: RedisConnection?

    static let casScript = """
        local v = redis.call('GET', KEYS[1])
        if v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 end
        return 0
        """

    /// The cache's cas: sets with the expiry ARGV[3] (ms).
    static let casTTLScript = """
        local v = redis.call('GET', KEYS[1])
        if v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end
        return 0
        """

    init(node: SystemNode, book: RedisNodeBook, settings: RedisClientSettings, own: RedisConnection) {
        self.node = node
        self.book = book
        self.settings = settings
        self.own = own
    }

    var timeout: TimeAmount { .milliseconds(Int64(settings.opTimeout * 1000)) }

    func perform(_ op: ClientOperation) async -> ClientOutcome {
        let key = op.key ?? "r"
        switch op.f {
        case "read":
            return await read(["GET", key]) { RedisValues.decode($0) }
        case "read-set", "final-read":
            return await read(["SMEMBERS", key]) { reply in
                guard case .array(let items?) = reply else { return nil }
                let elems = items.compactMap { $0.string.flatMap { Int($0) } }
                return elems.count == items.count ? .array(elems.sorted().map { .int($0) }) : nil
            }
        case "write":
            let expiry = settings.ttlMs.map { ["PX", String($0)] } ?? []
            return await write(["SET", key, RedisValues.encode(op.value)] + expiry, result: op.value) { $0.string == "OK" }
        case "add":
            guard let e = op.value.intValue else { return .fail("add needs an integer element") }
            // SADD answers 0 when the element was already there: still ok, the set holds it.
            return await write(["SADD", key, String(e)], result: op.value) { if case .integer = $0 { true } else { false } }
        case "cas":
            guard let pair = op.value.arrayValue, pair.count == 2 else { return .fail("cas value must be [expected, new]") }
            var args = ["EVAL", settings.ttlMs == nil ? Self.casScript : Self.casTTLScript, "1", key,
                        RedisValues.encode(pair[0]), RedisValues.encode(pair[1])]
            if let t = settings.ttlMs { args.append(String(t)) }
            return await write(args, result: op.value, mismatch: .integer(0)) { $0 == .integer(1) }
        default:
            return .fail("the redis client has no operation '\(op.f)'")
        }
    }

    /// A read changes nothing: whatever goes wrong, it is `fail`.
    private func read(_ args: [String], decode: (RESPValue) -> JSONValue?) async -> ClientOutcome {
        let conn: RedisConnection
        do { conn = settings.replicaReads ? try await readConnection() : try await primaryConnection() } catch {
            return .fail("\(error)")
        }
        do {
            let reply = try await conn.send(args, timeout: timeout)
            if let code = reply.errorCode { return refused(reply, code: code) }
            guard let v = decode(reply) else { return .fail("unexpected reply to \(args[0]): \(reply)") }
            return .ok(v)
        } catch {
            return .fail("\(error)")
        }
    }

    /// Sends a write to the primary; `accepted` says whether its reply is a success, `mismatch` is the
    /// reply of a cas whose condition did not hold (nothing written).
    private func write(_ args: [String], result: JSONValue, mismatch: RESPValue? = nil,
                       accepted: (RESPValue) -> Bool) async -> ClientOutcome {
        let conn: RedisConnection
        do { conn = try await primaryConnection() } catch { return .fail("\(error)") }
        let reply: RESPValue
        do {
            reply = try await conn.send(args, timeout: timeout)
        } catch RedisError.notSent(let why) {
            return .fail("not sent: \(why)")
        } catch {
            return .info("\(error)")
        }
        if let code = reply.errorCode { return refused(reply, code: code) }
        if let mismatch, reply == mismatch { return .fail("cas mismatch") }
        guard accepted(reply) else { return .info("unexpected reply to \(args[0]): \(reply)") }
        // Only register writes expire (a set's SADD never carries an expiry).
        let expiring = settings.ttlMs != nil && (args[0] == "SET" || args[0] == "EVAL")
        var notes = expiring ? ["ttl_ms: \(settings.ttlMs!)"] : []
        if let wait = settings.wait, let note = await waitNote(conn, wait) { notes.append(note) }
        return notes.isEmpty ? .ok(result) : .okNoted(result, note: notes.joined(separator: "; "))
    }

    /// WAIT after an applied write: nil when enough replicas acknowledged it, else a note saying how many did.
    private func waitNote(_ conn: RedisConnection, _ wait: (replicas: Int, timeoutMs: Int)) async -> String? {
        let deadline = timeout + .milliseconds(Int64(wait.timeoutMs))
        do {
            let reply = try await conn.send(["WAIT", String(wait.replicas), String(wait.timeoutMs)], timeout: deadline)
            guard case .integer(let n) = reply else { return "wait: unexpected reply \(reply)" }
            return n >= wait.replicas ? nil : "wait: \(n) of \(wait.replicas) replicas"
        } catch {
            return "wait: no answer (\(error))"
        }
    }

    /// An error reply: Redis refused the command before applying it (NOREPLICAS, READONLY, a script
    /// error raised before its write, ...). READONLY means the primary moved: look it up again next time.
    private func refused(_ reply: RESPValue, code: String) -> ClientOutcome {
        if code == "READONLY" || code == "MASTERDOWN" { dropPrimary() }
        if case .error(let text) = reply { return .fail(text) }
        return .fail(code)
    }

    private func dropPrimary() {
        if let p = primary, p !== own { Task { await p.close() } }
        primary = nil
    }

    /// The process' own node, reconnected when its connection was lost.
    private func ownConnection() async throws -> RedisConnection {
        if !own.isOpen {
            own = try await RedisConnection.connect(host: node.host, port: node.port, timeout: timeout)
            ownRole = nil
            if primary != nil && primary?.isOpen != true { primary = nil }
        }
        return own
    }

    private func readConnection() async throws -> RedisConnection {
        let c = try await ownConnection()
        if ownRole == nil { ownRole = RedisRole(try await c.send(["ROLE"], timeout: timeout)) }
        // A Sentinel holds no data: its processes read from the primary.
        return ownRole == .sentinel ? try await primaryConnection() : c
    }

    /// The primary as the process' node sees it; its own node when it cannot tell (a write there then
    /// gets READONLY: `fail`).
    private func primaryConnection() async throws -> RedisConnection {
        if let p = primary, p.isOpen { return p }
        let c = try await ownConnection()
        let role = RedisRole(try await c.send(["ROLE"], timeout: timeout))
        ownRole = role
        var target: SystemNode?
        switch role {
        case .replica(let host, let port, _)?:
            target = book.node(host: host, port: port)
        case .sentinel?:
            let reply = try await c.send(["SENTINEL", "get-master-addr-by-name", RedisValues.masterName], timeout: timeout)
            target = RedisValues.address(reply).flatMap { book.node(host: $0.0, port: $0.1) }
        default:
            target = nil
        }
        if let t = target, t.name != node.name {
            // Through the client proxy of that node, never around it.
            let a = try node.clientAddress(of: t)
            let p = try await RedisConnection.connect(host: a.host, port: a.port, timeout: timeout)
            primary = p
            return p
        }
        primary = c
        return c
    }

    func close() async {
        if let p = primary, p !== own { await p.close() }
        await own.close()
    }
}
