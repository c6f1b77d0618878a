// A real system under test: a 3-member etcd cluster (Debian etcd-server) as command nodes, run by faultline.
import Foundation
import History
import Nemesis
import Net
import Supervisor
import Systems
import Testing

@testable import Controller

/// Where etcd is installed, if it is.
enum EtcdInstall {
    static let path: String? = {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        return dirs.map { $0 + "/etcd" }.first { access($0, X_OK) == 0 }
    }()
}

/// EtcdTests start real etcd processes. They skip, saying why, only where etcd is not installed
/// (scripts/test installs etcd-server with apt-get when it can).
@Suite(.serialized, .enabled(if: EtcdInstall.path != nil, "etcd not in PATH: install Debian's etcd-server (scripts/test does)"))
struct EtcdTests {
    static let linearizable = "pipelines/etcd-linearizable.yml"
    static let serializable = "pipelines/etcd-serializable.yml"

    /// Alive and not a zombie (PID 1 may reap an orphan late).
    static func alive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        guard let close = stat.lastIndex(of: ")") else { return false }
        return !stat[close...].hasPrefix(") Z")
    }

    static func comm(_ pid: Int32) -> String {
        ((try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `faultline run` of the register workload against an etcd pipeline; returns (status, run folder).
    static func run(_ pipeline: String, nemesis: String, seed: Int, timeLimit: Int = 10, dir: String,
                    signal: (Int32, Double)? = nil) async throws -> (CLIRunner.Result, String) {
        let name = "etcd-\(seed)"
        let r = try await CLIRunner.run(["run", "--pipeline", pipeline, "--workload", "workloads/register.yml",
                                   "--nemesis", nemesis, "--time-limit", "\(timeLimit)", "--concurrency", "12",
                                   "--seed", "\(seed)", "--name", name, "--results", dir, "--quiet"],
                                  timeout: 90, signal: signal)
        return (r, try InterruptTests.runDir(dir, name))
    }

    // MARK: routing

    /// Every member reaches every peer through its own proxy for that directed link (127.C.A.B on the
    /// peer's port), never the peer's port on 127.0.0.1; the supervised pid is etcd itself (exec chain);
    /// the leader comes from etcd's API; cutting one directed link touches that link only; isolating the
    /// leader makes the others elect a new one.
    @Test func peerTrafficGoesThroughEachDirectedLinkProxy() async throws {
        let dir = CLIRunner.tempDir("etcd-links")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pipeline = try PipelineFile.load(path: CLIRunner.root.path + "/" + Self.linearizable)
        let nodes = try NodePlacement.place(pipeline, components: ["store"], runDir: dir)
        let names = nodes.map(\.name)
        try #require(names.count >= 2)
        let net = ProxyNetwork(threads: 1)
        let sup = Supervisor()
        let etcd = try #require(SystemRegistry.named("etcd")).adapter(AdapterContext(workload: "register", opTimeout: 2, concurrency: 1))
        var pids: [Int32] = []
        do {
            try await NodePlacement.link(nodes, net: net)
            #expect(net.allLinks.count == 6)
            for l in net.allLinks {
                let a = nodes.first { $0.name == l.id.from }!, b = nodes.first { $0.name == l.id.to }!
                #expect(l.listenHost == "127.1.\(a.index).\(b.index)" && l.listenPort == b.ports["peer"])
            }
            for s in try NodePlacement.writeConfigs(nodes, net: net, nodeExecutable: "unused") { pids.append(try sup.start(s)) }
            for n in nodes { try await sup.waitHealthy(n.name, timeout: 15) }
            for p in pids { #expect(Self.comm(p) == "etcd", "pid \(p) is \(Self.comm(p)), not etcd: the exec chain forked") }

            // Each of the 6 directed links carries connections of its own.
            var open: [String: Int] = [:]
            let deadline = Date().addingTimeInterval(8)
            repeat {
                for l in net.allLinks { open[l.id.description] = await l.openConnections() }
                if open.values.allSatisfy({ $0 > 0 }) { break }
                try await Task.sleep(for: .milliseconds(100))
            } while Date() < deadline
            #expect(open.values.allSatisfy { $0 > 0 }, "\(open)")
            let peerPorts = Set(nodes.compactMap { $0.ports["peer"] })
            if let ss = Self.established() {
                let direct = ss.filter { $0.process == "etcd" && $0.peerHost == "127.0.0.1" && peerPorts.contains($0.peerPort) }
                let viaLink = ss.filter { $0.process == "etcd" && $0.peerHost.hasPrefix("127.1.") }
                #expect(direct.isEmpty, "members dial peers directly: \(direct)")
                #expect(viaLink.count >= 6)
            }

            // The leader through the Systems layer: the registry's etcd adapter asks etcd's own API.
            let discovery = etcd.leaderDiscovery(nodes.map(\.systemNode))
            let leader = await discovery.leader(among: names)
            #expect(leader != nil && names.contains(leader!))

            // One directed link reset: only its proxy refuses; the other five keep their connections.
            let (x, y) = (names[0], names[1])
            let before = await net.link(x, y)!.acceptedConnections()
            await net.set(.reset, on: [LinkID(x, y)])
            try await Task.sleep(for: .seconds(2))
            #expect(await net.link(x, y)!.openConnections() == 0)
            #expect(await net.link(x, y)!.acceptedConnections() > before, "\(x) stopped dialing \(y) through its own proxy")
            for l in net.allLinks where l.id != LinkID(x, y) {
                #expect(await l.openConnections() > 0, "\(l.id) lost its connections when only \(x)->\(y) was cut")
            }
            await net.healAll()

            // Isolating the leader (both directions of its links): the other two elect another leader.
            if let old = await discovery.leader(among: names) {
                let cut = Grudge.isolate(old, in: names).links
                await net.set(.cut, on: cut)
                var next: String?
                let until = Date().addingTimeInterval(10)
                while Date() < until {
                    next = await discovery.leader(among: names.filter { $0 != old })
                    if let n = next, n != old { break }
                    try await Task.sleep(for: .milliseconds(200))
                }
                #expect(next != nil && next != old, "no new leader after isolating \(old): \(String(describing: next))")
                await net.healAll()
            }
        } catch {
            Issue.record("\(error)")
        }
        sup.shutdown(grace: 1)
        await net.shutdown()
        await etcd.shutdown()
        for p in pids { #expect(!Self.alive(p), "etcd pid \(p) left running") }
    }

    struct Conn: CustomStringConvertible {
        var peerHost: String
        var peerPort: Int
        var process: String
        var description: String { "\(process)->\(peerHost):\(peerPort)" }
    }

    /// Established TCP connections with their owning process, from `ss -tnpH` (nil when ss is missing).
    static func established() -> [Conn]? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["ss", "-tnpH", "state", "established"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            let cols = line.split(separator: " ", omittingEmptySubsequences: true)
            guard cols.count >= 4, let colon = cols[3].lastIndex(of: ":") else { return nil }
            let peer = cols[3]
            let proc = line.range(of: "((\"").map { r in line[r.upperBound...].prefix { $0 != "\"" } }.map(String.init) ?? ""
            return Conn(peerHost: String(peer[..<colon]), peerPort: Int(peer[peer.index(after: colon)...]) ?? 0, process: proc)
        }
    }

    // MARK: runs

    /// The node isolated by the first leader partition, and the window it lasted (history time, ns).
    static func isolation(_ h: History) -> (node: String, from: Int64, to: Int64)? {
        guard let start = h.ops.first(where: { $0.process == .nemesis && $0.f == "start-partition" }),
              let stop = h.ops.first(where: { $0.process == .nemesis && $0.f == "stop-partition" && $0.time > start.time }),
              let cut = start.value["cut"]?.arrayValue else { return nil }
        let pairs = cut.compactMap { $0.arrayValue?.compactMap(\.stringValue) }
        let counts = Dictionary(pairs.flatMap { $0 }.map { ($0, 1) }, uniquingKeysWith: +)
        guard let node = counts.max(by: { $0.value < $1.value })?.key else { return nil }
        return (node, start.time, stop.time)
    }

    /// Linearizable reads, leader isolated: the history is linearizable, and no op the isolated member
    /// received during the partition succeeded (each failed or timed out).
    @Test func linearizableReadsStayLinearizableUnderLeaderPartition() async throws {
        let dir = CLIRunner.tempDir("etcd-lin")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (r, run) = try await Self.run(Self.linearizable, nemesis: "partition-leader", seed: 1, dir: dir)
        #expect(r.status == 0, "\(r.stderr.suffix(1500))")
        let results = try RunTests.results(run)
        #expect(results["checkers"]?["linearizable"]?["valid"] == .bool(true))
        let log = try String(contentsOfFile: run + "/faultline.log", encoding: .utf8)
        // "nodes healthy; leader store-N" (issue 6's form: "nodes of store healthy; leader store-N").
        #expect(log.contains("healthy; leader store-"), "the leader was not found from etcd's API")
        let h = try HistoryLoader.load(path: run + "/history.jsonl").history
        // The txn-based cas both succeeds and fails on a value mismatch (a failed txn has no `succeeded`).
        #expect(h.ops.contains { $0.f == "cas" && $0.type == .ok })
        #expect(h.ops.contains { $0.f == "cas" && $0.type == .fail && $0.error == "cas mismatch" })
        #expect(h.ops.contains { $0.f == "read" && $0.type == .ok && $0.value.intValue != nil })
        guard let iso = Self.isolation(h) else {
            Issue.record("no leader partition in the history")
            return
        }
        var invokedAt: [ProcessID: Int64] = [:]
        var minority = 0
        for op in h.ops where op.process != .nemesis {
            if op.type == .invoke { invokedAt[op.process] = op.time; continue }
            guard op.node == iso.node, let t = invokedAt[op.process], t >= iso.from, op.time <= iso.to else { continue }
            minority += 1
            #expect(op.type != .ok, "the isolated \(iso.node) completed \(op.f) \(op.type) during the partition")
        }
        #expect(minority > 0, "no op reached the isolated member")
    }

    /// Serializable reads, leader isolated: Faultline reports stale reads (linearizable invalid, the
    /// staleness distribution non-empty). Seed 1 showed it in each of our runs; seed 2 is a second chance.
    @Test func serializableReadsAreStaleUnderLeaderPartition() async throws {
        let dir = CLIRunner.tempDir("etcd-ser")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var found = false
        var seen: [String] = []
        for seed in [1, 2] where !found {
            let (r, run) = try await Self.run(Self.serializable, nemesis: "partition-leader", seed: seed, dir: dir)
            let results = try RunTests.results(run)
            let stale = results["checkers"]?["staleness"]?["counts"]?["stale-read"]?.intValue ?? 0
            let dist = results["checkers"]?["staleness"]?["details"]?["time_behind_stale_reads"]?["count"]?.intValue ?? 0
            let lin = results["checkers"]?["linearizable"]?["valid"]
            seen.append("seed \(seed): exit \(r.status) linearizable \(String(describing: lin)) stale \(stale)")
            if r.status == 1 && lin == .bool(false) && stale > 0 {
                #expect(dist == stale)
                found = true
            }
        }
        #expect(found, "no stale read reported: \(seen)")
    }

    /// SIGKILL of the controller (`faultline run`, a real process): the parent-death signal takes every
    /// etcd member down with it.
    @Test func noEtcdSurvivesAKilledController() async throws {
        let dir = CLIRunner.tempDir("etcd-kill")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (r, run) = try await Self.run(Self.linearizable, nemesis: "none", seed: 3, timeLimit: 30, dir: dir, signal: (SIGKILL, 4))
        #expect(r.status == 9 || r.status == 137)
        let pids = try InterruptTests.nodePids(run)
        #expect(pids.count == 3)
        let deadline = Date().addingTimeInterval(5)
        while pids.contains(where: Self.alive) && Date() < deadline { usleep(100_000) }
        for p in pids { #expect(!Self.alive(p), "etcd pid \(p) outlived the controller") }
    }

    /// The whole matrix of campaigns/etcd.yml, one seed (opt-in: FAULTLINE_SLOW=1, about 2.5 minutes).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FAULTLINE_SLOW"] == "1"),
          arguments: ["partition-leader", "partition-ring", "pause", "kill"])
    func linearizableUnderEverySchedule(nemesis: String) async throws {
        let dir = CLIRunner.tempDir("etcd-matrix")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (r, run) = try await Self.run(Self.linearizable, nemesis: nemesis, seed: 1, dir: dir)
        #expect(r.status == 0, "\(nemesis): \(r.stderr.suffix(1500))")
        #expect(try RunTests.results(run)["checkers"]?["linearizable"]?["valid"] == .bool(true))
        let (s, _) = try await Self.run(Self.serializable, nemesis: nemesis, seed: 1, dir: dir)
        #expect(s.status == 0 || s.status == 1, "\(nemesis) serializable: exit \(s.status)")
    }
}
