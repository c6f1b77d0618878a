// SupervisorTests: real processes started, signalled, reaped and restarted by the Supervisor.
import FaultlineTesting
import Foundation
import Supervisor
import Testing

@Suite(.serialized) struct SupervisorTests {
    func nodeSpec(_ name: String, dir: String, port: Int, extra: [String] = []) -> NodeSpec {
        NodeSpec(name: name, executable: TestSupport.fixture,
                 arguments: ["node", "--name", name, "--port", "\(port)", "--data", "\(dir)/\(name)"] + extra,
                 workingDirectory: "\(dir)/\(name)", ports: [port], healthURL: "http://127.0.0.1:\(port)/health")
    }

    @Test func missingExecutableIsAClearError() throws {
        let sup = Supervisor()
        defer { sup.shutdown() }
        let dir = TestSupport.tempDir("missing")
        #expect(throws: SupervisorError.executableNotFound(node: "ghost", executable: "/no/such/binary")) {
            try sup.start(NodeSpec(name: "ghost", executable: "/no/such/binary", workingDirectory: dir))
        }
        // An executable file that execve refuses: the failure comes back from the child through the pipe.
        let bogus = dir + "/not-a-program"
        FileManager.default.createFile(atPath: bogus, contents: Data([0, 1, 2, 3]), attributes: [.posixPermissions: 0o755])
        do {
            try sup.start(NodeSpec(name: "bogus", executable: bogus, workingDirectory: dir))
            Issue.record("starting a non-program should fail")
        } catch let e as SupervisorError {
            #expect("\(e)".contains("node bogus: could not start: execve failed"))
        }
    }

    /// A node gets stdin, stdout and stderr, nothing else of the controller's (an inherited proxy socket
    /// would keep connections open after the proxy closed them).
    @Test func nodeInheritsNoOtherDescriptor() async throws {
        let sup = Supervisor()
        defer { sup.shutdown() }
        let dir = TestSupport.tempDir("fds")
        var leak: [Int32] = [0, 0]
        #expect(pipe(&leak) == 0)  // no O_CLOEXEC: the kind of descriptor that used to reach nodes
        defer { close(leak[0]); close(leak[1]) }
        try sup.start(NodeSpec(name: "fds", executable: "/bin/sh", arguments: ["-c", "ls /proc/$$/fd; echo done"],
                               workingDirectory: dir))
        let log = dir + "/stdout.log"
        let deadline = Date().addingTimeInterval(30)
        var text = ""
        while Date() < deadline {
            text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if text.contains("done") { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let fds = text.split(separator: "\n").filter { $0 != "done" }.map(String.init)
        #expect(fds == ["0", "1", "2"], "the node's descriptors: \(fds); the controller's pipe: \(leak)")
    }

    @Test func startKillRestartKeepsDataDir() async throws {
        let sup = Supervisor()
        defer { sup.shutdown() }
        let dir = TestSupport.tempDir("restart")
        let port = try PortAllocator.shared.allocate()
        let pid = try sup.start(nodeSpec("n1", dir: dir, port: port))
        try await sup.waitHealthy("n1", timeout: 30)
        #expect(TestSupport.get(port: port, path: "/status")?.1.contains("\"boots\":1") == true)
        let killed = try sup.kill("n1")
        #expect(killed == pid)
        // Reaped, not a zombie: gone from the process table.
        #expect(!FileManager.default.fileExists(atPath: "/proc/\(pid)"))
        #expect(sup.state(of: "n1") == .exited(status: .signal(SIGKILL), expected: true))
        let pid2 = try sup.restart("n1")
        #expect(pid2 != pid)
        try await sup.waitHealthy("n1", timeout: 30)
        #expect(TestSupport.get(port: port, path: "/status")?.1.contains("\"boots\":2") == true)
    }

    @Test func pauseStopsAnsweringAndResumeBringsItBack() async throws {
        let sup = Supervisor()
        defer { sup.shutdown() }
        let dir = TestSupport.tempDir("pause")
        let port = try PortAllocator.shared.allocate()
        try sup.start(nodeSpec("p1", dir: dir, port: port))
        try await sup.waitHealthy("p1", timeout: 30)
        let pid = try sup.pause("p1")
        // SIGSTOP is delivered asynchronously: judge the node once the kernel shows it stopped ('T').
        func state() -> Character? {
            guard let st = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = st.lastIndex(of: ")") else { return nil }
            return st[st.index(close, offsetBy: 2)...].first
        }
        let deadline = Date().addingTimeInterval(10)
        while state() != "T" && Date() < deadline { usleep(10_000) }
        #expect(state() == "T")
        #expect(TestSupport.get(port: port, path: "/health", timeout: 0.5) == nil)
        try sup.resume("p1")
        #expect(TestSupport.get(port: port, path: "/health", timeout: 2)?.0 == 200)
    }

    @Test func noticesANodeThatExitsOnItsOwn() async throws {
        let sup = Supervisor()
        defer { sup.shutdown() }
        let seen = LockedBox<(String, NodeExit)?>(nil)
        sup.onUnexpectedExit = { name, status in seen.set((name, status)) }
        let dir = TestSupport.tempDir("exit")
        try sup.start(NodeSpec(name: "quitter", executable: "sh", arguments: ["-c", "exit 3"], workingDirectory: dir))
        for _ in 0..<200 where seen.get() == nil { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(seen.get()?.0 == "quitter")
        #expect(seen.get()?.1 == .code(3))
        #expect(sup.state(of: "quitter") == .exited(status: .code(3), expected: false))
    }

    @Test func healthTimeoutNamesTheNodeAndItsLog() async throws {
        let sup = Supervisor()
        defer { sup.shutdown() }
        let dir = TestSupport.tempDir("unhealthy")
        let port = try PortAllocator.shared.allocate()
        try sup.start(NodeSpec(name: "mute", executable: "sh", arguments: ["-c", "echo boom-marker >&2; exec sleep 30"],
                               workingDirectory: dir, healthURL: "http://127.0.0.1:\(port)/health"))
        do {
            try await sup.waitHealthy("mute", timeout: 0.6)
            Issue.record("a node that never listens cannot be healthy")
        } catch let e as SupervisorError {
            let text = "\(e)"
            #expect(text.contains("node mute did not become healthy"))
            #expect(text.contains("boom-marker"))
        }
    }

    @Test func stopEscalatesToSigkillAndTakesTheWholeGroup() throws {
        let sup = Supervisor()
        defer { sup.shutdown() }
        let dir = TestSupport.tempDir("stop")
        // Ignores SIGTERM and has a child of its own in its group.
        let pid = try sup.start(NodeSpec(name: "stubborn", executable: "sh",
                                         arguments: ["-c", "trap '' TERM; sleep 30 & wait"], workingDirectory: dir))
        usleep(200_000)
        sup.stop("stubborn", grace: 0.3)
        #expect(sup.state(of: "stubborn") == .exited(status: .signal(SIGKILL), expected: true))
        // Nothing of its process group is left (SIGKILL is delivered asynchronously: a member may still be
        // dying for a moment on a loaded machine; a generous deadline, never a fixed sleep).
        let deadline = Date().addingTimeInterval(10)
        while !TestSupport.liveMembers(ofGroup: pid).isEmpty && Date() < deadline { usleep(20_000) }
        #expect(TestSupport.liveMembers(ofGroup: pid) == [])
    }

    /// A child that left the node's group (PostgreSQL's postmaster setsid()s every backend) is still
    /// the node's: a pause freezes it, a resume wakes it, a kill ends it.
    @Test func childrenOutsideTheGroupArePausedAndKilledWithTheNode() throws {
        let sup = Supervisor()
        defer { sup.shutdown() }
        let dir = TestSupport.tempDir("tree")
        try sup.start(NodeSpec(name: "tree", executable: "sh",
                               arguments: ["-c", "setsid sleep 60 & echo $! > child.pid; wait"], workingDirectory: dir))
        func childPid() -> Int32? {
            (try? String(contentsOfFile: dir + "/child.pid", encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        /// The child's state letter (R, S, T...), nil when it is gone or a zombie.
        func state(_ pid: Int32) -> Character? {
            guard let s = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = s.lastIndex(of: ")") else { return nil }
            let c = s[s.index(close, offsetBy: 2)]
            return c == "Z" ? nil : c
        }
        func wait(_ cond: () -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(10)
            while !cond() && Date() < deadline { usleep(20_000) }
            return cond()
        }
        #expect(wait { childPid() != nil })
        let child = try #require(childPid())
        #expect(wait { state(child) != nil && getpgid(child) == child }, "the child did not leave the group")
        try sup.pause("tree")
        #expect(wait { state(child) == "T" }, "a pause left the child outside the group running")
        try sup.resume("tree")
        #expect(wait { state(child) != "T" }, "a resume left the child stopped")
        try sup.kill("tree")
        #expect(wait { state(child) == nil }, "a kill left the child outside the group alive")
    }

    /// Two allocators, as two processes have, over the same two ports: the second never hands out the
    /// port the first just did (its reservation is a lock file the other sees), however often tried.
    /// Only pairs no one else holds: the tests running beside this one reserve ports from the same
    /// range for 3 minutes each (a CI run once drew one of them, and the second allocator found none).
    @Test func aPortHandedOutIsReservedAgainstOtherAllocators() throws {
        var pairs = 0
        for _ in 0..<200 where pairs < 20 {
            let low = Int.random(in: 20000...29000)
            guard PortAllocator.isFree(low), PortAllocator.isFree(low + 1),
                  !PortAllocator.isReserved(low), !PortAllocator.isReserved(low + 1) else { continue }
            let first = try PortAllocator(range: low...low + 1).allocate()
            let second = try PortAllocator(range: low...low + 1).allocate()
            #expect(first != second, "port \(first) handed out twice")
            pairs += 1
        }
        #expect(pairs == 20)
    }

    /// A port handed out is seen as reserved, probing does not release it, and another allocator over
    /// that port alone finds nothing to hand out.
    @Test func aReservationIsSeenAndProbingItKeepsIt() throws {
        let p = try PortAllocator.shared.allocate()
        #expect(PortAllocator.isReserved(p))
        #expect(PortAllocator.isReserved(p), "probing dropped the holder's reservation")
        #expect(throws: (any Error).self) { try PortAllocator(range: p...p).allocate() }
    }

    @Test func portsNeverCollide() throws {
        let ports = try PortAllocator.shared.allocate(30)
        #expect(Set(ports).count == 30)
        for p in ports { #expect(PortAllocator.isFree(p)) }
        // A port held by a listener is reported, naming who wanted it.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = in_addr_t(UInt32(0x7f00_0001).bigEndian)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(fd, 1)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        let taken = Int(UInt16(bigEndian: addr.sin_port))
        #expect(throws: SupervisorError.portInUse(port: taken, owner: "broker-1")) {
            try PortAllocator.shared.checkFree(taken, owner: "broker-1")
        }
        #expect("\(SupervisorError.portInUse(port: taken, owner: "broker-1"))" == "port \(taken) on 127.0.0.1 (wanted by broker-1) is already in use")
    }
}

/// LockedBox: a value shared with a callback on another thread.
final class LockedBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    init(_ v: T) { value = v }
    func get() -> T { lock.lock(); defer { lock.unlock() }; return value }
    func set(_ v: T) { lock.lock(); value = v; lock.unlock() }
}
