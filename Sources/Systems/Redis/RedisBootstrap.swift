// RedisBootstrap: `system: redis` → a primary, its replicas and, with `failover: sentinel`, Sentinels,
// every replication and Sentinel link through Faultline's proxies.
import Contracts
import Foundation
import History

/// A `system: redis` block starts `nodes` redis-server processes (node 1 the primary, the others
/// replicas of it) and, with `failover: sentinel`, `sentinels` more nodes running redis-sentinel
/// (nodes `nodes+1 ...`). The controller starts plans of one process kind, so all are one kind whose
/// command is a small sh script choosing the server by the node's number; the nemesis sees every
/// node, Sentinels included (they are processes that can be killed, paused and cut off too).
///
/// Links: every node names the others `<node>.faultline` (each node's /etc/hosts sends that name to its
/// own proxy to that node, docs/systems.md). A replica dials `<primary>.faultline`; each server
/// announces itself as `<node>.faultline` (`replica-announce-ip`), and Sentinel runs with
/// `resolve-hostnames` and `announce-hostnames`, so after a failover it re-points replicas at the new
/// primary by that name: replication stays inside the proxies, and partitions keep cutting it.
///
/// Settings: `min_replicas_to_write`, `min_replicas_max_lag` (seconds), `appendonly`, `appendfsync`
/// (always | everysec | no), `failover` (none | sentinel), `sentinels` (1...5, default 3), `quorum`
/// (default a majority of the Sentinels), `down_after_ms` (default 1000), `failover_timeout_ms`
/// (default 5000). Without `appendonly` the servers keep nothing on disk (`--save ''`): a killed node
/// restarts empty, as such a deployment would.
struct RedisBootstrap: SystemBootstrap {
    var settingNames: [String] {
        ["min_replicas_to_write", "min_replicas_max_lag", "appendonly", "appendfsync", "failover", "sentinels",
         "quorum", "down_after_ms", "failover_timeout_ms"]
    }

    struct Options: Equatable {
        var nodes: Int
        var minReplicasToWrite = 0
        var minReplicasMaxLag = 10
        var appendonly = false
        var appendfsync = "everysec"
        var sentinels = 0
        var quorum = 0
        var downAfterMs = 1000
        var failoverTimeoutMs = 5000
    }

