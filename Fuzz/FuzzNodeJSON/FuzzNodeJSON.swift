// libFuzzer target: the node's JSON request-body parser, and re-encoding what it accepted.
// Built and run by bench/fuzz only (needs -sanitize=fuzzer to link).
import CFuzzDriver
import Foundation
import Node

func fuzzNodeJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    if let json = try? JSON.decode(Data(bytes: data, count: size)) {
        // What the node writes back must parse again.
        _ = try? JSON.decode(json.encoded())
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
