// CgroupOwnershipTests: a node owned by a cgroup keeps a grandchild that setsid()s and is re-parented
// away from it (Patroni's postmaster does that): the grandchild is paused (frozen), killed with the node,
// and gone after SIGKILL of a controller that owned it.
import FaultlineTesting
import Foundation
import Supervisor
import Testing

@Suite(.serialized, .enabled(if: Supervisor.cgroupUnavailableReason == nil, "no writable cgroup v1 freezer hierarchy here"))
struct CgroupOwnershipTests {
    /// The process' state letter from /proc (R, S, D, T...), nil when it is gone or a zombie.
    static func state(_ pid: Int32) -> Character? {
        guard let s = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = s.lastIndex(of: ")") else { return nil }
        let c = s[s.index(close, offsetBy: 2)]
        return c == "Z" || c == "X" ? nil : c
    }

    static func wait(_ timeout: Double = 10, _ cond: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !cond() && Date() < deadline { usleep(20_000) }
        return cond()
    }

    static func readPid(_ path: String) -> Int32? {
        (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    static func procs(_ cgroup: String) -> [Int32] {
        ((try? String(contentsOfFile: cgroup + "/cgroup.procs", encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int32($0) }
    }

    static func freezerState(_ cgroup: String) -> String {
        ((try? String(contentsOfFile: cgroup + "/freezer.state", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The grandchild leaves the node's session and its parent exits: neither the process group nor
    /// the process tree reaches it any more, only the cgroup does.
    @Test func aReparentedGrandchildIsPausedAndKilledWithTheNode() throws {
        let sup = Supervisor()
        defer { sup.shutdown() }
        let dir = TestSupport.tempDir("cgroup")
        var spec = NodeSpec(name: "escaper", executable: "sh",
                            arguments: ["-c", "(setsid sleep 60 & echo $! > gc.pid); exec sleep 60"], workingDirectory: dir)
        spec.ownedByCgroup = true
        let pid = try sup.start(spec)
        let cgroup = try #require(sup.cgroupPath(of: "escaper"))
        #expect(Self.wait { Self.readPid(dir + "/gc.pid") != nil })
        let gc = try #require(Self.readPid(dir + "/gc.pid"))
        // Re-parented away from the node (its parent, the subshell, has exited) and in a session of its own.
        #expect(Self.wait { Self.state(gc) != nil && getsid(gc) == gc && TestSupport.parentPid(gc) != pid })
        #expect(Self.procs(cgroup).contains(gc), "the grandchild is not in the node's cgroup \(cgroup)")
        try sup.pause("escaper")
        #expect(Self.freezerState(cgroup) == "FROZEN")
        // A frozen task sleeps uninterruptibly in the freezer (D); never running.
        #expect(Self.wait { Self.state(gc) == "D" || Self.state(gc) == "T" }, "paused, the grandchild is \(String(describing: Self.state(gc)))")
        #expect(Self.wait { Self.state(pid) == "D" || Self.state(pid) == "T" })
        try sup.resume("escaper")
        #expect(Self.freezerState(cgroup) == "THAWED")
        #expect(Self.wait { Self.state(gc) == "S" || Self.state(gc) == "R" }, "resumed, the grandchild is \(String(describing: Self.state(gc)))")
        try sup.kill("escaper")
        #expect(Self.wait { Self.state(gc) == nil }, "a kill left the re-parented grandchild alive")
        #expect(Self.procs(cgroup).isEmpty)
        #expect(sup.state(of: "escaper") == .exited(status: .signal(SIGKILL), expected: true))
    }

    /// The fixture controller owns 2 nodes by cgroup, each of which left an escapee behind; SIGKILL of
    /// the controller leaves none of them, and their cgroup folders are removed (by its watchdog).
    @Test func sigkillOfTheControllerLeavesNoEscapee() throws {
        let dir = TestSupport.tempDir("cgroup-owner")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: TestSupport.fixture)
        p.arguments = ["controller", "--dir", dir, "--nodes", "2", "--cgroup", "yes"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        #expect(Self.wait(30) { FileManager.default.fileExists(atPath: dir + "/pids") || !p.isRunning })
        let pids = ((try? String(contentsOfFile: dir + "/pids", encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int32($0) }
        let cgroups = ((try? String(contentsOfFile: dir + "/cgroups", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        if pids.count != 4 || cgroups.count != 2 {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            Issue.record("the fixture controller reported \(pids) and \(cgroups)")
            return
        }
        let escapees = Array(pids.suffix(2))
        // The escapees really escaped: no longer children of their node.
        for (node, escapee) in zip(pids.prefix(2), escapees) { #expect(TestSupport.parentPid(escapee) != node) }
        #expect(pids.allSatisfy(TestSupport.isAlive))
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(TestSupport.waitDead(pids, timeout: 10) == [], "left alive after SIGKILL of the controller")
        #expect(Self.wait { cgroups.allSatisfy { !FileManager.default.fileExists(atPath: $0) } }, "cgroup folders left: \(cgroups)")
    }
}
