// ScheduleTests: shipped schedules parse; bad ones fail with file, line and field; plans are seeded.
import Foundation
import InputFiles
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
            ScheduledFault(at: 1, duration: 1.5, fault: .latency(delayMs: 20, jitterMs: 0, target: .node("n3")), line: 9),
            ScheduledFault(at: 2, duration: 0.5, fault: .partition(.oneWay(from: .node("n1"), to: .node("n2"))), line: 3),
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
        } catch let e as InputError {
            let lines = e.description.split(separator: "\n").map(String.init)
            #expect(lines.contains("nemesis/bad.yml:4: field events[0].duration: expected a duration such as 5s, 250ms or 2m"))
            #expect(lines.contains { $0.hasPrefix("nemesis/bad.yml:8: field events[1].fault: unknown fault 'explode'") })
            #expect(lines.contains { $0.hasPrefix("nemesis/bad.yml:12: field events[2].colour: unknown field") })
            #expect(lines.contains { $0.hasPrefix("nemesis/bad.yml:9: field events[2].duration: missing") })
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func badYAMLNamesTheLineAndTheParsersReason() throws {
        let e = try #require(throws: InputError.self) { try NemesisSchedule.parse(yaml: "name: x\nevents: [\n  - at: 1s", file: "x.yml") }
        #expect(e.file == "x.yml" && e.field == "yaml" && e.line == 3)
        #expect(e.message.hasPrefix("invalid YAML: "))
        #expect(e.message.count > "invalid YAML: ".count + 10)
    }

    @Test func unknownTargetNodeNamesItsFileAndLine() throws {
        let s = try NemesisSchedule.parse(yaml: "name: k\nevents:\n  - {at: 1s, duration: 1s, fault: kill, target: n9}", file: "k.yml")
        let e = try #require(throws: InputError.self) { try NemesisPlan.make(s, nodes: nodes, seed: 1, timeLimit: 10, file: "k.yml") }
        #expect(e.file == "k.yml" && e.line == 3 && e.field == "target")
        #expect(e.message.contains("'n9' is not a node of this test"))
    }

    @Test func outOfRangeNumbersAreProblemsAtTheirLines() throws {
        let yaml = """
            name: big
            events:
              - {at: 99999999999999999999s, duration: 1s, fault: kill}
              - {at: 1s, duration: 1s, fault: latency, delay_ms: .nan}
              - {at: 1s, duration: 1s, fault: bandwidth, bytes_per_second: 1e300}
            """
        let e = try #require(throws: InputError.self) { try NemesisSchedule.parse(yaml: yaml, file: "n.yml") }
        #expect(e.problems.map(\.line) == [3, 4, 5])
        #expect(e.problems.map(\.field) == ["events[0].at", "events[1].delay_ms", "events[2].bytes_per_second"])
        #expect(e.problems.allSatisfy { $0.message.hasPrefix("must be between") })
    }

    @Test func aTinyRandomIntervalIsRefused() throws {
        let e = try #require(throws: InputError.self) {
            try NemesisSchedule.parse(yaml: "random: {interval: 1ms, duration: 1ms, faults: [{fault: kill}]}", file: "r.yml")
        }
        #expect(e.field == "random.interval")
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
