// `system: postgres` with `failover: patroni` end to end: a real etcd cluster and three Patroni 3.0.2 nodes
// (each with its PostgreSQL 15 server, owned by a cgroup), every link through Faultline's proxies.
// One run with a primary kill then a primary partition (Patroni fails over by itself each time), and a
// SIGKILL of the controller that must leave no process of the run. Figures are printed.
import FaultlineTesting
import Foundation
import History
import Supervisor
import Testing

enum PatroniInstall {
    static let available: Bool = PostgresInstall.available && access("/usr/bin/patroni", X_OK) == 0
        && RedisInstall.inPath("etcd") && RedisInstall.inPath("curl") && Supervisor.cgroupUnavailableReason == nil
}

@Suite(.serialized, .enabled(if: PatroniInstall.available, "needs postgresql, patroni, etcd-server, curl (scripts/test installs them) and a writable cgroup v1 freezer"))
struct PatroniShortFormTests {
    /// The primary SIGKILLed (Patroni and PostgreSQL, the whole node) for 13 s, then, 13 s after it came
    /// back (time for its pg_rewind and to stream again: until then the new primary's only synchronous
    /// standby candidate is the node about to be cut off), the new primary cut off from every other node
    /// (Patroni peers and etcd) for 16 s. Each window is longer than Patroni's failover (its leader TTL,
    /// 10 s, and a loop: 10-14 s measured), so a replica takes the lead in each.
    static let killThenPartition = """
        name: kill-then-partition-primary
        events:
          - {at: 1s, duration: 13s, fault: kill, target: leader}
          - {at: 27s, duration: 16s, fault: partition, shape: isolate-leader}
        """

    /// Seconds from `t` (nanoseconds into the history) to the first acknowledged write invoked after it
    /// (a write in flight when the fault began says nothing about the failover).
    static func firstWrite(after t: Int64, _ h: History) -> Double? {
        var invoked: [String: Int64] = [:]
        for op in h.ops where ["write", "cas", "add"].contains(op.f) {
            let p = "\(op.process)"
            if op.type == .invoke { invoked[p] = op.time; continue }
            if op.type == .ok, let i = invoked[p], i > t { return Double(op.time - t) / 1e9 }
        }
        return nil
    }

    /// postgres-sync (Patroni) under the kill then the partition of the primary, 44 s of operations.
    static func runSyncProfile(workload: String, seed: Int, name: String, folderTag: String) async throws -> ShortFormRun {
        try await ShortFormRun.run(pipeline: "pipelines/postgres-sync.yml", workload: workload, nemesisYAML: killThenPartition,
                                   seed: seed, name: name, folderTag: folderTag, timeLimit: 44, timeout: 300, system: "patroni")
    }

    /// Removes a run whose checker `verdict` is valid and that exited 0; a failed run's folder stays, for
    /// its history and the nodes' logs.
    static func removeIfValid(_ r: ShortFormRun, _ verdict: JSONValue) {
        if verdict["valid"] == .bool(true) && r.status == 0 { PostgresShortFormTests.remove(r) } else { print("kept \(r.dir)") }
    }

    /// Seconds from the first node's start to "nodes of store healthy" in faultline.log.
    static func upTime(_ runDir: String) -> Double? {
        guard let log = try? String(contentsOfFile: runDir + "/faultline.log", encoding: .utf8) else { return nil }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        func stamp(_ marker: String) -> Date? {
            log.split(separator: "\n").first { $0.contains(marker) }.flatMap { f.date(from: String($0.prefix(24))) }
        }
        guard let a = stamp("started node"), let b = stamp("nodes of store healthy") else { return nil }
        return b.timeIntervalSince(a)
    }

