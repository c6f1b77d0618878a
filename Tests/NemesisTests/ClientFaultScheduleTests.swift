// ClientFaultScheduleTests: `partition-clients` and `latency-clients` parse, take the same targets as
// the node faults, scope to a component, and bad entries name file, line and field.
import InputFiles
import Nemesis
import Testing

struct ClientFaultScheduleTests {
    let nodes = ["n1", "n2", "n3", "n4", "n5"]

    @Test func clientFaultsParseWithTheirTargets() throws {
        let s = try NemesisSchedule.parse(yaml: """
            events:
              - {at: 1s, duration: 2s, fault: partition-clients, target: n2}
              - {at: 2s, duration: 2s, fault: partition-clients, target: leader}
              - {at: 3s, duration: 2s, fault: partition-clients}
              - {at: 4s, duration: 2s, fault: latency-clients, delay_ms: 150, jitter_ms: 20, target: minority}
              - {at: 5s, duration: 2s, fault: latency-clients, delay_ms: 5}
            """, file: "c.yml")
        guard case .fixed(let events) = s.mode else { Issue.record("not fixed: \(s.mode)"); return }
        #expect(events.map(\.fault) == [
            .partitionClients(.node("n2")), .partitionClients(.leader), .partitionClients(.random),
            .clientLatency(delayMs: 150, jitterMs: 20, target: .minority), .clientLatency(delayMs: 5, jitterMs: 0, target: .all),
        ])
        #expect(events.map(\.fault.name) == ["partition-clients", "partition-clients", "partition-clients", "latency-clients", "latency-clients"])
        let plan = try NemesisPlan.make(s, nodes: nodes, seed: 3, timeLimit: 20)
        #expect(plan[0].action == .partitionClients(.nodes(["n2"])))
        #expect(plan[1].action == .partitionClients(.leader))
        guard case .partitionClients(.nodes(let random)) = plan[2].action else { Issue.record("\(plan[2].action)"); return }
        #expect(random.count == 1 && nodes.contains(random[0]))
        guard case .clientLatency(150, 20, .nodes(let minority)?) = plan[3].action else { Issue.record("\(plan[3].action)"); return }
        #expect(minority.count == 2 && Set(minority).isSubset(of: Set(nodes)))
        #expect(plan[4].action == .clientLatency(delayMs: 5, jitterMs: 0, nil))
        #expect(plan.map(\.action.name) == ["partition-clients", "partition-clients", "partition-clients", "latency-clients", "latency-clients"])
    }

    /// Scoped to a component: its leader is that component's, and "all" means its nodes only.
    @Test func clientFaultsScopeToAComponent() throws {
        let s = try NemesisSchedule.parse(yaml: """
            events:
              - {at: 1s, duration: 1s, fault: partition-clients, target: leader, component: api}
              - {at: 2s, duration: 1s, fault: partition-clients, target: all, component: api}
              - {at: 3s, duration: 1s, fault: latency-clients, delay_ms: 10, component: api}
            """, file: "c.yml")
        let plan = try NemesisPlan.make(s, nodes: nodes, seed: 1, timeLimit: 10, components: ["api": ["n4", "n5"], "db": ["n1", "n2", "n3"]])
        #expect(plan.map(\.action) == [
            .partitionClients(.leaderAmong(["n4", "n5"])), .partitionClients(.nodes(["n4", "n5"])),
            .clientLatency(delayMs: 10, jitterMs: 0, .nodes(["n4", "n5"])),
        ])
    }

    @Test func badClientFaultsNameFileLineAndField() throws {
        let e = try #require(throws: InputError.self) {
            try NemesisSchedule.parse(yaml: """
                events:
                  - {at: 1s, duration: 1s, fault: partition-clients, shape: halves}
                  - {at: 2s, duration: 1s, fault: latency-clients, target: n1}
                  - {at: 3s, duration: 1s, fault: latency-clients, delay_ms: -4}
                  - {at: 4s, duration: 1s, fault: partition-clients, target: [n1]}
                """, file: "n.yml")
        }
        #expect(e.problems.map(\.line) == [2, 3, 4, 5])
        #expect(e.problems.map(\.field) == ["events[0].shape", "events[1].delay_ms", "events[2].delay_ms", "events[3].target"])
        #expect(e.problems.first?.message.hasPrefix("unknown field") == true)
        // A node that is not in the test: found when the plan is made, at the entry's line.
        let s = try NemesisSchedule.parse(yaml: "events:\n  - {at: 1s, duration: 1s, fault: partition-clients, target: n9}\n", file: "k.yml")
        let p = try #require(throws: InputError.self) { try NemesisPlan.make(s, nodes: nodes, seed: 1, timeLimit: 10, file: "k.yml") }
        #expect(p.file == "k.yml" && p.line == 2 && p.field == "target")
        #expect(p.message.contains("'n9' is not a node of this test"))
    }
}
