import Foundation
import History
import Testing

@testable import Checker

/// Every history of Tests/Fixtures/porcupine gets exactly the verdict of its EXPECTED.tsv
/// (etcd logs: cas-register, initial nil; c*.txt: kv).
struct LinearizabilityCorpusTests {
    static var corpus: URL {
        if let dir = ProcessInfo.processInfo.environment["FAULTLINE_CORPUS"] { return URL(fileURLWithPath: dir) }
        // Tests/CheckerTests/<file> -> Tests/Fixtures/porcupine (the corpus lives in the repository).
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/porcupine")
    }

    struct Expectation: Sendable, CustomStringConvertible {
        var file: String
        var model: LinearizableChecker.ModelName
        var linearizable: Bool
        var ops: Int
        var description: String { file }
    }

    static func expectations() -> [Expectation] {
        guard let text = try? String(contentsOf: corpus.appendingPathComponent("EXPECTED.tsv"), encoding: .utf8) else { return [] }
        // A malformed line is skipped (and then corpusIsPresent fails on the count) rather than trapping.
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: "\t").map(String.init)
            guard f.count >= 4, let ops = Int(f[3]) else { return nil }
            return Expectation(file: f[0], model: f[1] == "kv" ? .kv : .casRegister, linearizable: f[2] == "linearizable", ops: ops)
        }
    }

    @Test func corpusIsPresent() {
        // Fails loudly rather than silently checking nothing.
        #expect(Self.expectations().count == 108, "corpus not found at \(Self.corpus.path)")
    }

    @Test(arguments: expectations())
    func verdictMatchesPorcupine(_ e: Expectation) throws {
        let loaded = try HistoryLoader.load(path: Self.corpus.appendingPathComponent(e.file).path)
        #expect(loaded.format == (e.model == .kv ? .edn : .etcdLog))
        let invocations = loaded.history.ops.filter { $0.type == .invoke && !$0.process.isNemesis }.count
        #expect(invocations == e.ops)
        let verdict = try LinearizableChecker(model: e.model).analyze(loaded.history)
        #expect(verdict.valid == (e.linearizable ? .valid : .invalid))
        if !e.linearizable {
            let ev = try #require(verdict.examples["non-linearizable"]?.first?.objectValue)
            #expect(ev["op"] != nil && ev["concurrent"] != nil && ev["linearizable_prefix_ops"] != nil)
        }
    }
}
