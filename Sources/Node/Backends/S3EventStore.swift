// S3EventStore: the store stage on a real S3 endpoint (SeaweedFS's gateway): the same object keys and
// JSON values as on the built-in store, in the bucket Backend.s3Bucket, through the node's peer address.
import Foundation
import NIOCore
import S3Client

/// S3EventStore talks to the first node of its upstream and moves to the next after a failure. The
/// bucket is created on first use (an existing one is fine). A PUT counts only when S3 answered 200:
/// a timeout or a 5xx leaves the object's existence unknown, and the connector then writes it again
/// (same key, same content: idempotent).
final class S3EventStore: EventStore, @unchecked Sendable {
    private let clients: [S3Client]
    private let bucket = Backend.s3Bucket
    private let lock = NSLock()
    private var current = 0
    private var bucketReady = false

    init(names: [String], peers: [String: String], timeoutMs: Int) {
        clients = names.map { n in
            let parts = (peers[n] ?? "127.0.0.1:1").split(separator: ":")
            return S3Client(host: String(parts.first ?? "127.0.0.1"), port: Int(parts.last ?? "1") ?? 1,
                            timeout: .milliseconds(Int64(timeoutMs)))
        }
    }

    private func client() -> (Int, S3Client) { lock.withLock { (current, clients[current % clients.count]) } }

    private func failed(_ i: Int) {
        lock.withLock { if current == i { current = (current + 1) % clients.count } }
    }

    private func ensureBucket(_ c: S3Client) async -> Bool {
        if lock.withLock({ bucketReady }) { return true }
        do {
            try await c.createBucket(bucket)
        } catch S3Error.refused(409, _, _) {
            // Already there (created by us before, or by the harness's final read).
        } catch {
            return false
        }
        lock.withLock { bucketReady = true }
        return true
    }

    func put(_ key: String, _ value: JSON) async -> Bool {
        let (i, c) = client()
        guard await ensureBucket(c) else { failed(i); return false }
        do {
            try await c.put(bucket: bucket, key: key, body: Array(value.encoded()))
            return true
        } catch {
            failed(i)
            return false
        }
    }

    func list(prefix: String) async -> [String]? {
        let (i, c) = client()
        guard await ensureBucket(c) else { failed(i); return nil }
        do {
            return try await c.list(bucket: bucket, prefix: prefix).sorted()
        } catch {
            failed(i)
            return nil
        }
    }

    func get(_ key: String) async -> JSON? {
        let (i, c) = client()
        do {
            guard let o = try await c.get(bucket: bucket, key: key) else { return nil }
            return try? JSON.decode(Data(o.body))
        } catch {
            failed(i)
            return nil
        }
    }
}
