// libFuzzer target: the Jepsen etcd log importer, and format detection over any input.
// Built and run by bench/fuzz only (needs -sanitize=fuzzer to link).
import CFuzzDriver
import Foundation
import History

func fuzzEtcdLog(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Data(bytes: data, count: size)
    let text = String(decoding: bytes, as: UTF8.self)
    if let loaded = try? EtcdLogImporter.read(text: text, source: "fuzz.log") {
        _ = try? loaded.history.pairs()
    }
    _ = try? HistoryLoader.parse(data: bytes, source: "fuzz")
    return 0
}

@main
enum FuzzEtcdLogMain {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzEtcdLog(data, size) })
    }
}
