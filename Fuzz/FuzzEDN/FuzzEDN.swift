// libFuzzer target: the EDN reader and Jepsen EDN history importer (both EDN flavours).
// Built and run by bench/fuzz only (needs -sanitize=fuzzer to link).
import CFuzzDriver
import Foundation
import History

func fuzzEDN(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? EDNReader.readAll(text)
    for format in [HistoryFormat.edn, .kv] {
        if let loaded = try? EDNHistoryImporter.read(text: text, source: "fuzz.edn", format: format) {
            _ = try? loaded.history.pairs()
        }
    }
    return 0
}

@main
enum FuzzEDNMain {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzEDN(data, size) })
    }
}
