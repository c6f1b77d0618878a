// GrudgeTests: partition shapes are pure functions with the expected links cut.
import Nemesis
import Net
import Testing

struct GrudgeTests {
    let five = ["n1", "n2", "n3", "n4", "n5"]

    /// Who `a` can still reach under `g`.
    func reach(_ g: Grudge, _ a: String) -> Set<String> { Set(five).subtracting(g.cuts[a] ?? []) }

    @Test func halvesCutEveryLinkAcrossTheSplit() {
        let g = Grudge.halves(five)
        #expect(g.cuts["n1"] == ["n3", "n4", "n5"])
        #expect(g.cuts["n5"] == ["n1", "n2"])
        #expect(g.links.count == 2 * 3 * 2)
    }

    @Test func isolateCutsOneNodeBothWays() {
        let g = Grudge.isolate("n3", in: five)
        #expect(g.cuts["n3"] == ["n1", "n2", "n4", "n5"])
        #expect(g.cuts["n1"] == ["n3"])
        #expect(g.links.count == 8)
    }

    @Test func majoritiesRingGivesEachNodeADifferentMajority() {
        let g = Grudge.majoritiesRing(five)
        var seen: Set<Set<String>> = []
        for n in five {
            let r = reach(g, n)
            #expect(r.count == 3, "each node sees a majority")
            #expect(r.contains(n))
            seen.insert(r)
        }
        #expect(seen.count == 5, "no two nodes see the same majority")
    }

    @Test func bridgeNodeSeesBothSides() {
        let g = Grudge.bridge(five)
        #expect(g.cuts["n3"] == nil)
        #expect(reach(g, "n1") == ["n1", "n2", "n3"])
        #expect(reach(g, "n5") == ["n3", "n4", "n5"])
    }

    @Test func oneWayCutsOnlyOneDirection() {
        let g = Grudge.oneWay(from: "n1", to: "n2")
        #expect(g.links == [LinkID("n1", "n2")])
    }
}
