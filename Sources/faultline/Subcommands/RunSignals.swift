// RunSignals: SIGINT/SIGTERM during `faultline run`: the first stops the test in order, a second stops hard.
import Controller
import Foundation
import Supervisor

/// RunSignals turns the first SIGINT or SIGTERM into `TestRunner.interrupt()` (stop generating, heal,
/// stop the nodes, check and store what was recorded, exit 130); a second one stops every node at once
/// and exits 130.
final class RunSignals: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private var count = 0

    static func install(_ runner: TestRunner) -> RunSignals { install { runner.interrupt() } }

    /// The same for any stoppable work (a campaign interrupts its current run and skips the rest).
    static func install(onInterrupt: @escaping @Sendable () -> Void) -> RunSignals {
        let s = RunSignals()
        let queue = DispatchQueue(label: "faultline.run.signals")
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            src.setEventHandler {
                s.count += 1
                if s.count == 1 {
                    FileHandle.standardError.write(Data("\nfaultline: interrupted; healing, stopping nodes, checking what was recorded (again to stop now)\n".utf8))
                    onInterrupt()
                } else {
                    SignalTrap.stopEverything(grace: 0.5)
                    exit(ExitStatus.interrupted)
                }
            }
            src.resume()
            s.sources.append(src)
        }
        return s
    }

    func cancel() {
        for s in sources { s.cancel() }
    }
}
