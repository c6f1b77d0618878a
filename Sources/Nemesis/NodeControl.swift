// NodeControl: what the nemesis needs from the process supervisor, and Supervisor's conformance.
import Supervisor

/// NodeControl is the nemesis' view of node processes.
public protocol NodeControl: Sendable {
    var nodeNames: [String] { get }
    /// SIGKILL; returns the pid killed.
    func killNode(_ name: String) throws -> Int32
    /// Starts a dead node again with the same data dir; returns the new pid.
    func startNodeAgain(_ name: String) throws -> Int32
    func pauseNode(_ name: String) throws -> Int32
    func resumeNode(_ name: String) throws -> Int32
    func isRunning(_ name: String) -> Bool
    func isPaused(_ name: String) -> Bool
}

extension Supervisor: NodeControl {
    public func killNode(_ name: String) throws -> Int32 { try kill(name) }
    public func startNodeAgain(_ name: String) throws -> Int32 { try restart(name) }
    public func pauseNode(_ name: String) throws -> Int32 { try pause(name) }
    public func resumeNode(_ name: String) throws -> Int32 { try resume(name) }
    public func isRunning(_ name: String) -> Bool { pid(of: name) != nil }
    public func isPaused(_ name: String) -> Bool {
        if case .paused? = state(of: name) { return true }
        return false
    }
}
