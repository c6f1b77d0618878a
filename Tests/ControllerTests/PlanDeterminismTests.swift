// The same seed gives the same op plan and the same nemesis plan; another seed gives another.
import Foundation
import Generator
import Nemesis
import Testing

@testable import Controller

struct PlanDeterminismTests {
    let weights: [(f: String, weight: Int)] = [("read", 2), ("write", 1), ("cas", 1)]

    @Test func sameSeedSameOpPlan() {
        let a = OpMix(kind: .register, weights: weights, keyCount: 3, seed: 7).plan(2000)
        let b = OpMix(kind: .register, weights: weights, keyCount: 3, seed: 7).plan(2000)
        let c = OpMix(kind: .register, weights: weights, keyCount: 3, seed: 8).plan(2000)
        #expect(a == b)
        #expect(a != c)
        // Every function of the mix shows up, and writes are unique per key.
        #expect(Set(a.map(\.f)) == ["read", "write", "cas"])
        var seen = Set<String>()
        for op in a where op.f == "write" || op.f == "cas" {
            let new = op.f == "write" ? op.value.intValue! : op.value.arrayValue![1].intValue!
            #expect(seen.insert("\(op.key!)/\(new)").inserted)
        }
    }

    @Test func weightsShapeTheMix() {
        let ops = OpMix(kind: .set, weights: [("add", 9), ("read", 1)], keyCount: 2, seed: 1).plan(5000)
        let adds = ops.filter { $0.f == "add" }.count
        #expect(adds > 4000 && adds < 4900)
        #expect(Set(ops.filter { $0.f == "add" }.map { $0.value }).count == adds)
    }

    @Test func logKeysNamePartitions() {
        let ops = OpMix(kind: .log, weights: [("produce", 1), ("poll", 1)], keyCount: 3, seed: 5).plan(300)
        #expect(Set(ops.compactMap(\.key)) == ["p0", "p1", "p2"])
        #expect(ops.filter { $0.f == "poll" }.allSatisfy { $0.value == .null })
    }

    @Test func sameSeedSameNemesisPlan() throws {
        let path = CLIRunner.root.appendingPathComponent("nemesis/partition-halves.yml").path
        let nodes = ["store-1", "store-2", "store-3"]
        let a = try NemesisPlan.load(path: path, nodes: nodes, seed: 7, timeLimit: 60)
        let b = try NemesisPlan.load(path: path, nodes: nodes, seed: 7, timeLimit: 60)
        #expect(!a.isEmpty)
        #expect(a == b)
    }

    @Test func ratePacesStartTimes() {
        let r = RateSchedule(rate: 100)
        #expect(r.startTime(of: 0) == 0)
        #expect(abs(r.startTime(of: 250) - 2.5) < 1e-9)
        #expect(RateSchedule(rate: 0).startTime(of: 1000) == 0)
    }
}
