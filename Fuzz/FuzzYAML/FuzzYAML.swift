// libFuzzer target: every YAML input file reader (pipeline, workload, test, campaign, nemesis)
// on the same bytes, through the file path as a user gives it.
// Built and run by bench/fuzz only (needs -sanitize=fuzzer to link).
import Controller
import CFuzzDriver
import Foundation
import Nemesis

/// One scratch file per fuzzing process.
let scratch = NSTemporaryDirectory() + "faultline-fuzz-yaml-\(getpid()).yml"

func fuzzYAML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    guard FileManager.default.createFile(atPath: scratch, contents: Data(bytes: data, count: size)) else { return 0 }
    _ = try? PipelineFile.load(path: scratch)
    _ = try? WorkloadFile.load(path: scratch)
    _ = try? TestSpec.load(path: scratch)
    _ = try? CampaignFile.load(path: scratch)
    _ = try? NemesisSchedule.load(path: scratch)
    return 0
}

@main
enum FuzzYAMLMain {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzYAML(data, size) })
    }
}
