// PatroniBootstrap: `system: postgres` with `failover: patroni` → an etcd cluster, then one Patroni per
// PostgreSQL node; Patroni creates the servers, elects the primary and fails over by itself.
import Contracts
import Foundation
import History

/// Two process kinds, started in this order:
/// - `etcd` (3 members, `<component>_etcd-<i>`): Patroni's store (its `etcd3:` DCS), peers and client
///   links through Faultline's proxies (both ports dialed);
/// - `node` (the client kind, `<component>-<i>`): Patroni 3.0.2 (Debian `patroni`) run as user postgres,
///   which initialises the first server, copies the others (`pg_basebackup` over the proxy), and keeps a
///   leader key in etcd with a TTL of 10 s: when the leader's key expires (killed, paused, cut off from
///   etcd) a replica takes it and promotes itself, and a cut-off leader demotes itself.
///
/// Every address Patroni publishes is a `<node>.faultline` name (its REST API's and PostgreSQL's
/// `connect_address`, etcd's advertised client URLs), so replication, pg_rewind, Patroni's checks of its
/// peers and its etcd traffic all go through the proxies: a partition cuts them.
///
/// Patroni starts the postmaster through a helper that setsid()s and exits: the postmaster leaves the
/// node's process tree. The node kind is therefore owned by a cgroup (the Supervisor's
/// `ownedByCgroup`): a pause freezes Patroni and PostgreSQL together, a kill ends both, and nothing
/// survives the controller. Where no cgroup can be made such a node does not start (exit 4).
///
/// Settings: `synchronous_commit` as without Patroni; `synchronous_standby_names: FIRST k | ANY k` turns
/// on Patroni's `synchronous_mode` (strict: commits wait while no synchronous standby is there, never
/// falling back to asynchronous replication) with `synchronous_node_count: k`. Patroni 3.0.2 itself
/// chooses the k synchronous standbys and names them in `synchronous_standby_names` (FIRST semantics
/// over its choice; ANY, a quorum, needs Patroni 4) and promotes only one of them.
enum PatroniBootstrap {
    static let etcdMembers = 3
    /// The client kind's name: Patroni nodes (each with its PostgreSQL server).
    static let nodeKind = "node"

    static func plan(_ o: PostgresBootstrap.Options) -> BootstrapPlan {
        let etcd = ProcessKind(
            name: "etcd", count: etcdMembers, command: "etcd",
            args: [
                "--name={name}", "--data-dir={data_dir}",
                "--listen-client-urls=http://127.0.0.1:{port:client}",
                // Patroni learns the members' client URLs from etcd and dials those: names, through proxies.
                "--advertise-client-urls=http://{host}:{port:client}",
                "--listen-peer-urls=http://127.0.0.1:{port:peer}",
                "--initial-advertise-peer-urls=http://{host}:{port:peer}",
                "--initial-cluster={cluster}", "--initial-cluster-state=new", "--initial-cluster-token=faultline",
                "--heartbeat-interval=100", "--election-timeout=1000", "--logger=zap", "--log-outputs=stderr",
            ],
            ports: ["client", "peer"], clientPort: "client", peerPort: "peer", dialedPorts: ["client", "peer"],
            health: .url("http://127.0.0.1:{port:client}/health"), stopSignal: SIGTERM, stopGrace: 3)
        var node = ProcessKind(
            name: nodeKind, count: o.nodes, command: "sh",
            args: ["-c", PostgresBootstrap.literal(startScript(o)), "{name}", "{host}", "{port:client}", "{port:rest}",
                   "{data_dir}", "{peers:etcd:client}"],
            // Replication and pg_rewind dial PostgreSQL's port; Patroni checks its peers on their REST port.
            ports: ["client", "rest"], clientPort: "client", peerPort: "client", dialedPorts: ["client", "rest"],
            // Patroni answers 200 on /health once its PostgreSQL runs (a primary, or a replica that copied it).
            health: .command(["curl", "-sf", "-o", "/dev/null", "--max-time", "1", "http://127.0.0.1:{port:rest}/health"]),
            // SIGTERM: Patroni stops PostgreSQL (fast) and gives up its leader key; what is left after
            // the grace is killed by cgroup. Crash faults are SIGKILL to the whole cgroup.
            stopSignal: SIGTERM, stopGrace: 5,
            // initdb or a base backup on a loaded 2-core machine, after Patroni's own start (~2 s of Python).
            startTimeout: 90)
        node.ownedByCgroup = true
        let tables = SetupStep(when: .afterHealthy, kind: nodeKind,
                               argv: ["sh", "-c", PostgresBootstrap.literal(tablesScript), "{host}:{port:client},{peers:node}", String(o.nodes - 1)],
                               timeout: 90)
        return BootstrapPlan(processes: [etcd, node], setup: [tables], clientKind: nodeKind)
    }