    static func options(_ block: SystemBlock) throws -> Options {
        let s = block.settings
        func int(_ k: String, _ range: ClosedRange<Int>, _ dflt: Int) throws -> Int {
            guard let v = s[k] else { return dflt }
            guard let i = v.intValue, range.contains(i) else {
                throw SettingsError(field: k, message: "must be an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return i
        }
        func word(_ k: String, _ allowed: [String], _ dflt: String) throws -> String {
            guard let v = s[k] else { return dflt }
            guard let w = v.stringValue, allowed.contains(w) else {
                throw SettingsError(field: k, message: "expected \(allowed.joined(separator: " or "))")
            }
            return w
        }
        var o = Options(nodes: block.nodes)
        o.minReplicasToWrite = try int("min_replicas_to_write", 0...8, 0)
        if o.minReplicasToWrite > block.nodes - 1 {
            throw SettingsError(field: "min_replicas_to_write", message: "is \(o.minReplicasToWrite) but only \(block.nodes - 1) replicas run: no write would ever be accepted")
        }
        o.minReplicasMaxLag = try int("min_replicas_max_lag", 1...3600, 10)
        if let v = s["appendonly"] {
            guard let b = v.boolValue else { throw SettingsError(field: "appendonly", message: "expected true or false") }
            o.appendonly = b
        }
        o.appendfsync = try word("appendfsync", ["always", "everysec", "no"], "everysec")
        let failover = try word("failover", ["none", "sentinel"], "none")
        if failover == "sentinel" {
            guard block.nodes >= 2 else { throw SettingsError(field: "failover", message: "sentinel needs nodes: 2 or more (a replica to promote)") }
            o.sentinels = try int("sentinels", 1...5, 3)
            o.quorum = try int("quorum", 1...o.sentinels, o.sentinels / 2 + 1)
            o.downAfterMs = try int("down_after_ms", 100...60_000, 1000)
            o.failoverTimeoutMs = try int("failover_timeout_ms", 1000...600_000, 5000)
        } else {
            for k in ["sentinels", "quorum", "down_after_ms", "failover_timeout_ms"] where s[k] != nil {
                throw SettingsError(field: k, message: "needs failover: sentinel")
            }
        }
        return o
    }

    func plan(_ block: SystemBlock) throws -> BootstrapPlan {
        let o = try Self.options(block)
        let node = ProcessKind(
            name: "node", count: o.nodes + o.sentinels, command: "sh",
            args: ["-c", Self.literal(Self.startScript(o)), "{name}", "{host}", "{port:client}", "{data_dir}", "{cluster}"],
            // Redis replicates over its client port: the peer port is the same port, and each directed link
            // A→B has its own proxy on B's port at A's own loopback address for B.
            ports: ["client"], clientPort: "client", peerPort: "client",
            health: .command(["sh", "-c", Self.literal(Self.healthScript(o)), "{name}", "{port:client}"]),
            // SIGTERM: redis-server exits at once (after an AOF fsync); crash faults use SIGKILL.
            stopSignal: SIGTERM, stopGrace: 3)
        return BootstrapPlan(processes: [node])
    }

    /// A shell script as a template: its own braces (`${0##*-}`) are literal, not placeholders.
    static func literal(_ script: String) -> String {
        script.replacingOccurrences(of: "{", with: "{{").replacingOccurrences(of: "}", with: "}}")
    }

    /// The node's start: $0 name, $1 host (`<name>.faultline`), $2 port, $3 data dir, $4 the cluster
    /// (`name=http://host:port,...`, node 1 first).
    static func startScript(_ o: Options) -> String {
        var server = "--bind 127.0.0.1 --port \"$2\" --dir \"$3\" --protected-mode no --repl-diskless-sync-delay 0"
        server += " --replica-announce-ip \"$1\" --min-replicas-to-write \(o.minReplicasToWrite) --min-replicas-max-lag \(o.minReplicasMaxLag)"
        server += o.appendonly ? " --appendonly yes --appendfsync \(o.appendfsync)" : " --appendonly no --save ''"
        let sentinelConf = [
            "bind 127.0.0.1", "port $2", "dir $3", "protected-mode no",
            "sentinel resolve-hostnames yes", "sentinel announce-hostnames yes", "sentinel announce-ip $1",
            "sentinel monitor \(RedisValues.masterName) $phost $pport \(o.quorum)",
            "sentinel down-after-milliseconds \(RedisValues.masterName) \(o.downAfterMs)",
            "sentinel failover-timeout \(RedisValues.masterName) \(o.failoverTimeoutMs)",
            "sentinel parallel-syncs \(RedisValues.masterName) 1",
        ].joined(separator: "\n")
        return """
            i=${0##*-}
            first=${4%%,*}; first=${first#*=http://}; phost=${first%:*}; pport=${first##*:}
            if [ "$i" -eq 1 ]; then exec redis-server \(server); fi
            if [ "$i" -le \(o.nodes) ]; then exec redis-server \(server) --replicaof "$phost" "$pport"; fi
            cat > "$3/sentinel.conf" <<EOF
            \(sentinelConf)
            EOF
            exec redis-sentinel "$3/sentinel.conf"
            """
    }

    /// Healthy: the primary answers PING; a replica's link to the primary is up; a Sentinel sees the
    /// primary and every other Sentinel (a failover needs them to know each other).
    static func healthScript(_ o: Options) -> String {
        """
        i=${0##*-}
        if [ "$i" -eq 1 ]; then redis-cli -p "$1" ping | grep -qx PONG; exit $?; fi
        if [ "$i" -le \(o.nodes) ]; then redis-cli -p "$1" info replication | grep -q '^master_link_status:up'; exit $?; fi
        redis-cli -p "$1" sentinel master \(RedisValues.masterName) | grep -A1 -x num-other-sentinels | tail -1 | grep -qx \(max(o.sentinels - 1, 0))
        """
    }
}
