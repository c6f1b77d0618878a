import ArgumentParser
import Foundation
import Generator
import History

/// `faultline synth`: writes a synthetic register history with a known verdict, for
/// benchmarks and for trying checkers out.
struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a seeded synthetic register history (linearizable by construction) as JSONL.",
        discussion: "Clients of a truly atomic register: every op takes effect at one instant between its invocation and completion. --impossible-read or --stale-read makes it non-linearizable."
    )

    @Option(help: "Number of operations.") var ops = 1000
    @Option(help: "Concurrent client processes.") var processes = 10
    @Option(help: "Seed.") var seed: UInt64 = 1
    @Option(name: .customLong("info-ratio"), help: "Fraction of ops that end in info.") var infoRatio = 0.01
    @Option(help: "Distinct values written (0..<n).") var values = 5
    @Flag(name: .customLong("impossible-read"), help: "Make one read in the middle return a value never written.") var impossibleRead = false
    @Flag(name: .customLong("stale-read"), help: "Make one read in the middle stale (implies unique values).") var staleRead = false
    @Option(name: .shortAndLong, help: "Output file (default: standard output).") var output: String?

    func validate() throws {
        if !(1...10_000_000).contains(ops) { throw ValidationError("--ops must be between 1 and 10000000") }
        if !(1...10_000).contains(processes) { throw ValidationError("--processes must be between 1 and 10000") }
        if !(1...1_000_000).contains(values) { throw ValidationError("--values must be between 1 and 1000000") }
        if !(0...1).contains(infoRatio) { throw ValidationError("--info-ratio must be between 0 and 1") }
    }

    func run() throws {
        var g = SyntheticRegisterHistory()
        g.ops = ops
        g.processes = processes
        g.seed = seed
        g.infoRatio = infoRatio
        g.valueCount = values
        g.uniqueValues = staleRead
        var h = g.make()
        if impossibleRead, SyntheticRegisterHistory.injectImpossibleRead(&h) == nil {
            throw ValidationError("no ok read after the middle of the history to make impossible")
        }
        if staleRead, SyntheticRegisterHistory.injectStaleRead(&h) == nil {
            throw ValidationError("found no read that can be made provably stale; try another seed")
        }
        var text = ""
        text.reserveCapacity(h.ops.count * 80)
        for op in h.ops {
            text += op.jsonLine
            text += "\n"
        }
        if let output {
            try Data(text.utf8).write(to: URL(fileURLWithPath: output))
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
