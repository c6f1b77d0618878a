// SignalTrap: on SIGINT/SIGTERM of the controller, stop every node, then exit.
import Foundation

/// SignalTrap turns SIGINT and SIGTERM into an orderly stop of every node of every live Supervisor.
public enum SignalTrap {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Installs the trap. On a signal: `beforeStop` runs (e.g. to record the interruption), every node
    /// is stopped (SIGTERM, SIGKILL after `grace`), then the process exits with 128+signal (130 for SIGINT)
    /// unless `exit` is false.
    public static func install(grace: Double = 2, exit: Bool = true,
                               beforeStop: (@Sendable (Int32) -> Void)? = nil) {
        let queue = DispatchQueue(label: "faultline.signals")
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            src.setEventHandler {
                beforeStop?(sig)
                stopEverything(grace: grace)
                if exit { Foundation.exit(128 + sig) }
            }
            src.resume()
            sources.append(src)
        }
    }

    /// Stops every node of every live Supervisor (the public form of what the trap does).
    public static func stopEverything(grace: Double = 2) {
        let sups = Registry.shared.supervisors
        DispatchQueue.concurrentPerform(iterations: sups.count) { sups[$0].stopAll(grace: grace) }
    }
}
