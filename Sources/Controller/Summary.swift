// Summary: the one-screen text printed at the end of a run, and the live progress line.
import Checker
import Foundation
import History
import InputFiles

enum Summary {
    static func render(name: String, runDir: String, seed: UInt64, counters: RunCounters, faults: Int,
                       results: CheckerResults, interrupted: Bool) -> String {
        let c = counters.snapshot()
        var lines = ["", "\(name)  seed \(seed)\(interrupted ? "  (interrupted)" : "")",
                     "ops: \(c.ok) ok, \(c.fail) fail, \(c.info) info; faults planned: \(faults)"]
        for v in results.verdicts {
            let counts = v.counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.prefix(6)
                .map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            let err = v.error.map { "  (\($0.prefix(100)))" } ?? ""
            lines.append("  \(v.checker.padding(toLength: 13, withPad: " ", startingAt: 0)) \(label(v.valid))  \(counts)\(err)")
        }
        lines.append("verdict: \(label(results.valid))")
        lines.append("run folder: \(runDir)")
        return lines.joined(separator: "\n")
    }

    static func label(_ v: Validity) -> String {
        switch v {
        case .valid: return "valid"
        case .invalid: return "INVALID"
        case .unknown: return "unknown"
        }
    }
}

/// ProgressPrinter: on a terminal, one line rewritten every second; otherwise a plain line every 5 s.
final class ProgressPrinter: @unchecked Sendable {
    let counters: RunCounters
    let timeLimit: Double
    let enabled: Bool
    /// Describes the faults in force now (e.g. "4 links faulty, 1 node down").
    let activeFaults: @Sendable () -> String
    let tty = isatty(2) != 0

    init(counters: RunCounters, timeLimit: Double, enabled: Bool, activeFaults: @escaping @Sendable () -> String) {
        self.counters = counters
        self.timeLimit = timeLimit
        self.enabled = enabled
        self.activeFaults = activeFaults
    }

    func run(t0: ContinuousClock.Instant) async {
        guard enabled else { return }
        var last = (ok: 0, fail: 0, info: 0)
        let every: Double = tty ? 1 : 5
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(Int64(saturating: every * 1000)))
            if Task.isCancelled { break }
            let c = counters.snapshot()
            let elapsed = Double((ContinuousClock.now - t0).components.seconds)
            let rate = Double((c.ok + c.fail + c.info) - (last.ok + last.fail + last.info)) / every
            last = c
            let line = String(format: "%3.0fs / %.0fs  %6.0f ops/s  ok %d  fail %d  info %d",
                              elapsed, timeLimit, rate, c.ok, c.fail, c.info) + "  faults: " + activeFaults()
            FileHandle.standardError.write(Data((tty ? "\r" + line : line + "\n").utf8))
        }
    }

    func finish() {
        if enabled && tty { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
