// Nights: SHA-256 vectors, how a cell is marked, grouping records into nights, regressions and first-seen
// anomalies, from records written by hand (no runs).
import Checker
import Foundation
import Store
import Testing

struct NightTrendsTests {
    @Test func sha256MatchesTheFIPSExamples() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(String(repeating: "a", count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    static func cell(_ p: String, night: Int, verdict: Validity?, ending: RunEnding = .checked, held: Bool) -> CampaignCell {
        CampaignCell(pipeline: p, workload: "register", nemesis: "none", seed: 1, run: "", ending: ending, verdict: verdict,
                     held: held, failures: held ? [] : ["x"], seconds: 1, ended: "2026110\(night)T000100Z")
    }

    @Test func harnessFailuresAreNeverAnomalies() {
        #expect(Self.cell("cp", night: 1, verdict: nil, ending: .cannotStart, held: false).mark == .harnessFailure)
        #expect(Self.cell("cp", night: 1, verdict: nil, ending: .badInput, held: false).mark == .harnessFailure)
        #expect(Self.cell("cp", night: 1, verdict: nil, held: false).mark == .harnessFailure)
        #expect(Self.cell("cp", night: 1, verdict: .invalid, ending: .interrupted, held: false).mark == .harnessFailure)
        #expect(Self.cell("cp", night: 1, verdict: .invalid, held: false).mark == .expectationFailed)
        #expect(Self.cell("ap", night: 1, verdict: .invalid, held: true).mark == .anomaly)
        #expect(Self.cell("cp", night: 1, verdict: .unknown, held: true).mark == .unknown)
        #expect(Self.cell("cp", night: 1, verdict: .valid, held: true).mark == .valid)
    }

    static func record(_ night: Int, _ cells: [CampaignCell], label: String? = nil, shard: Int = 1, version: String = "1") -> CampaignRecord {
        let id = NightIdentity(label: label ?? "n\(night)", campaignSHA256: "c", inputsSHA256: "i", faultlineVersion: "0.9.0",
                               components: [ComponentVersion(pipeline: "cp", component: "store", command: "v", version: "store \(version)")])
        return CampaignRecord(campaign: "k", file: "k.yml", started: "2026110\(night)T000000Z", finished: "2026110\(night)T001000Z",
                              shard: shard, shards: 2, matrixSize: 2, cells: cells, night: id)
    }

    @Test func regressionLooksPastHarnessFailuresAndShardsShareANight() throws {
        let records = [
            Self.record(1, [Self.cell("cp", night: 1, verdict: .valid, held: true)]),
            Self.record(1, [Self.cell("ap", night: 1, verdict: .valid, held: true)], shard: 2),
            Self.record(2, [Self.cell("cp", night: 2, verdict: nil, ending: .cannotStart, held: false)]),
            Self.record(3, [Self.cell("cp", night: 3, verdict: .invalid, held: false)], version: "2"),
            Self.record(4, [Self.cell("cp", night: 4, verdict: .invalid, held: false)], version: "2"),
        ]
        let nights = Night.group(records)
        #expect(nights.map(\.label) == ["n4", "n3", "n2", "n1"])
        #expect(nights[3].records.count == 2 && nights[3].cells.count == 2)
        let t = CampaignTrends.build(records: records, results: "/nonexistent")
        let cp = try #require(t.rows.first { $0.pipeline == "cp" })
        #expect(cp.entries.map { $0?.mark } == [.expectationFailed, .expectationFailed, .harnessFailure, .valid])
        // n3 regressed (n2 was the harness's, n1 held); n4 failed after a failure: no regression.
        #expect(cp.entries.map { $0?.regression ?? false } == [false, true, false, false])
        let ap = try #require(t.rows.first { $0.pipeline == "ap" })
        #expect(ap.entries.map { $0 == nil } == [true, true, true, false])
        #expect(t.changes[1] == ["cp.store: store 1 → store 2"])
        #expect(t.changes[0].isEmpty)
    }

    @Test func nightLabels() {
        #expect(NightIdentity.isValidLabel("2026-11-30"))
        #expect(NightIdentity.isValidLabel("20261130T020000Z"))
        #expect(!NightIdentity.isValidLabel("../x"))
        #expect(!NightIdentity.isValidLabel(".hidden"))
        #expect(!NightIdentity.isValidLabel("a b"))
        #expect(!NightIdentity.isValidLabel(String(repeating: "a", count: 65)))
    }
}
