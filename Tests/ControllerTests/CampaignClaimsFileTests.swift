// The `claims:` section of a campaign file: parsed with its defaults, and every problem named by file,
// line and field (a pipeline, nemesis or component not in the matrix, an unknown model or measure).
@testable import Controller
import Foundation
import InputFiles
import Store
import Testing

struct CampaignClaimsFileTests {
    static let root = CLIRunner.root.path

    static func campaign(_ claims: String) -> String {
        """
        name: c
        time_limit: 5s
        pipelines: [\(root)/pipelines/ap.yml, \(root)/pipelines/cp.yml]
        workloads: [\(root)/workloads/pipeline.yml]
        nemeses: [\(root)/nemesis/partition-broker-leader.yml, \(root)/nemesis/kill.yml]
        claims:
        \(claims)
        """
    }

    static func problems(_ claims: String) -> [InputProblem] {
        do {
            _ = try CampaignFile.parse(text: campaign(claims), file: "/tmp/c.yml")
            return []
        } catch let e as InputError { return e.problems } catch { return [] }
    }

    @Test func claimsParseWithTheirDefaults() throws {
        let c = try CampaignFile.parse(text: Self.campaign("""
              - name: Kafka
                component: broker
                model: AP
                tradeoff: stays available; may lose events
                pipelines: [ap]
                nemeses: [partition-broker-leader]
                min_available: 0.75
              - {name: Redshift, component: warehouse, model: cp, tradeoff: "fails, never stale", measure: [stale], faulted: [warehouse, api]}
              - {name: CDC, component: connector, model: CP, tradeoff: nothing lost, measure: [lost], hops: [broker->store]}
            """), file: "/tmp/c.yml")
        try #require(c.claims.count == 3)
        #expect(c.claims[2].hops == ["broker->store"] && c.claims[0].hops == nil)
        #expect(c.claims[0] == Claim(name: "Kafka", component: "broker", model: .ap, tradeoff: "stays available; may lose events",
                                     pipelines: ["ap"], nemeses: ["partition-broker-leader"], faulted: ["broker"], measure: [.availability],
                                     minAvailable: 0.75))
        // Without pipelines or nemeses a claim is tested by the whole matrix.
        #expect(c.claims[1].pipelines == ["ap", "cp"] && c.claims[1].nemeses == ["partition-broker-leader", "kill"])
        #expect(c.claims[1].model == .cp && c.claims[1].measure == [.stale] && c.claims[1].faulted == ["warehouse", "api"])
    }

    @Test func badClaimsNameFileLineAndField() {
        let p = Self.problems("""
              - name: Kafka
                component: broker
                model: AP
                tradeoff: stays available
                pipelines: [ap, nosuch]
                nemeses: [partition-broker-leader, partition-halves]
              - name: Redshift
                component: lake
                model: BASE
                tradeoff: never stale
                measure: [speed]
                colour: red
              - name: Cache
                model: AP
                tradeoff: stale
                measure: [stale]
                min_available: 1.5
            """)
        let shown = p.map(\.description).joined(separator: "\n")
        func has(_ line: Int, _ field: String, _ words: String) -> Bool {
            p.contains { $0.file == "/tmp/c.yml" && $0.line == line && $0.field == field && $0.message.contains(words) }
        }
        #expect(has(11, "claims[1].pipelines", "no pipeline named 'nosuch' in this campaign (ap, cp)"), "\(shown)")
        #expect(has(12, "claims[1].nemeses", "no nemesis named 'partition-halves'"), "\(shown)")
        #expect(has(14, "claims[2].component", "no component 'lake'"), "\(shown)")
        #expect(has(15, "claims[2].model", "expected AP or CP"), "\(shown)")
        #expect(has(17, "claims[2].measure", "expected availability, lost or stale"), "\(shown)")
        #expect(has(18, "claims[2].colour", "unknown field"), "\(shown)")
        #expect(has(19, "claims[3].component", "missing"), "\(shown)")
        #expect(p.contains { $0.line == 23 && $0.field == "claims[3].min_available" }, "\(shown)")
        #expect(Self.problems("  []").first?.field == "claims")
        let h = Self.problems("  - {name: C, component: connector, model: CP, tradeoff: t, measure: [stale], hops: [broker]}")
        #expect(h.map(\.field) == ["claims[1].hops", "claims[1].hops"] && h.first?.line == 7, "\(h.map(\.description))")
    }

    /// The shipped CAP campaign parses: every seed claim names runs of its matrix.
    @Test func capCampaignClaimsParse() throws {
        let c = try CampaignFile.load(path: Self.root + "/campaigns/cap.yml")
        #expect(c.claims.map(\.name).prefix(4) == ["Kafka", "S3 data lake", "Redshift", "Redis cache in the query API"])
        #expect(c.claims.allSatisfy { !$0.pipelines.isEmpty && !$0.nemeses.isEmpty })
        #expect(Set(c.claims.map(\.component)).isSuperset(of: ["broker", "store", "warehouse", "cache", "api", "connector"]))
        #expect(c.cells.count == 8)
    }
}
