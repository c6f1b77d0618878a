// SeaweedSystem: SeaweedFS's S3 gateway as a system under test: register and set workloads on S3 objects,
// the master leader from the masters' status API, and `system: seaweedfs` clusters (SeaweedBootstrap).
import Contracts
import Foundation
import History
import Nemesis
import NIOCore
import S3Client

public struct SeaweedSystem: System {
    public init() {}

    public var name: String { "seaweedfs" }

    public func operations(workload: String, role: Role?) -> [String]? {
        switch workload {
        case "register": return ["read", "write", "cas"]
        case "set": return ["add", "read", "final-read"]
        default: return nil
        }
    }

    /// `bucket` (default "faultline"; created on first use), `region` (default us-east-1, for signing),
    /// `access_key` and `secret_key` (both or neither: without them requests are unsigned, which
    /// SeaweedFS accepts when it has no identities configured).
    public var clientSettings: [String] { ["bucket", "region", "access_key", "secret_key"] }

    public func checkClientSettings(_ settings: [String: JSONValue]) -> SettingsError? {
        for k in ["bucket", "region", "access_key", "secret_key"] {
            if let v = settings[k], v.stringValue == nil { return SettingsError(field: k, message: "expected a string") }
        }
        if let b = settings["bucket"]?.stringValue, !Self.validBucket(b) {
            return SettingsError(field: "bucket", message: "a bucket name is 3...63 characters of a-z, 0-9, '-' and '.'")
        }
        if (settings["access_key"] == nil) != (settings["secret_key"] == nil) {
            return SettingsError(field: settings["access_key"] == nil ? "secret_key" : "access_key",
                                 message: "access_key and secret_key go together")
        }
        return nil
    }

    static func validBucket(_ b: String) -> Bool {
        (3...63).contains(b.count) && b.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == ".") }
            && b.first.map { $0.isLetter || $0.isNumber } == true
    }

    public func adapter(_ context: AdapterContext) -> any SystemAdapter {
        let s = context.settings
        let credentials = s["access_key"]?.stringValue.flatMap { key in
            s["secret_key"]?.stringValue.map { S3Credentials(accessKey: key, secretKey: $0) }
        }
        return SeaweedAdapter(bucket: s["bucket"]?.stringValue ?? "faultline", region: s["region"]?.stringValue ?? "us-east-1",
                              credentials: credentials, opTimeout: context.opTimeout,
                              statusTransport: HTTPTransport(connections: 1, timeout: min(context.opTimeout, 1)))
    }

    /// Masters, volume servers, a filer and the S3 gateway from a `system: seaweedfs` block.
    public var bootstrap: (any SystemBootstrap)? { SeaweedBootstrap() }
}

/// The bucket is created once per adapter, by the first client that opens.
actor BucketGate {
    private var ready = false

    func ensure(_ create: () async throws -> Void) async throws {
        if ready { return }
        try await create()
        ready = true
    }
}

struct SeaweedAdapter: SystemAdapter {
    let bucket: String
    let region: String
    let credentials: S3Credentials?
    let opTimeout: Double
    let statusTransport: HTTPTransport
    let gate = BucketGate()

    /// Each logical client gets its own S3 client (one keep-alive connection). Opening creates the
    /// bucket the first time; a failure there throws, and the op that needed the client is `fail`
    /// (creating a bucket twice is harmless).
    func open(_ node: SystemNode, process: Int) async throws -> any SystemClient {
        let s3 = S3Client(host: node.host, port: node.port, region: region, credentials: credentials,
                          timeout: .milliseconds(Int64(opTimeout * 1000)))
        do {
            try await gate.ensure {
                do {
                    try await s3.createBucket(bucket)
                } catch S3Error.refused(409, _, _) {
                    // BucketAlreadyExists / BucketAlreadyOwnedByYou: someone created it first.
                }
            }
        } catch {
            await s3.shutdown()
            throw error
        }
        return SeaweedClient(s3: s3, bucket: bucket)
    }

    /// The masters: in a `system: seaweedfs` cluster the nodes of kind `master` (their `http` port); in
    /// the one-process `weed server` profile the node's `master` port (else its client port, which
    /// answers as a master or is ignored).
    func leaderDiscovery(_ nodes: [SystemNode]) -> any LeaderDiscovery {
        SeaweedLeaderDiscovery(masterPorts: Self.masterPorts(nodes), transport: statusTransport)
    }

    static func masterPorts(_ nodes: [SystemNode]) -> [String: Int] {
        var out: [String: Int] = [:]
        for n in nodes {
            switch n.kind {
            case "master"?: out[n.name] = n.ports["http"]
            case nil: out[n.name] = n.ports["master"] ?? n.port
            default: continue
            }
        }
        return out
    }

    func shutdown() async { await statusTransport.shutdown() }
}