    /// Remote apply with one synchronous standby, Patroni failover, register workload: linearizable through
    /// both failovers, and the history shows the leader moving (the partition cuts off another node than
    /// the one killed; both were the leader when their fault began).
    @Test func syncProfileKeepsEveryAcknowledgedWriteThroughPatroniFailovers() async throws {
        let r = try await Self.runSyncProfile(workload: "workloads/register.yml", seed: 1, name: "patroni-sync", folderTag: "patroni")
        let lin = try #require(r.results["checkers"]?["linearizable"], "\(r.stderr.suffix(1500))")
        defer { Self.removeIfValid(r, lin) }
        let nemesis = r.history.ops.filter { $0.process == .nemesis }
        let kill = try #require(nemesis.first { $0.f == "start-kill" }, "no kill recorded")
        let part = try #require(nemesis.first { $0.f == "start-partition" }, "no partition recorded")
        let killed = try #require(kill.value["nodes"]?.arrayValue?.first?.stringValue)
        // The isolated node is in every cut pair.
        let pairs = part.value["cut"]?.arrayValue?.compactMap { $0.arrayValue?.compactMap(\.stringValue) } ?? []
        let isolated = try #require(pairs.first?.first { n in pairs.allSatisfy { $0.contains(n) } }, "\(part.value)")
        #expect(killed != isolated, "the leader did not move: \(killed) was killed and still led when the partition began")
        // Patroni's own word for it: a replica promoted itself by taking the leader key.
        let logs = ["store-1", "store-2", "store-3"].map { (try? String(contentsOfFile: r.dir + "/nodes/\($0)/stderr.log", encoding: .utf8)) ?? "" }
        let promotions = logs.map { $0.components(separatedBy: "promoted self to leader").count - 1 }.reduce(0, +)
        #expect(promotions >= 1, "no node logged a promotion")
        let ops = r.history.ops.filter { $0.process != .nemesis }
        let count = { (t: Op.Kind) in ops.filter { $0.type == t }.count }
        let seconds = Double(ops.last?.time ?? 1) / 1e9
        print("""
            patroni sync (remote_apply, 1 sync standby) register, kill then partition of the primary: \
            linearizable \(lin["valid"] ?? .null); cluster up in \(Self.upTime(r.dir).map { String(format: "%.1f", $0) } ?? "?") s; \
            first acknowledged write \(Self.firstWrite(after: kill.time, r.history).map { String(format: "%.1f", $0) } ?? "none") s after the kill \
            and \(Self.firstWrite(after: part.time, r.history).map { String(format: "%.1f", $0) } ?? "none") s after the partition; \
            leader \(killed) killed, \(isolated) cut off, \(promotions) promotions logged; \
            \(String(format: "%.0f", Double(count(.invoke)) / seconds)) ops/s, ok \(count(.ok)), fail (refused) \(count(.fail)), info \(count(.info))
            """)
        #expect(lin["valid"] == .bool(true), "\(lin)")
        #expect(r.status == 0, "a valid run exits 0: \(r.status) \(r.stderr.suffix(800))")
    }

    /// The same profile and faults with the set workload: every acknowledged add is in the final read
    /// (the set checker's `lost`, with example ops when not), the direct check that the failovers kept
    /// every acknowledged write (a register's linearizability only sees a lost write some read observes).
    @Test func syncProfileLosesNoAcknowledgedAddThroughPatroniFailovers() async throws {
        let r = try await Self.runSyncProfile(workload: "workloads/postgres-set.yml", seed: 2, name: "patroni-sync-set", folderTag: "patroni-set")
        let set = try #require(r.results["checkers"]?["set"], "\(r.stderr.suffix(1500))")
        defer { Self.removeIfValid(r, set) }
        let nemesis = r.history.ops.filter { $0.process == .nemesis }
        #expect(nemesis.contains { $0.f == "start-kill" } && nemesis.contains { $0.f == "start-partition" }, "faults: \(nemesis.map(\.f))")
        let acknowledged = r.history.ops.filter { $0.f == "add" && $0.type == .ok }.count
        print("patroni sync set, kill then partition of the primary: \(acknowledged) adds acknowledged, lost \(set["counts"]?["lost"] ?? .null), valid \(set["valid"] ?? .null)")
        #expect(acknowledged > 0, "no add was acknowledged")
        #expect(set["counts"]?["lost"]?.intValue == 0, "\(set)")
        #expect(set["valid"] == .bool(true), "\(set)")
        #expect(r.status == 0, "a valid run exits 0: \(r.status) \(r.stderr.suffix(800))")
    }

