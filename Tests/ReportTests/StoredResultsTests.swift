// The report draws the fault and outcome windows the checkers stored in results.json; campaign records
// keep a typed verdict and ending (and read the older exitStatus/"none" form); RunFolder names every file.
import FaultlineTesting
import Foundation
import Report
import Store
import Testing

struct StoredResultsTests {
    static let root = CLIProcess.packageRoot()
    static var faultline: String { CLIProcess.binary("faultline") }

    /// A Jepsen-style history: plain `start` / `stop` nemesis ops around a failed write.
    static let jepsenHistory = """
        {"index":0,"time":0,"process":0,"type":"invoke","f":"write","key":"k1","value":1}
        {"index":1,"time":100000000,"process":0,"type":"ok","f":"write","key":"k1","value":1}
        {"index":2,"time":500000000,"process":"nemesis","type":"info","f":"start","value":null}
        {"index":3,"time":600000000,"process":1,"type":"invoke","f":"write","key":"k1","value":2}
        {"index":4,"time":700000000,"process":1,"type":"fail","f":"write","key":"k1","value":2}
        {"index":5,"time":1500000000,"process":"nemesis","type":"info","f":"stop","value":null}
        {"index":6,"time":2000000000,"process":2,"type":"invoke","f":"read","key":"k1","value":null}
        {"index":7,"time":2100000000,"process":2,"type":"ok","f":"read","key":"k1","value":1}

        """

    @Test func reportShadesTheFaultWindowsStoredInResults() throws {
        let results = TestSupport.tempDir("stored")
        defer { try? FileManager.default.removeItem(atPath: results) }
        let dir = KnownRun.write(results: results)
        _ = FileManager.default.createFile(atPath: RunFolder(dir).history, contents: Data(Self.jepsenHistory.utf8))
        let r = try CLIProcess.run(Self.faultline, ["analyze", "--quiet", dir], cwd: Self.root, timeout: 60)
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        let run = try StoredRun.load(dir: dir)
        let timeline = try #require(run.results?.summary.timeline)
        // Jepsen's plain start/stop is a fault window by the checkers' rule, and the report shades it.
        #expect(timeline.faults.map(\.fault) == ["fault"])
        let html = try String(contentsOfFile: RunFolder(dir).report, encoding: .utf8)
        #expect(html.contains("<title>fault 0.5 s"), "no shaded fault window")

        // The page draws what results.json holds, not a window derived again from the history.
        let text = try String(contentsOfFile: RunFolder(dir).results, encoding: .utf8)
        let tampered = text.replacingOccurrences(of: "\"fault\":\"fault\"", with: "\"fault\":\"stored-window\"")
        try #require(tampered != text)
        try tampered.write(toFile: RunFolder(dir).results, atomically: true, encoding: .utf8)
        let page = RunReport.render(try StoredRun.load(dir: dir))
        #expect(page.contains("<title>stored-window 0.5 s"))
        #expect(!page.contains("<title>fault "))
    }

    @Test func campaignCellsKeepATypedVerdictAndReadOldRecords() throws {
        let cell = CampaignCell(pipeline: "cp", workload: "register", nemesis: "none", seed: 1, run: "", ending: .cannotStart,
                                verdict: nil, held: false, failures: ["x"], seconds: 1, ended: "20261130T000000Z")
        let data = try JSONEncoder().encode(cell)
        let json = String(decoding: data, as: UTF8.self)
        #expect(json.contains("\"ending\":\"cannot-start\""))
        #expect(!json.contains("\"verdict\""))  // no verdict: absent, never a "none" string
        #expect(try JSONDecoder().decode(CampaignCell.self, from: data) == cell)
        // A record written before `ending`: exitStatus and a "none" verdict.
        func old(_ status: Int, _ verdict: String) throws -> CampaignCell {
            let text = """
                {"pipeline":"cp","workload":"register","nemesis":"none","seed":1,"run":"t/s","exitStatus":\(status),
                 "verdict":"\(verdict)","held":true,"failures":[],"seconds":2,"ended":"20261129T000000Z"}
                """
            return try JSONDecoder().decode(CampaignCell.self, from: Data(text.utf8))
        }
        #expect(try old(4, "none").ending == .cannotStart)
        #expect(try old(4, "none").verdict == nil)
        #expect(try old(2, "none").ending == .badInput)
        #expect(try old(130, "unknown").ending == .interrupted)
        #expect(try old(1, "invalid").verdict == .invalid)
        #expect(try old(1, "invalid").ending == .checked)
    }

    @Test func runFolderNamesEveryFile() {
        let f = RunFolder("/r/t/20261130T000000Z")
        #expect(f.history == "/r/t/20261130T000000Z/history.jsonl")
        #expect(f.results == "/r/t/20261130T000000Z/results.json")
        #expect(f.node("store-1") == "/r/t/20261130T000000Z/nodes/store-1")
        #expect(f.latestLink == "/r/t/latest")
        #expect(Set(RunFolder.File.allCases.map(\.name)).count == RunFolder.File.allCases.count)
    }

    @Test func latestThatIsNotOurLinkIsLeftAlone() throws {
        let results = TestSupport.tempDir("latest")
        defer { try? FileManager.default.removeItem(atPath: results) }
        let f = try RunFolder.create(results: results, test: "t")
        // A real folder named latest is recorded data: never deleted to make the link.
        try FileManager.default.createDirectory(atPath: f.latestLink, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: f.latestLink + "/keep", contents: Data("x".utf8))
        #expect(f.linkLatest() == false)
        #expect(FileManager.default.fileExists(atPath: f.latestLink + "/keep"))
        try FileManager.default.removeItem(atPath: f.latestLink)
        #expect(f.linkLatest())
        #expect(f.linkLatest())  // our own link is replaced
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: f.latestLink) == (f.path as NSString).lastPathComponent)
    }
}
