// ClientProxyRunTests: the workload clients reach every node through their own proxy, and the
// `partition-clients` fault cuts exactly that way in: real runs of the built-in store (three nodes),
// of a pipeline (the clients cut from the api), and of a Tansu broker (memory).
import Foundation
import History
import Testing

@Suite(.serialized) struct ClientProxyRunTests {
    /// The window the history's `start-partition-clients` … `stop-partition-clients` ops give: from the
    /// start op to when the undo began (`began`: the stop op itself is recorded after the undo).
    static func window(_ h: History) throws -> (start: Op, stop: Op, from: Int64, to: Int64) {
        let start = try #require(h.ops.first { $0.f == "start-partition-clients" }, "no start-partition-clients in the history")
        let stop = try #require(h.ops.first { $0.f == "stop-partition-clients" }, "no stop-partition-clients in the history")
        return (start, stop, start.time, stop.value["began"]?.intValue.map(Int64.init) ?? stop.time)
    }

    /// Completed client ops on `nodes` (nil: every node) invoked after `from` and completed before `to`.
    static func inside(_ pairs: [CompletedOp], from: Int64, to: Int64, nodes: Set<String>? = nil, fs: Set<String>? = nil) -> [CompletedOp] {
        pairs.filter { p in
            guard let c = p.completion, !p.process.isNemesis else { return false }
            if let nodes, !nodes.contains(p.invoke.node ?? "") { return false }
            if let fs, !fs.contains(p.f) { return false }
            return p.invoke.time > from && c.time < to
        }
    }

    /// Three CP store nodes, the clients cut from store-1 for 3 s: no op on store-1 invoked and answered
    /// inside the window is ok (its bytes go nowhere), while ops on store-2 and store-3 still succeed in
    /// it (the nodes were not touched, nor were the other client links); after the heal store-1 answers
    /// ok again.
    @Test func cutClientsStopOnlyThatNodesOpsAndHealResumesThem() async throws {
        let r = try await ShortFormRun.run(pipeline: "pipelines/cp.yml", workload: "workloads/register.yml",
                                           nemesisYAML: "events:\n  - {at: 1s, duration: 3s, fault: partition-clients, target: store-1}\n",
                                           seed: 5, name: "clients-store", folderTag: "clients-store", timeLimit: 7,
                                           timeout: 240, system: "store")
        defer { try? FileManager.default.removeItem(atPath: (r.dir as NSString).deletingLastPathComponent) }
        let (start, stop, from, to) = try Self.window(r.history)
        #expect(start.value["nodes"] == ["store-1"], "\(start.value)")
        #expect(start.value["cut"] == [["clients", "store-1"]], "\(start.value)")
        #expect(stop.value["healed"] == [["clients", "store-1"]], "\(stop.value)")
        let pairs = try r.history.pairs()
        let cutOps = Self.inside(pairs, from: from, to: to, nodes: ["store-1"])
        #expect(cutOps.allSatisfy { $0.outcome != .ok }, "ops on store-1 succeeded while its clients were cut: \(cutOps.filter { $0.outcome == .ok }.prefix(3).map(\.invoke))")
        let others = Self.inside(pairs, from: from, to: to, nodes: ["store-2", "store-3"])
        #expect(others.contains { $0.outcome == .ok }, "no op on the other nodes succeeded during the cut: the fault reached more than one link")
        // store-1 was cut: an op on it in flight during the window timed out (info).
        #expect(pairs.contains { $0.invoke.node == "store-1" && $0.invoke.time < to && ($0.completion?.time ?? .max) > from && $0.outcome == .info },
                "no op on store-1 timed out during the cut")
        let after = pairs.filter { $0.invoke.node == "store-1" && $0.invoke.time > stop.time && $0.outcome == .ok }
        #expect(!after.isEmpty, "store-1 answered no op after the heal")
        #expect(r.history.ops.contains { $0.f == "heal" })
        #expect(r.status == 0 || r.status == 1 || r.status == 3, "exit \(r.status): \(r.stderr.suffix(800))")
    }

    /// A pipeline (cp) with the clients cut from the query API for 8 s: API ops (query, count) answered
    /// inside the window are none ok, while ingest (another node, another client link) goes on; after
    /// the heal the API answers again, and the final read through it completes. (The window is more
    /// than twice the 3 s op timeout: a client's op sent just before the cut takes 3 s to time out, and
    /// only its next one, sent inside the window, can end inside it.)
    @Test func pipelineClientsCutFromTheAPIOnly() async throws {
        let r = try await ShortFormRun.run(pipeline: "pipelines/cp.yml", workload: "workloads/pipeline.yml",
                                           nemesisYAML: "events:\n  - {at: 1s, duration: 8s, fault: partition-clients, target: all, component: api}\n",
                                           seed: 2, name: "clients-api", folderTag: "clients-api", timeLimit: 11,
                                           timeout: 300, system: "pipeline")
        defer { try? FileManager.default.removeItem(atPath: (r.dir as NSString).deletingLastPathComponent) }
        let (start, stop, from, to) = try Self.window(r.history)
        let names = try #require(start.value["nodes"]?.arrayValue, "\(start.value)")
        let api = names.compactMap { $0.stringValue }
        #expect(!api.isEmpty && api.allSatisfy { $0.hasPrefix("api") }, "cut \(api)")
        let pairs = try r.history.pairs()
        let apiOps = Self.inside(pairs, from: from, to: to, nodes: Set(api))
        #expect(!apiOps.isEmpty, "no API op was answered (or timed out) inside the window")
        #expect(apiOps.allSatisfy { $0.outcome != .ok }, "API ops succeeded while the clients were cut from it: \(apiOps.filter { $0.outcome == .ok }.prefix(3).map(\.invoke))")
        let ingest = Self.inside(pairs, from: from, to: to, fs: ["ingest"])
        #expect(ingest.contains { $0.outcome == .ok }, "ingest stopped too: the fault reached more than the API's client link")
        #expect(pairs.contains { Set(api).contains($0.invoke.node ?? "") && $0.invoke.time > stop.time && $0.outcome == .ok && $0.f != "final-read" },
                "the API answered nothing after the heal")
        let finalAPI = pairs.last { $0.f == "final-read" && $0.invoke.value["stage"] == "api" }
        #expect(finalAPI?.outcome == .ok, "the final read through the API: \(String(describing: finalAPI?.completion))")
    }
}
