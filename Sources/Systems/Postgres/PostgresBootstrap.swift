// PostgresBootstrap: `system: postgres` → a primary and its streaming standbys, every replication link
// through Faultline's proxies, every server process run as user postgres.
import Contracts
import Foundation
import History

/// A `system: postgres` block starts `nodes` PostgreSQL servers: node 1 is initialised as the primary
/// (initdb), nodes 2...N as its standbys (a replication slot each, `pg_basebackup -R` over the proxy,
/// `primary_conninfo` naming `<node-1>.faultline` with the standby's `application_name`, which is what
/// `synchronous_standby_names` matches). The controller starts plans of one process kind so far, so all
/// are one kind whose command is a small sh script choosing by the node's number (as Redis does); a
/// standby's script waits until the primary answers before it copies it.
///
/// Users: initdb and the server refuse to run as root, and CI runs as root. The script runs the server
/// with `setpriv` as user postgres, which replaces itself with postgres (one process, the supervisor's
/// pid and process group) and keeps the parent-death signal the supervisor set (`--pdeathsig keep`: a
/// change of user clears it otherwise). The node's data dir is handed to postgres first.
///
/// Settings (server side): `synchronous_commit` (off | local | remote_write | on | remote_apply, the
/// default on) and `synchronous_standby_names` (`FIRST k` or `ANY k`, k standbys of the others; absent:
/// asynchronous replication). Every node gets the same list (all node names), so a promoted standby
/// waits for the remaining standbys as the old primary did.
struct PostgresBootstrap: SystemBootstrap {
    var settingNames: [String] { ["synchronous_commit", "synchronous_standby_names"] }

    struct Options: Equatable {
        var nodes: Int
        var synchronousCommit = "on"
        /// "FIRST 1", "ANY 2", or nil (asynchronous).
        var syncStandbys: (method: String, count: Int)?

        static func == (a: Options, b: Options) -> Bool {
            a.nodes == b.nodes && a.synchronousCommit == b.synchronousCommit
                && a.syncStandbys?.method == b.syncStandbys?.method && a.syncStandbys?.count == b.syncStandbys?.count
        }
    }

    static let commitLevels = ["off", "local", "remote_write", "on", "remote_apply"]

    static func options(_ block: SystemBlock) throws -> Options {
        var o = Options(nodes: block.nodes)
        let s = block.settings
        if let v = s["synchronous_commit"] {
            guard let w = v.stringValue ?? v.boolValue.map({ $0 ? "on" : "off" }), commitLevels.contains(w) else {
                throw SettingsError(field: "synchronous_commit", message: "expected \(commitLevels.joined(separator: ", "))")
            }
            o.synchronousCommit = w
        }
        if let v = s["synchronous_standby_names"] {
            let words = (v.stringValue ?? "").split(separator: " ").map(String.init)
            guard words.count == 2, ["FIRST", "ANY"].contains(words[0].uppercased()), let k = Int(words[1]) else {
                throw SettingsError(field: "synchronous_standby_names", message: "expected 'FIRST k' or 'ANY k' (k standbys; Faultline lists the nodes)")
            }
            guard (1...max(block.nodes - 1, 1)).contains(k), block.nodes > 1 else {
                throw SettingsError(field: "synchronous_standby_names",
                                    message: "asks for \(k) synchronous standbys but only \(block.nodes - 1) standbys run: no commit would ever return")
            }
            o.syncStandbys = (words[0].uppercased(), k)
        }
        return o
    }

    func plan(_ block: SystemBlock) throws -> BootstrapPlan {
        let o = try Self.options(block)
        if block.clientSettings["failover"]?.stringValue == "patroni" { return PatroniBootstrap.plan(o) }
        let node = ProcessKind(
            name: "node", count: o.nodes, command: "sh",
            args: ["-c", Self.literal(Self.startScript(o)), "{name}", "{host}", "{port:client}", "{data_dir}", "{cluster}"],
            // Postgres replicates over its client port: the peer port is the same port, and each directed
            // link A→B has its own proxy on B's port at A's own loopback address for B.
            ports: ["client"], clientPort: "client", peerPort: "client",
            health: .command(["sh", "-c", Self.literal(Self.healthScript), "{name}", "{port:client}"]),
            // SIGINT is Postgres' fast shutdown (SIGTERM waits for every client to leave); crashes are SIGKILL.
            stopSignal: SIGINT, stopGrace: 5,
            // initdb, or a base backup over the proxy, on a loaded 2-core machine (a fresh-clone CI run).
            startTimeout: 120)
        // The workloads' tables, once on the primary when every node streams (with synchronous standbys
        // this commit waits for them like any other).
        // The workloads' tables, once on the primary when every node streams, then a wait until every
        // standby has replayed them (asynchronous standbys would otherwise answer the first reads with
        // "relation does not exist").
        let setup = SetupStep(when: .afterHealthy, kind: "node",
                              argv: ["sh", "-c", Self.literal(Self.tablesScript), "{name}", "{port:client}", String(o.nodes - 1)],
                              timeout: 120)
        return BootstrapPlan(processes: [node], setup: [setup])
    }

