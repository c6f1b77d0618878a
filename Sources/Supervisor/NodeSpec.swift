// NodeSpec: everything the supervisor needs to start one node process.
import Foundation

/// NodeSpec describes one node process: what to run, where, and how to tell it is ready.
public struct NodeSpec: Sendable, Equatable {
    /// Unique node name (e.g. "broker-1"); used in logs and errors.
    public var name: String
    /// Executable: a path, or a bare name looked up in PATH.
    public var executable: String
    public var arguments: [String]
    /// Added to (and overriding) the controller's own environment.
    public var environment: [String: String]
    /// The node's data dir (its working directory); kept across restarts.
    public var workingDirectory: String
    /// Where stdout.log and stderr.log go; defaults to the working directory.
    public var logDirectory: String?
    /// Ports the node listens on (informational; checked free before start).
    public var ports: [Int]
    /// e.g. "http://127.0.0.1:7101/health": ready when it answers 200.
    public var healthURL: String?
    /// Signal for a graceful stop (SIGTERM unless the system wants another).
    public var stopSignal: Int32
    /// Seconds between the stop signal and SIGKILL, when the system says (else the caller's grace).
    public var stopGrace: Double? = nil
    /// Owned by a cgroup (NodeCgroups) rather than by its process group alone: for nodes whose processes
    /// leave the node's process tree (Patroni's postmaster). Pause freezes the cgroup, kill and stop end
    /// every process in it, and a watchdog ends them when the controller dies. Start fails with
    /// `SupervisorError.cgroupUnavailable` where the machine has no writable freezer hierarchy.
    public var ownedByCgroup = false

    public init(name: String, executable: String, arguments: [String] = [], environment: [String: String] = [:],
                workingDirectory: String, logDirectory: String? = nil, ports: [Int] = [], healthURL: String? = nil,
                stopSignal: Int32 = SIGTERM) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.logDirectory = logDirectory
        self.ports = ports
        self.healthURL = healthURL
        self.stopSignal = stopSignal
    }

    var stdoutPath: String { (logDirectory ?? workingDirectory) + "/stdout.log" }
    var stderrPath: String { (logDirectory ?? workingDirectory) + "/stderr.log" }
}

/// NodeState is what the supervisor knows of a node right now.
public enum NodeState: Sendable, Equatable {
    case running(pid: Int32)
    case paused(pid: Int32)
    /// Exited; `expected` is true when the supervisor itself killed or stopped it.
    case exited(status: NodeExit, expected: Bool)
}

/// NodeExit is how a process ended: an exit code or a signal.
public enum NodeExit: Sendable, Equatable, CustomStringConvertible {
    case code(Int32)
    case signal(Int32)

    init(waitStatus s: Int32) {
        if s & 0x7f == 0 { self = .code((s >> 8) & 0xff) } else { self = .signal(s & 0x7f) }
    }

    public var description: String {
        switch self {
        case .code(let c): return "exit code \(c)"
        case .signal(let s): return "signal \(s)"
        }
    }
}
