// Supervisor: starts node processes in their own groups, reaps them, and kills, stops, pauses or restarts them.
import Foundation
import Logging

/// Supervisor owns node processes: none may outlive the controller.
///
/// Each node runs in its own process group with a parent-death signal; a reaper thread wait()s on
/// every child, so a killed node never lingers as a zombie, and a node that exits on its own is
/// reported through `onUnexpectedExit` and the log. A node whose processes leave its tree (Patroni's
/// postmaster) is owned by a cgroup instead (`NodeSpec.ownedByCgroup`, NodeCgroups).
/// - Important: call `shutdown()` (or install `SignalTrap`) before the controller exits; an `atexit`
///   hook SIGKILLs whatever is left if that was forgotten.
public final class Supervisor: @unchecked Sendable {
    final class Managed {
        var spec: NodeSpec
        var state: NodeState
        var expectingExit = false
        /// The node's cgroup folder when `spec.ownedByCgroup` (NodeCgroups).
        let cgroup: String?
        init(spec: NodeSpec, pid: Int32, cgroup: String?) {
            self.spec = spec
            self.state = .running(pid: pid)
            self.cgroup = cgroup
        }
        var pid: Int32? {
            switch state {
            case .running(let p), .paused(let p): return p
            case .exited: return nil
            }
        }
    }

    private let lock = NSLock()
    private var nodes: [String: Managed] = [:]
    private let logger: Logger
    /// Tells apart the cgroup folders of several supervisors in one process (tests) that reuse node names.
    private let serial: Int
    nonisolated(unsafe) private static var serials = 0
    private static let serialLock = NSLock()
    /// Called (on the reaper thread) when a node exits that the supervisor did not kill or stop.
    public var onUnexpectedExit: (@Sendable (String, NodeExit) -> Void)?

    public init(logger: Logger = Logger(label: "faultline.supervisor")) {
        self.logger = logger
        Self.serialLock.lock()
        Self.serials += 1
        serial = Self.serials
        Self.serialLock.unlock()
        Registry.shared.add(self)
        Reaper.shared.ensureRunning()
    }

    // MARK: start