    /// $1 the primary's port, $2 the number of standbys.
    static let tablesScript = """
        set -e
        psql -X -q -h 127.0.0.1 -p "$1" -U postgres -v ON_ERROR_STOP=1 -c "CREATE TABLE IF NOT EXISTS register (k text PRIMARY KEY, v bigint); CREATE TABLE IF NOT EXISTS set_elems (k text, e bigint, PRIMARY KEY (k, e));"
        lsn=$(psql -X -h 127.0.0.1 -p "$1" -U postgres -Atqc "select pg_current_wal_lsn()")
        until [ "$(psql -X -h 127.0.0.1 -p "$1" -U postgres -Atqc "select count(*) from pg_stat_replication where replay_lsn >= '$lsn'")" -ge "$2" ]; do sleep 0.1; done
        """

    /// A shell script as a template: its own braces are literal, not placeholders.
    static func literal(_ script: String) -> String {
        script.replacingOccurrences(of: "{", with: "{{").replacingOccurrences(of: "}", with: "}}")
    }

    /// `synchronous_standby_names` for `names` (double-quoted: node names hold '-').
    static func standbyNames(_ o: Options, names: String) -> String {
        guard let s = o.syncStandbys else { return "" }
        return "\(s.method) \(s.count) (\(names))"
    }

    /// The node's start: $0 name, $1 host (`<name>.faultline`), $2 port, $3 data dir, $4 the cluster
    /// (`name=http://host:port,...`, node 1 first). Its first run creates the server's files; a restart
    /// (after a kill) starts the same files again.
    static func startScript(_ o: Options) -> String {
        """
        set -e
        i=${0##*-}
        first=${4%%,*}; first=${first#*=http://}; phost=${first%:*}; pport=${first##*:}
        names=$(echo "$4" | tr ',' '\\n' | sed 's/=.*//; s/.*/"&"/' | paste -sd, -)
        bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
        [ -n "$bin" ] && PATH="$bin:$PATH"
        D="$3/pg"; export HOME="$3"
        as=""
        if [ "$(id -u)" = 0 ]; then
          as="setpriv --reuid=postgres --regid=postgres --init-groups"
          chown postgres:postgres "$3"
          $as test -w "$3" || { echo "faultline: user postgres cannot write $3: every folder above it needs o+x" >&2; exit 1; }
        fi
        slot=$(echo "$0" | tr 'A-Z' 'a-z' | sed 's/[^a-z0-9]/_/g')
        if [ ! -f "$3/ready" ]; then
          rm -rf "$D"
          if [ "$i" -eq 1 ]; then
            $as initdb -D "$D" -U postgres -A trust -E UTF8 --locale=C --no-sync >&2
          else
            until psql -X -h "$phost" -p "$pport" -U postgres -Atqc "select 1" >/dev/null 2>&1; do sleep 0.2; done
            psql -X -h "$phost" -p "$pport" -U postgres -Atqc "select pg_create_physical_replication_slot('$slot') where not exists (select 1 from pg_replication_slots where slot_name = '$slot')" >/dev/null
            $as pg_basebackup -h "$phost" -p "$pport" -U postgres -D "$D" -X stream -c fast -S "$slot" -R >&2
            cat >> "$D/postgresql.auto.conf" <<EOF
        primary_conninfo = 'host=$phost port=$pport user=postgres application_name=$0'
        primary_slot_name = '$slot'
        EOF
          fi
          cat >> "$D/postgresql.conf" <<EOF
        listen_addresses = '127.0.0.1'
        port = $2
        unix_socket_directories = ''
        max_connections = 60
        shared_buffers = 16MB
        wal_level = replica
        max_wal_senders = 10
        max_replication_slots = 10
        wal_keep_size = 64MB
        hot_standby = on
        wal_log_hints = on
        fsync = off
        synchronous_commit = \(o.synchronousCommit)
        synchronous_standby_names = '\(standbyNames(o, names: "$names"))'
        wal_sender_timeout = 5s
        wal_receiver_timeout = 5s
        wal_receiver_status_interval = 1s
        wal_retrieve_retry_interval = 1s
        EOF
          printf 'host all all 127.0.0.0/8 trust\\nhost replication all 127.0.0.0/8 trust\\n' >> "$D/pg_hba.conf"
          touch "$3/ready"
        fi
        if [ -n "$as" ]; then exec $as --pdeathsig keep -- postgres -D "$D"; fi
        exec postgres -D "$D"
        """
    }

    /// Healthy: the primary answers; a standby's walreceiver is streaming from it.
    static let healthScript = """
        i=${0##*-}
        if [ "$i" -eq 1 ]; then psql -X -h 127.0.0.1 -p "$1" -U postgres -Atqc "select 1" 2>/dev/null | grep -qx 1; exit $?; fi
        psql -X -h 127.0.0.1 -p "$1" -U postgres -Atqc "select status from pg_stat_wal_receiver" 2>/dev/null | grep -qx streaming
        """
}
