// libFuzzer target: Faultline's history.jsonl reader, then pairing (what every checker does first).
// Built and run by bench/fuzz only (needs -sanitize=fuzzer to link).
import CFuzzDriver
import Foundation
import History

func fuzzJSONL(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Data(bytes: data, count: size)
    if let loaded = try? JSONLHistoryReader.read(data: bytes, source: "fuzz.jsonl") {
        _ = try? loaded.history.pairs()
    }
    return 0
}

@main
enum FuzzJSONLMain {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzJSONL(data, size) })
    }
}
