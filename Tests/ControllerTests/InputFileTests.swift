// Pipeline, workload and test files: parsing, and bad input as one line naming file, line and field.
import Foundation
import Supervisor
import InputFiles
import Testing

@testable import Controller

struct InputFileTests {
    @Test func shippedFilesParse() throws {
        for name in ["cp", "ap"] {
            let p = try PipelineFile.load(path: CLIRunner.root.appendingPathComponent("pipelines/\(name).yml").path)
            #expect(p.name == name)
            #expect(p.component(named: "store")?.replicas == 3)
        }
        let w = try WorkloadFile.load(path: CLIRunner.root.appendingPathComponent("workloads/register.yml").path)
        #expect(w.kind == .register && w.target == "store")
        #expect(w.checkers.contains("linearizable"))
        _ = try WorkloadFile.load(path: CLIRunner.root.appendingPathComponent("workloads/set.yml").path)
        let log = try WorkloadFile.load(path: CLIRunner.root.appendingPathComponent("workloads/log.yml").path)
        #expect(log.kind == .log && log.target == "broker" && log.checkers.first == "log")
    }

    @Test func unknownFieldNamesLineAndField() throws {
        let dir = CLIRunner.tempDir("unknown")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/p.yml"
        CLIRunner.write("name: x\ncomponents:\n  store:\n    role: store\n    replicaz: 3\n", to: path)
        #expect(throws: InputError(file: path, line: 5, field: "components.store.replicaz",
                                   message: "unknown field (allowed: role, replicas, base_port, settings, bugs, uses, version)")) {
            try PipelineFile.load(path: path)
        }
    }

    @Test func resolvedTestRoundTrips() throws {
        let dir = CLIRunner.tempDir("spec")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let spec = TestSpec(pipeline: "/a/p.yml", workload: "/a/w.yml", nemesis: "/a/n.yml", timeLimit: 12.5, seed: 42)
        CLIRunner.write(spec.resolvedYAML(name: "t", concurrency: 4, rate: 50), to: dir + "/test.yml")
        let back = try TestSpec.load(path: dir + "/test.yml")
        #expect(back == TestSpec(name: "t", pipeline: dir + "/pipeline.yml", workload: dir + "/workload.yml",
                                 nemesis: dir + "/nemesis.yml", timeLimit: 12.5, seed: 42, concurrency: 4, rate: 50))
    }

    // Through the real executable: exit 2 and one line naming file, line and field.

    func runBad(pipeline: String = "pipelines/cp.yml", workload: String = "workloads/register.yml",
                nemesis: String = "nemesis/none.yml", results: String) async throws -> CLIRunner.Result {
        try await CLIRunner.run(["run", "--pipeline", pipeline, "--workload", workload, "--nemesis", nemesis,
                           "--time-limit", "2", "--seed", "1", "--results", results, "--quiet"], timeout: 60)
    }

    @Test func badYAMLExits2() async throws {
        let dir = CLIRunner.tempDir("badyaml")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        CLIRunner.write("name: w\nkind: register\ntarget: [store\n", to: dir + "/w.yml")
        let r = try await runBad(workload: dir + "/w.yml", results: dir + "/results")
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(dir)/w.yml:"))
        #expect(r.stderr.contains("field yaml"))
        // The true line (where the parser noticed the unclosed list) and libyaml's own reason.
        #expect(r.stderr.contains("w.yml:4: field yaml: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 3)"))
        #expect(r.stderr.split(separator: "\n").count == 1)
    }

    @Test func unknownFieldExits2() async throws {
        let dir = CLIRunner.tempDir("badfield")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        CLIRunner.write("name: w\nkind: register\ntarget: store\nfunctions: {read: 1, delete: 1}\n", to: dir + "/w.yml")
        let r = try await runBad(workload: dir + "/w.yml", results: dir + "/results")
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(dir)/w.yml:4: field functions.delete: unknown field"))
    }

    @Test func workloadTargetOfTheWrongRoleExits2() async throws {
        let dir = CLIRunner.tempDir("role")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        CLIRunner.write("name: w\nkind: register\nkeys: 2\ntarget: broker\n", to: dir + "/w.yml")
        let r = try await runBad(workload: dir + "/w.yml", results: dir + "/results")
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(dir)/w.yml:4: field target: a register workload cannot run against 'broker' (role broker)"))
    }

    @Test func missingFileExits2() async throws {
        let dir = CLIRunner.tempDir("missing")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try await runBad(pipeline: dir + "/nope.yml", results: dir + "/results")
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(dir)/nope.yml:0: field file: no such file"))
    }

    @Test func portInUseExits2() async throws {
        let dir = CLIRunner.tempDir("port")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (fd, port) = try Self.listen()
        defer { close(fd) }
        CLIRunner.write("name: p\ncomponents:\n  store:\n    role: store\n    replicas: 1\n    base_port: \(port)\n", to: dir + "/p.yml")
        let r = try await runBad(pipeline: dir + "/p.yml", results: dir + "/results")
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(dir)/p.yml:6: field components.store.base_port: port \(port) (for store-1) is already in use"))
    }

    @Test func nodeThatCannotStartExits4() async throws {
        let dir = CLIRunner.tempDir("nostart")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A node that exits at once (`false`) is never healthy, so the system cannot start.
        CLIRunner.write("name: p\ncomponents:\n  store:\n    command: \"false\"\n    replicas: 1\n    health: http://127.0.0.1:{port:client}/health\n", to: dir + "/p.yml")
        let r = try await runBad(pipeline: dir + "/p.yml", results: dir + "/results")
        #expect(r.status == 4)
        #expect(r.stderr.contains("cannot start the system under test"))
        #expect(r.stderr.contains("node store-1 did not become healthy"), "\(r.stderr)")
    }

    struct NoPort: Error {}

    /// Binds and listens on a free loopback port below the ephemeral range, one the allocator hands
    /// out (and so reserves): a port picked at random could be one another test was just given.
    static func listen() throws -> (Int32, Int) {
        for _ in 0..<100 {
            let port = try PortAllocator.shared.allocate()
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            addr.sin_addr.s_addr = in_addr_t(UInt32(0x7f00_0001).bigEndian)
            let r = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if r == 0 && Glibc.listen(fd, 1) == 0 { return (fd, port) }
            close(fd)
        }
        throw NoPort()
    }
}
