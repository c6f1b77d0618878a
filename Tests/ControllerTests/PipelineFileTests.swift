// The pipeline files of issue 6: links between components (uses / derived from roles), their
// validation, and the pipeline workload and component-scoped nemesis entries.
import Foundation
import InputFiles
import Nemesis
import Testing

@testable import Controller

struct PipelineFileTests {
    static func path(_ p: String) -> String { CLIRunner.root.appendingPathComponent(p).path }

    @Test func shippedPipelinesLinkEveryService() throws {
        for name in ["cp", "ap", "mixed"] {
            let p = try PipelineFile.load(path: Self.path("pipelines/\(name).yml"))
            #expect(p.component(named: "ingest")?.uses == ["broker"])
            #expect(Set(p.component(named: "connector")?.uses ?? []) == ["broker", "store"])
            #expect(Set(p.component(named: "loader")?.uses ?? []) == ["store", "warehouse"])
            #expect(Set(p.component(named: "api")?.uses ?? []) == ["warehouse", "cache"])
            #expect(p.component(named: "cache")?.uses == [])
            #expect(p.component(named: "api")?.replicas == 1)
            #expect(p.components.count == 8)
        }
        let w = try WorkloadFile.load(path: Self.path("workloads/pipeline.yml"))
        #expect(w.kind == .pipeline && w.target == "")
        #expect(w.checkers == ["pipeline", "availability", "perf"])
        #expect(w.drainTimeout == 15)
    }

    @Test func badLinksNameFileLineAndField() throws {
        let dir = CLIRunner.tempDir("links")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/p.yml"
        CLIRunner.write("name: x\ncomponents:\n  b:\n    role: broker\n  i:\n    role: ingest\n    uses: [nope]\n", to: path)
        #expect(throws: InputError(file: path, line: 7, field: "components.i.uses", message: "no component 'nope' in this pipeline")) {
            try PipelineFile.load(path: path)
        }
        CLIRunner.write("name: x\ncomponents:\n  i:\n    role: ingest\n", to: path)
        #expect(throws: InputError(file: path, line: 4, field: "components.i.uses",
                                   message: "a ingest needs a broker component, and the pipeline has none")) {
            try PipelineFile.load(path: path)
        }
        CLIRunner.write("name: x\ncomponents:\n  b:\n    role: broker\n    uses: [b]\n", to: path)
        #expect(throws: InputError.self) { try PipelineFile.load(path: path) }
        CLIRunner.write("name: x\ncomponents:\n  c:\n    role: cache\n    replicas: 3\n", to: path)
        #expect(throws: InputError.self) { try PipelineFile.load(path: path) }
    }

    @Test func componentScopedNemesisEntries() throws {
        let s = try NemesisSchedule.load(path: Self.path("nemesis/partition-broker-leader.yml"))
        let comps = ["broker": ["broker-1", "broker-2", "broker-3"], "store": ["store-1", "store-2", "store-3"]]
        let all = comps.values.flatMap { $0 }
        let plan = try NemesisPlan.make(s, nodes: all, seed: 1, timeLimit: 10, components: comps)
        #expect(plan.first?.action == .partition(shape: "isolate-leader",
                                                 .isolateWithin(.leaderAmong(["broker-1", "broker-2", "broker-3"]),
                                                                among: ["broker-1", "broker-2", "broker-3"])))
        let w = try NemesisSchedule.load(path: Self.path("nemesis/partition-warehouse-leader.yml"))
        #expect(throws: InputError.self) { try NemesisPlan.make(w, nodes: all, seed: 1, timeLimit: 10, components: comps) }
        // A bad `links:` value is a schedule error naming its line.
        #expect(throws: InputError.self) {
            try NemesisSchedule.parse(yaml: "events:\n  - {at: 1s, duration: 1s, fault: kill, target: leader, links: some}\n", file: "x.yml")
        }
        // `with:` puts other components' nodes on the isolated leader's side.
        let m = try NemesisSchedule.load(path: Self.path("nemesis/partition-warehouse-minority.yml"))
        let wh = ["warehouse-1", "warehouse-2", "warehouse-3"]
        let comps2 = ["warehouse": wh, "api": ["api-1"]]
        let plan2 = try NemesisPlan.make(m, nodes: wh + ["api-1"], seed: 1, timeLimit: 10, components: comps2)
        #expect(plan2.first?.action == .partition(shape: "isolate-leader",
                                                  .isolateWith(.leaderAmong(wh), companions: ["api-1"], among: wh)))
        // A `with` naming no component of the test is a plan error; `with` on a kill is a schedule error.
        #expect(throws: InputError.self) { try NemesisPlan.make(m, nodes: wh, seed: 1, timeLimit: 10, components: ["warehouse": wh]) }
        #expect(throws: InputError.self) {
            try NemesisSchedule.parse(yaml: "events:\n  - {at: 1s, duration: 1s, fault: kill, target: leader, component: w, with: [api]}\n", file: "x.yml")
        }
    }
}
