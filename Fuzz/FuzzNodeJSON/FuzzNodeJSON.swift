// libFuzzer target: the JSON parser as the nodes use it for request bodies (64 levels at most),
// and re-encoding what it accepted.
// Built and run by bench/fuzz only (needs -sanitize=fuzzer to link).
import CFuzzDriver
import Foundation
import JSON

func fuzzNodeJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = UnsafeBufferPointer(start: data, count: size)
    if let json = try? JSONParser.parse(bytes, maxDepth: 64) {
        // What the node writes back must parse again.
        _ = try? JSONParser.parse(json.bytes, maxDepth: 64)
    }
    return 0
}

@main
enum FuzzNodeJSONMain {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzNodeJSON(data, size) })
    }
}