    /// Without a writable cgroup (here: the controller run as user nobody, which may not write the
    /// freezer hierarchy) Patroni nodes cannot be owned: the run stops before any verdict, exit 4, with
    /// one line saying why, and the etcd members it had started are stopped.
    @Test(.enabled(if: geteuid() == 0 && getpwnam("nobody") != nil && RedisInstall.inPath("setpriv")))
    func withoutCgroupsAPatroniRunCannotStart() async throws {
        let dir = CLIRunner.tempDir("patroni-nocg")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        chmod(dir, 0o777)
        let setpriv = try #require(["/usr/bin/setpriv", "/bin/setpriv"].first { (path: String) in access(path, X_OK) == 0 })
        let p = Process()
        p.executableURL = URL(fileURLWithPath: setpriv)
        p.currentDirectoryURL = CLIRunner.root
        p.arguments = ["--reuid=nobody", "--regid=nogroup", "--clear-groups", CLIRunner.binary, "run",
                       "--pipeline", "pipelines/postgres-sync.yml", "--workload", "workloads/register.yml", "--nemesis", "none",
                       "--time-limit", "5", "--seed", "1", "--name", "nocg", "--results", dir + "/results", "--quiet"]
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 4, "\(text)")
        let lines = text.split(separator: "\n")
        #expect(lines.count == 1 && text.contains("needs a cgroup of its own") && text.contains("store-1"), "\(text)")
        let run = try InterruptTests.runDir(dir + "/results", "nocg")
        #expect(!FileManager.default.fileExists(atPath: run + "/results.json"), "a run that could not start has no verdict")
        let pids = try InterruptTests.nodePids(run)
        #expect(pids.count == 3, "the etcd members started first: \(pids)")
        #expect(TestSupport.waitDead(pids, timeout: 10) == [])
    }

    /// SIGKILL of the controller while Patroni runs: its watchdog ends every process of the run's
    /// cgroups (Patroni, the postmasters Patroni started outside the nodes' process trees, their backends)
    /// and removes the cgroups. Checked by the pids of this run's cgroups only.
    @Test func sigkillOfTheControllerLeavesNoPatroniOrPostgresProcess() async throws {
        let dir = CLIRunner.tempDir("patroni-kill")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLIRunner.binary)
        p.currentDirectoryURL = CLIRunner.root
        p.arguments = ["run", "--pipeline", "pipelines/postgres-sync.yml", "--workload", "workloads/postgres-set.yml",
                       "--nemesis", "none", "--time-limit", "120", "--seed", "1", "--name", "pk", "--results", dir, "--quiet"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let folder = try #require(Supervisor.cgroupFolder(ofController: p.processIdentifier))
        // The clients start once every node is healthy: then the history exists.
        let deadline = Date().addingTimeInterval(180)
        var history = false
        while Date() < deadline && p.isRunning && !history {
            history = ((try? FileManager.default.subpathsOfDirectory(atPath: dir)) ?? []).contains { $0.hasSuffix("history.jsonl") }
            if !history { try await Task.sleep(for: .milliseconds(200)) }
        }
        let nodes = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter {
            FileManager.default.fileExists(atPath: folder + "/" + $0 + "/cgroup.procs")
        }
        var pids: [Int32] = []
        for n in nodes {
            let text = (try? String(contentsOfFile: folder + "/" + n + "/cgroup.procs", encoding: .utf8)) ?? ""
            pids += text.split(separator: "\n").compactMap { Int32($0) }
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(history, "the run never got its nodes up")
        // Patroni, a postmaster and its auxiliary processes on each of the three nodes.
        #expect(pids.count > 6, "cgroups \(nodes) held \(pids)")
        #expect(TestSupport.waitDead(pids, timeout: 20) == [], "outlived the controller")
        let gone = Date().addingTimeInterval(20)
        while FileManager.default.fileExists(atPath: folder) && Date() < gone { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!FileManager.default.fileExists(atPath: folder), "the run's cgroups were not removed: \(folder)")
        print("patroni: SIGKILL of the controller; \(pids.count) processes of its cgroups, none left")
    }
}
