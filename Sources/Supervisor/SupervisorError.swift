// SupervisorError: what went wrong starting or controlling a node, naming the node.
import Foundation

/// SupervisorError names the node (or port) that failed and why; descriptions are one line plus a log tail.
public enum SupervisorError: Error, CustomStringConvertible, Equatable {
    case executableNotFound(node: String, executable: String)
    case spawnFailed(node: String, step: String, errno: Int32)
    case unknownNode(String)
    case alreadyRunning(String)
    case notRunning(String)
    case unhealthy(node: String, reason: String, logTail: String)
    case portInUse(port: Int, owner: String)
    case noFreePort
    /// The node must be owned by a cgroup (NodeSpec.ownedByCgroup) and none can be made here.
    case cgroupUnavailable(node: String, reason: String)

    public var description: String {
        switch self {
        case .executableNotFound(let n, let e): return "node \(n): executable '\(e)' not found"
        case .spawnFailed(let n, let step, let e):
            return "node \(n): could not start: \(step) failed: \(String(cString: strerror(e)))"
        case .unknownNode(let n): return "unknown node '\(n)'"
        case .alreadyRunning(let n): return "node \(n) is already running"
        case .notRunning(let n): return "node \(n) is not running"
        case .unhealthy(let n, let reason, let tail):
            return "node \(n) did not become healthy: \(reason)" + (tail.isEmpty ? "" : "\n--- last log lines of \(n) ---\n\(tail)")
        case .portInUse(let p, let owner): return "port \(p) on 127.0.0.1 (wanted by \(owner)) is already in use"
        case .noFreePort: return "no free port found on 127.0.0.1"
        case .cgroupUnavailable(let n, let reason):
            return "node \(n) needs a cgroup of its own (its processes leave its process tree) and none can be made here: \(reason)"
        }
    }
}