    /// $0 `host:port,...` of every node, $1 the number of replicas. The primary is whichever node
    /// accepts writes (`target_session_attrs=read-write`); the tables, then a wait until every replica
    /// replayed them (a replica would otherwise answer the first reads with "relation does not exist").
    static let tablesScript = """
        set -e
        list=$(echo "$0" | tr ',' '\\n' | sed '/^$/d')
        hosts=$(echo "$list" | sed 's/:[0-9]*$//' | paste -sd, -)
        ports=$(echo "$list" | sed 's/.*://' | paste -sd, -)
        conn="host=$hosts port=$ports user=postgres dbname=postgres target_session_attrs=read-write connect_timeout=2"
        until psql -X -q -d "$conn" -v ON_ERROR_STOP=1 -c "CREATE TABLE IF NOT EXISTS register (k text PRIMARY KEY, v bigint); CREATE TABLE IF NOT EXISTS set_elems (k text, e bigint, PRIMARY KEY (k, e));"; do sleep 0.3; done
        lsn=$(psql -X -d "$conn" -Atqc "select pg_current_wal_lsn()")
        until [ "$(psql -X -d "$conn" -Atqc "select count(*) from pg_stat_replication where replay_lsn >= '$lsn'")" -ge "$1" ]; do sleep 0.1; done
        """

    /// $0 name, $1 host (`<name>.faultline`), $2 PostgreSQL's port, $3 the REST API's port, $4 the data
    /// dir, $5 the etcd members' `host:port` list. A restart (after a kill) runs Patroni on the same files:
    /// it starts the server again, as a replica (pg_rewind) when another node took the lead meanwhile.
    static func startScript(_ o: PostgresBootstrap.Options) -> String {
        let sync = o.syncStandbys != nil
        return """
        set -e
        unset PYTHONPATH PYTHONHOME
        export HOME="$4"
        bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
        as=""
        if [ "$(id -u)" = 0 ]; then
          as="setpriv --reuid=postgres --regid=postgres --init-groups"
          chown postgres:postgres "$4"
          $as test -w "$4" || { echo "faultline: user postgres cannot write $4: every folder above it needs o+x" >&2; exit 1; }
        fi
        cat > "$4/patroni.yml" <<EOF
        scope: faultline
        namespace: /faultline/
        name: $0
        restapi: {listen: '127.0.0.1:$3', connect_address: '$1:$3'}
        etcd3: {hosts: '$5'}
        bootstrap:
          dcs:
            ttl: 10
            loop_wait: 1
            retry_timeout: 4
            maximum_lag_on_failover: 1048576
            synchronous_mode: \(sync)
            synchronous_mode_strict: \(sync)
            synchronous_node_count: \(o.syncStandbys?.count ?? 1)
            postgresql:
              use_pg_rewind: true
              use_slots: true
              parameters: {wal_level: replica, hot_standby: 'on', wal_log_hints: 'on', max_wal_senders: 10, max_replication_slots: 10, max_connections: 60, shared_buffers: 16MB, wal_keep_size: 64MB, fsync: 'off', synchronous_commit: '\(o.synchronousCommit)', wal_sender_timeout: 5s, wal_receiver_timeout: 5s, wal_receiver_status_interval: 1s, wal_retrieve_retry_interval: 1s}
          initdb: [{encoding: UTF8}, {locale: C}]
          pg_hba: [local all all trust, host replication all 127.0.0.0/8 trust, host all all 127.0.0.0/8 trust]
        postgresql:
          listen: '127.0.0.1:$2'
          connect_address: '$1:$2'
          data_dir: '$4/pg'
          bin_dir: '$bin'
          pgpass: '$4/pgpass'
          authentication:
            superuser: {username: postgres, password: faultline}
            replication: {username: replicator, password: faultline}
            rewind: {username: rewinder, password: faultline}
          parameters: {unix_socket_directories: ''}
        EOF
        if [ -n "$as" ]; then exec $as --pdeathsig keep -- /usr/bin/patroni "$4/patroni.yml"; fi
        exec /usr/bin/patroni "$4/patroni.yml"
        """
    }
}
