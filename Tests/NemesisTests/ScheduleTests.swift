// ScheduleTests: shipped schedules parse; bad ones fail with file, line and field; plans are seeded.
import Foundation
import Nemesis
import Testing

struct ScheduleTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("nemesis").path
    let nodes = ["n1", "n2", "n3", "n4", "n5"]

    @Test(arguments: ["none", "kill", "pause", "partition-halves", "partition-leader", "partition-ring", "latency", "mixed"])
    func shippedScheduleLoads(name: String) throws {
        let s = try NemesisSchedule.load(path: "\(Self.dir)/\(name).yml")
        #expect(s.name == name)
        let plan = try NemesisPlan.make(s, nodes: nodes, seed: 1, timeLimit: 60)
        #expect(name == "none" ? plan.isEmpty : plan.count >= 5)
    }

    @Test func fixedEventsParse() throws {
        let s = try NemesisSchedule.parse(yaml: """
            name: t
            events:
              - at: 2s
                duration: 500ms
                fault: partition
                shape: one-way
                from: n1
                to: n2
              - at: 1s
                duration: 1.5
                fault: latency
                delay_ms: 20
                target: n3
            """, file: "t.yml")
        #expect(s.mode == .fixed([
            ScheduledFault(at: 1, duration: 1.5, fault: .latency(delayMs: 20, jitterMs: 0, target: .node("n3"))),
            ScheduledFault(at: 2, duration: 0.5, fault: .partition(.oneWay(from: .node("n1"), to: .node("n2")))),
        ]))
    }

    @Test func everyProblemIsReportedWithFileLineAndField() {
        let yaml = """
            name: bad
            events:
              - at: 2s
                duration: soon
                fault: kill
              - at: 3s
                duration: 1s
                fault: explode
              - at: 4s
                fault: partition
                shape: halves
                colour: red
            """
        do {
            _ = try NemesisSchedule.parse(yaml: yaml, file: "nemesis/bad.yml")
            Issue.record("a bad schedule must not load")
        } catch let e as ScheduleError {
            let lines = e.description.split(separator: "\n").map(String.init)
            #expect(lines.contains("nemesis/bad.yml:4: events[0].duration: 'soon' is not a duration (e.g. 5s, 250ms, 2m)"))
            #expect(lines.contains { $0.hasPrefix("nemesis/bad.yml:8: events[1].fault: unknown fault 'explode'") })
            #expect(lines.contains { $0.hasPrefix("nemesis/bad.yml:12: events[2].colour: unknown field") })
            #expect(lines.contains { $0.hasPrefix("nemesis/bad.yml:9: events[2].duration: missing") })
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func badYAMLNamesTheLine() {
        #expect(throws: ScheduleError.self) { try NemesisSchedule.parse(yaml: "events: [\n  - at: 1s", file: "x.yml") }
    }

    @Test func unknownTargetNodeIsAPlanError() throws {
        let s = try NemesisSchedule.parse(yaml: "events:\n  - {at: 1s, duration: 1s, fault: kill, target: n9}", file: "k.yml")
        #expect(throws: PlanError.self) { try NemesisPlan.make(s, nodes: nodes, seed: 1, timeLimit: 10) }
    }

    @Test func sameSeedSamePlanOtherSeedOtherPlan() throws {
        let s = try NemesisSchedule.load(path: "\(Self.dir)/mixed.yml")
        let a = try NemesisPlan.make(s, nodes: nodes, seed: 42, timeLimit: 120)
        let b = try NemesisPlan.make(s, nodes: nodes, seed: 42, timeLimit: 120)
        let c = try NemesisPlan.make(s, nodes: nodes, seed: 43, timeLimit: 120)
        #expect(a == b)
        #expect(a != c)
        #expect(a.count == 15)
        #expect(a.allSatisfy { $0.at + $0.duration <= 120 })
    }
}
