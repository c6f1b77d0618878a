// faultline-bench: times one checker on a generated history and prints its time and peak memory.
//
// Usage: faultline-bench CHECKER [OPS] [SEED]   (defaults: 1000000 ops, seed 1)
// One checker per process, so that the peak memory printed is that checker's (plus its history).
#if canImport(Glibc)
import Glibc
#endif
import Checker
import Foundation
import History

/// The workload whose history each checker reads.
let workloadFor = [
    "set": "set", "queue": "queue", "log": "log", "pipeline": "pipeline", "staleness": "register",
    "availability": "register", "perf": "register", "kafka": "kafka",
]

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Peak resident memory of this process so far, in MiB (getrusage reports KiB on Linux).
func peakMiB() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_maxrss) / 1024
}

let args = CommandLine.arguments
if args.count >= 2 && args[1] == "nights" {
    NightsFixture.main(Array(args.dropFirst(2)))
    exit(0)
}
guard args.count >= 2, let workload = workloadFor[args[1]] else {
    FileHandle.standardError.write(Data("usage: faultline-bench CHECKER [OPS] [SEED]; checkers: \(CheckerRegistry.names.joined(separator: ", "))\n".utf8))
    exit(2)
}
let name = args[1]
let ops = args.count > 2 ? Int(args[2]) ?? 1_000_000 : 1_000_000
let seed = args.count > 3 ? UInt64(args[3]) ?? 1 : 1

let t0 = now()
let synthetic = SyntheticHistory.make(workload: workload, ops: ops, seed: seed)!
let t1 = now()
let memAfterGenerate = peakMiB()
// "kafka": the log checker on a Jepsen Kafka workload history, with ww_deps so that G0 can show.
let checker = name == "kafka" ? try! CheckerRegistry.checker(named: "log", options: ["ww_deps": true]) : try! CheckerRegistry.checker(named: name)
let verdict = checker.check(synthetic.history)
let t2 = now()
if name == "kafka" {
    // Every injected anomaly must be found: print injected and found side by side.
    var missed: [String] = []
    for (kind, n) in synthetic.injected.sorted(by: { $0.key < $1.key }) {
        let found = verdict.counts[kind] ?? 0
        print("  \(kind): injected \(n), found \(found)")
        if found < n { missed.append(kind) }
    }
    if !missed.isEmpty { print("  MISSED: \(missed.joined(separator: ", "))") }
}
let counts = verdict.counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
print(
    String(
        format: "%-12@ ops=%d generate=%.2fs check=%.2fs peak=%.0fMiB (after generate %.0fMiB) valid=%@ %@",
        name as NSString, synthetic.history.ops.count, t1 - t0, t2 - t1, peakMiB(), memAfterGenerate,
        verdict.valid.rawValue as NSString, counts as NSString))