    /// Starts the node described by `spec`; returns its pid once exec succeeded.
    @discardableResult
    public func start(_ spec: NodeSpec) throws -> Int32 {
        lock.lock()
        if let m = nodes[spec.name], m.pid != nil {
            lock.unlock()
            throw SupervisorError.alreadyRunning(spec.name)
        }
        lock.unlock()
        for p in spec.ports { try PortAllocator.shared.checkFree(p, owner: spec.name) }
        let path = try Self.resolve(spec.executable, node: spec.name, env: spec.environment)
        let fm = FileManager.default
        try fm.createDirectory(atPath: spec.workingDirectory, withIntermediateDirectories: true)
        if let d = spec.logDirectory { try fm.createDirectory(atPath: d, withIntermediateDirectories: true) }
        let out = open(spec.stdoutPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        let err = open(spec.stderrPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        defer {
            if out >= 0 { close(out) }
            if err >= 0 { close(err) }
        }
        if out < 0 || err < 0 { throw SupervisorError.spawnFailed(node: spec.name, step: "open log files", errno: errno) }
        var env = ProcessInfo.processInfo.environment
        for (k, v) in spec.environment { env[k] = v }
        var cgroup: String?
        var procs: Int32 = -1
        defer { if procs >= 0 { close(procs) } }
        if spec.ownedByCgroup {
            do { cgroup = try NodeCgroups.shared.prepare("\(serial)-\(spec.name)") } catch {
                throw SupervisorError.cgroupUnavailable(node: spec.name, reason: "\(error)")
            }
            procs = open(cgroup! + "/cgroup.procs", O_WRONLY | O_CLOEXEC)
            if procs < 0 { throw SupervisorError.spawnFailed(node: spec.name, step: "open \(cgroup!)/cgroup.procs", errno: errno) }
        }
        let pid = try SpawnThread.shared.spawn(
            node: spec.name, path: path, args: spec.arguments, env: env.map { "\($0.key)=\($0.value)" }.sorted(),
            cwd: spec.workingDirectory, stdoutFD: out, stderrFD: err, cgroupProcsFD: procs)
        lock.lock()
        nodes[spec.name] = Managed(spec: spec, pid: pid, cgroup: cgroup)
        lock.unlock()
        Reaper.shared.watch(pid: pid) { [weak self] status in self?.reaped(node: spec.name, pid: pid, status: status) }
        logger.info("started node", metadata: ["node": "\(spec.name)", "pid": "\(pid)"])
        return pid
    }

    /// Starts again a node that exited (or stops it first if running), with the same spec and data dir.
    @discardableResult
    public func restart(_ name: String, grace: Double = 5) throws -> Int32 {
        let spec = try withNode(name) { $0.spec }
        if pid(of: name) != nil { stop(name, grace: grace) }
        return try start(spec)
    }

    private static func resolve(_ exe: String, node: String, env: [String: String]) throws -> String {
        if exe.contains("/") {
            if access(exe, X_OK) == 0 { return exe }
            throw SupervisorError.executableNotFound(node: node, executable: exe)
        }
        let path = env["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") where access("\(dir)/\(exe)", X_OK) == 0 {
            return "\(dir)/\(exe)"
        }
        throw SupervisorError.executableNotFound(node: node, executable: exe)
    }

    // MARK: queries

    private func withNode<T>(_ name: String, _ body: (Managed) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        guard let m = nodes[name] else { throw SupervisorError.unknownNode(name) }
        return try body(m)
    }

    /// The live pid of a node, nil when it is not running.
    public func pid(of name: String) -> Int32? { try? withNode(name) { $0.pid } }
    /// The node's current state, nil for an unknown name.
    public func state(of name: String) -> NodeState? { try? withNode(name) { $0.state } }
    /// Every node name, sorted.
    public var nodeNames: [String] {
        lock.lock()
        defer { lock.unlock() }
        return nodes.keys.sorted()
    }
    public func spec(of name: String) -> NodeSpec? { try? withNode(name) { $0.spec } }
    /// The cgroup folder of a node owned by one (its `cgroup.procs` lists every process of the node).
    public func cgroupPath(of name: String) -> String? { try? withNode(name) { $0.cgroup } }
    /// Why nodes with `ownedByCgroup` cannot start on this machine, nil when they can.
    public static var cgroupUnavailableReason: String? { NodeCgroups.shared.unavailableReason }
    /// The cgroup folder holding the cgroup-owned nodes of controller process `pid`, a child of this
    /// process (in its cgroup), for tests that check what a killed controller left.
    public static func cgroupFolder(ofController pid: Int32) -> String? {
        try? NodeCgroups.findRoot().get() + "/faultline-\(pid)"
    }

    // MARK: signals

    /// SIGKILL to the node's process group and its processes outside it (a cgroup-owned node: to every
    /// process of its cgroup); returns the pid killed after it has been reaped.
    @discardableResult
    public func kill(_ name: String) throws -> Int32 {
        let (pid, cgroup): (Int32, String?) = try withNode(name) { m in
            guard let p = m.pid else { throw SupervisorError.notRunning(name) }
            m.expectingExit = true
            return (p, m.cgroup)
        }
        if let cgroup { NodeCgroups.killAll(cgroup, timeout: 5) } else { ProcessTree.signal(group: pid, SIGKILL) }
        _ = waitExit(name, pid: pid, timeout: 5)
        logger.info("killed node", metadata: ["node": "\(name)", "pid": "\(pid)"])
        return pid
    }

    /// Stop signal (SIGTERM) to the group, then SIGKILL after `grace` seconds; waits until reaped.
    public func stop(_ name: String, grace: Double = 5) {
        guard let (pid, sig, own, cgroup): (Int32, Int32, Double?, String?) = try? withNode(name, { m in
            guard let p = m.pid else { throw SupervisorError.notRunning(name) }
            m.expectingExit = true
            return (p, m.spec.stopSignal, m.spec.stopGrace, m.cgroup)
        }) else {
            // A cgroup-owned node whose main process died alone may have left processes in its cgroup.
            if let cgroup = cgroupPath(of: name) { NodeCgroups.killAll(cgroup, timeout: 5) }
            return
        }
        if let cgroup {
            // The node's main process stops the rest (Patroni stops its postmaster); what is left after
            // the grace period, or after the main process ended, is killed.
            NodeCgroups.setFrozen(cgroup, false)
            Glibc.kill(-pid, sig)
            _ = waitExit(name, pid: pid, timeout: own ?? grace)
            NodeCgroups.killAll(cgroup, timeout: 5)
            _ = waitExit(name, pid: pid, timeout: 5)
            return
        }
        Glibc.kill(-pid, sig)
        ProcessTree.signal(group: pid, SIGCONT)  // a paused node (and its children) cannot handle SIGTERM
        if !waitExit(name, pid: pid, timeout: own ?? grace) {
            ProcessTree.signal(group: pid, SIGKILL)
            _ = waitExit(name, pid: pid, timeout: 5)
        }
    }

    /// SIGSTOP to the node's group and its processes outside it (ProcessTree); a cgroup-owned node's
    /// cgroup is frozen instead (every process of it at once). It keeps its sockets but answers nothing.
    @discardableResult
    public func pause(_ name: String) throws -> Int32 {
        let (pid, cgroup): (Int32, String?) = try withNode(name) { m in
            guard case .running(let p) = m.state else { throw SupervisorError.notRunning(name) }
            m.state = .paused(pid: p)
            return (p, m.cgroup)
        }
        if let cgroup { NodeCgroups.setFrozen(cgroup, true) } else { ProcessTree.signal(group: pid, SIGSTOP) }
        return pid
    }

    /// SIGCONT to the node's group and its processes outside it (a cgroup-owned node: thaws its cgroup).
    @discardableResult
    public func resume(_ name: String) throws -> Int32 {
        let (pid, cgroup): (Int32, String?) = try withNode(name) { m in
            guard let p = m.pid else { throw SupervisorError.notRunning(name) }
            m.state = .running(pid: p)
            return (p, m.cgroup)
        }
        if let cgroup { NodeCgroups.setFrozen(cgroup, false) } else { ProcessTree.signal(group: pid, SIGCONT) }
        return pid
    }

    /// Stops every node (SIGTERM, then SIGKILL after `grace`), in parallel.
    public func stopAll(grace: Double = 3) {
        let names = nodeNames.filter { pid(of: $0) != nil }
        DispatchQueue.concurrentPerform(iterations: names.count) { i in stop(names[i], grace: grace) }
    }

    /// Stops every node and forgets them; removes the cgroups of cgroup-owned nodes.
    public func shutdown(grace: Double = 3) {
        stopAll(grace: grace)
        lock.lock()
        let cgroups = nodes.values.compactMap(\.cgroup)
        lock.unlock()
        for c in cgroups {
            NodeCgroups.killAll(c, timeout: 5)
            NodeCgroups.shared.remove(c)
        }
        Registry.shared.remove(self)
    }

    /// SIGKILL to every live group without waiting; safe from an atexit hook.
    func killAllNow() {
        lock.lock()
        let pids = nodes.values.compactMap { m -> Int32? in
            if m.pid != nil { m.expectingExit = true }
            return m.pid
        }
        let cgroups = nodes.values.compactMap(\.cgroup)
        lock.unlock()
        for c in cgroups { NodeCgroups.killNow(c) }
        for p in pids {
            Glibc.kill(-p, SIGKILL)
            Glibc.kill(p, SIGKILL)
        }
    }

    /// Waits until the reaper saw `pid` exit; false on timeout.
    private func waitExit(_ name: String, pid: Int32, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if self.pid(of: name) != pid { return true }
            usleep(2_000)
        }
        return self.pid(of: name) != pid
    }

    private func reaped(node: String, pid: Int32, status: NodeExit) {
        lock.lock()
        guard let m = nodes[node], m.pid == pid else {
            lock.unlock()
            return
        }
        let expected = m.expectingExit
        m.state = .exited(status: status, expected: expected)
        m.expectingExit = false
        let handler = onUnexpectedExit
        lock.unlock()
        if !expected {
            logger.warning("node exited on its own", metadata: ["node": "\(node)", "pid": "\(pid)", "status": "\(status)"])
            handler?(node, status)
        }
    }

    // MARK: health

    /// Waits until the node's health URL answers 200, or throws naming the node with its log tail.
    public func waitHealthy(_ name: String, timeout: Double = 10) async throws {
        let spec = try withNode(name) { $0.spec }
        guard let url = spec.healthURL else { return }
        let deadline = Date().addingTimeInterval(timeout)
        var last = "no answer yet"
        while Date() < deadline {
            if case .exited(let status, _)? = state(of: name) {
                throw SupervisorError.unhealthy(node: name, reason: "exited with \(status) before it was healthy",
                                                logTail: logTail(name))
            }
            switch HealthCheck.get(url, timeout: 1) {
            case .success(200): return
            case .success(let code): last = "health check answered HTTP \(code)"
            case .failure(let e): last = "health check failed: \(e.message)"
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw SupervisorError.unhealthy(node: name, reason: "no HTTP 200 from \(url) within \(timeout)s (\(last))",
                                        logTail: logTail(name))
    }

    /// The last `lines` lines of the node's stderr and stdout logs.
    public func logTail(_ name: String, lines: Int = 10) -> String {
        guard let spec = spec(of: name) else { return "" }
        return [spec.stderrPath, spec.stdoutPath].compactMap { path -> String? in
            guard let d = FileManager.default.contents(atPath: path), !d.isEmpty else { return nil }
            let text = String(decoding: d.suffix(8192), as: UTF8.self)
            let tail = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines + 1)
            return "[\((path as NSString).lastPathComponent)]\n" + tail.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}

/// Registry keeps every live supervisor so signal handlers and the atexit hook can reach them.
final class Registry: @unchecked Sendable {
    static let shared = Registry()
    private let lock = NSLock()
    private var all: [ObjectIdentifier: Supervisor] = [:]

    private init() {
        atexit { Registry.shared.killEverything() }
    }
    func add(_ s: Supervisor) { lock.lock(); all[ObjectIdentifier(s)] = s; lock.unlock() }
    func remove(_ s: Supervisor) { lock.lock(); all[ObjectIdentifier(s)] = nil; lock.unlock() }
    var supervisors: [Supervisor] { lock.lock(); defer { lock.unlock() }; return Array(all.values) }
    func killEverything() { for s in supervisors { s.killAllNow() } }
}
