// report.html, index.html and the comparison page of known runs: verdicts, counts, example ops, escaping, no external URL.
import FaultlineTesting
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Report
import Store
import Testing

/// Finds what would make a page reach outside itself: external src/href, CSS imports or url(), scripts.
func externalReferences(_ html: String) -> [String] {
    let patterns = [#"(?i)(src|href|action)\s*=\s*["']?\s*(https?:|//|ftp:|data:)"#, #"(?i)@import"#, #"(?i)url\s*\("#,
                    #"(?i)<script"#, #"(?i)<link"#, #"(?i)<iframe"#, #"(?i)https?://"#]
    var found: [String] = []
    for p in patterns {
        let re = try! NSRegularExpression(pattern: p)
        for m in re.matches(in: html, range: NSRange(html.startIndex..., in: html)).prefix(3) {
            let r = Range(m.range, in: html)!
            found.append(String(html[html.index(r.lowerBound, offsetBy: -min(40, html.distance(from: html.startIndex, to: r.lowerBound)))..<r.upperBound]))
        }
    }
    return found
}

struct ReportPageTests {
    static let root = CLIProcess.packageRoot()
    static var faultline: String { CLIProcess.binary("faultline") }

    @Test func analyzeWritesReportWithVerdictsCountsExamplesEscaped() throws {
        let results = TestSupport.tempDir("report")
        defer { try? FileManager.default.removeItem(atPath: results) }
        let dir = KnownRun.write(results: results)
        let r = try CLIProcess.run(Self.faultline, ["analyze", dir], cwd: Self.root, timeout: 60)
        #expect(r.status == 1, "the stale read makes the run invalid: \(r.stdout) \(r.stderr)")
        let run = try StoredRun.load(dir: dir)
        let results1 = try #require(run.results)
        #expect(results1.valid == .invalid)
        let lin = try #require(results1.verdicts.first { $0.checker == "linearizable" })
        #expect(lin.valid == .invalid)
        let html = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
        // Verdict per checker with its counts.
        for v in results1.verdicts {
            #expect(html.contains(">\(v.checker)</td>"), "checker \(v.checker) listed")
            for (k, n) in v.counts where n > 0 { #expect(html.contains("<b>\(k)</b>&nbsp;\(n)"), "\(v.checker) count \(k)=\(n)") }
        }
        #expect(html.contains("INVALID"))
        // Example ops of the anomalies: the stale read (op index 6, value 1 on k1, from store-3) and the failed write.
        let stale = try #require(results1.verdicts.first { $0.checker == "staleness" })
        #expect(stale.counts["stale-read"] == 1)
        #expect(html.contains("<b>stale-read</b>"))
        #expect(html.contains("&quot;node&quot;:&quot;store-3&quot;") || html.contains("\"node\":\"store-3\""))
        #expect(html.contains("Processes around op"), "a timeline around an anomaly")
        // Charts, nemesis events, logs.
        #expect(html.contains("<svg"))
        #expect(html.contains("start-partition"))
        #expect(html.contains("href=\"nodes/store-1/stderr.log\""))
        // The hostile string is never raw, and shows escaped.
        #expect(!html.contains(KnownRun.hostile))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(externalReferences(html).isEmpty, "\(externalReferences(html))")
        // The index lists the run with its verdict.
        let index = try String(contentsOfFile: results + "/index.html", encoding: .utf8)
        #expect(index.contains("known/20261125T010203Z/report.html"))
        #expect(index.contains("INVALID"))
        #expect(externalReferences(index).isEmpty)
    }

    @Test func analyzeKeepsWhatATruncatedHistoryHolds() throws {
        let results = TestSupport.tempDir("report-trunc")
        defer { try? FileManager.default.removeItem(atPath: results) }
        let dir = KnownRun.write(results: results, truncated: true)
        let r = try CLIProcess.run(Self.faultline, ["analyze", dir], cwd: Self.root, timeout: 60)
        #expect(r.status == 1, "\(r.stderr)")
        let html = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
        #expect(html.contains("truncated"))
        #expect(FileManager.default.fileExists(atPath: results + "/known/latest/results.json"))
    }

    @Test func comparisonPageShowsPipelinesSideBySide() throws {
        let results = TestSupport.tempDir("compare")
        defer { try? FileManager.default.removeItem(atPath: results) }
        // Two runs of the known history, checked for real, then recorded as the AP and CP cells of a campaign.
        var cells: [CampaignCell] = []
        for (p, stamp) in [("ap", "20261125T010000Z"), ("cp", "20261125T010100Z")] {
            let dir = KnownRun.write(results: results, test: "c-register-\(p)-none-s1", stamp: stamp)
            _ = try CLIProcess.run(Self.faultline, ["analyze", "--quiet", dir], cwd: Self.root, timeout: 60)
            let run = try StoredRun.load(dir: dir)
            cells.append(CampaignCell(pipeline: p, workload: "register", nemesis: "none", seed: 1,
                                      run: "c-register-\(p)-none-s1/\(stamp)", ending: .checked,
                                      verdict: run.valid, held: p == "ap",
                                      failures: p == "ap" ? [] : ["expected the run to be valid, it was \(KnownRun.hostile)"],
                                      seconds: 3, ended: stamp))
        }
        let record = CampaignRecord(campaign: "c", file: "c.yml", started: "20261125T005900Z", finished: "20261125T010200Z",
                                    shard: 1, shards: 1, matrixSize: 2, cells: cells)
        try record.write(results: results)
        let tree = ResultsTree.scan(results)
        try #require(tree.campaigns.count == 1)
        #expect(tree.runs.count == 2)
        #expect(tree.runs.first?.test == "c-register-cp-none-s1", "newest first")
        let page = try ComparisonPage.write(tree.campaigns[0], results: results)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("register × none"))
        #expect(html.contains("<th>ap<br>") && html.contains("<th>cp<br>"))
        #expect(html.contains("INVALID"))
        #expect(html.contains("linearizable:<br>"), "anomalies found, with counts")
        #expect(html.contains("<th>stale</th><td class=\"n\">1</td>"), "the stale read counted")
        #expect(html.contains("held") && html.contains("failed"))
        #expect(html.contains("../../c-register-ap-none-s1/20261125T010000Z/report.html"))
        #expect(!html.contains(KnownRun.hostile))
        #expect(html.contains("&lt;script&gt;"))
        #expect(externalReferences(html).isEmpty, "\(externalReferences(html))")
        let junit = try String(contentsOfFile: results + "/campaigns/c/junit.xml", encoding: .utf8)
        #expect(junit.contains("tests=\"2\" failures=\"1\""))
        #expect(junit.contains("<failure"))
        #expect(!junit.contains(KnownRun.hostile))
        #expect(XMLParser(data: Data(junit.utf8)).parse(), "junit.xml is well-formed XML")
    }
}

/// JUnit XML stays well-formed whatever a campaign record holds (U+FFFE, U+FFFF, control bytes).
struct JUnitXMLTests {
    @Test func xmlInvalidCharactersNeverReachTheFile() throws {
        let odd: String = "bad\u{FFFE}\u{FFFF}\u{1}\u{1B}[31m<&>\"'"
        let pipeline: String = "cp\(odd)", run: String = "r\(odd)", failure: String = "expected valid\(odd)"
        let cell = CampaignCell(pipeline: pipeline, workload: "w", nemesis: "n", seed: 1, run: run, ending: .checked,
                                verdict: .invalid, held: false, failures: [failure], seconds: 1, ended: "x")
        let xml = JUnitWriter.render(campaign: "c\(odd)", cells: [cell])
        final class Errors: NSObject, XMLParserDelegate {
            var error: Error?
            func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { error = parseError }
        }
        let parser = XMLParser(data: Data(xml.utf8))
        let errors = Errors()
        parser.delegate = errors
        #expect(parser.parse(), "\(String(describing: errors.error)): \(xml)")
        #expect(!xml.unicodeScalars.contains { $0.value == 0xFFFE || $0.value == 0xFFFF || $0.value == 1 || $0.value == 0x1B })
        #expect(xml.contains("&lt;&amp;&gt;&quot;&apos;"))
    }
}
