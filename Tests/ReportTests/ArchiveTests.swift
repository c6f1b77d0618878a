// `faultline archive`: a generated 3-night store, one night packed, unpacked with tar, every page's links
// resolving inside the archive and none leaving it; --remove and --before.
import FaultlineTesting
import Foundation
import Store
import Testing

struct ArchiveTests {
    static let root = CLIProcess.packageRoot()

    static func tar(_ args: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["tar"] + args
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// A generated store of `nights` nights (the newest 2026-11-30) with every run's report.html.
    static func store(_ dir: String, nights: Int) throws -> String {
        let results = dir + "/results"
        let g = try CLIProcess.run(CLIProcess.binary("faultline-bench"), ["nights", results, String(nights), "200"], cwd: root, timeout: 120)
        #expect(g.status == 0, "\(g.stderr)")
        let r = try CLIProcess.run(CLIProcess.binary("faultline"), ["report", "--runs", results], cwd: root, timeout: 120)
        #expect(r.status == 0, "\(r.stderr)")
        return results
    }

    @Test func archiveRoundTripsWithWorkingLinks() throws {
        let dir = TestSupport.tempDir("archive")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let results = try Self.store(dir, nights: 3)
        // The results folder itself has no broken link either.
        let own = PageLinks.check(root: results)
        #expect(own.broken.isEmpty && own.external.isEmpty, "\(own.broken.prefix(5)) \(own.external.prefix(5))")

        let out = dir + "/n.tar.gz"
        let a = try CLIProcess.run(CLIProcess.binary("faultline"), ["archive", "2026-11-29", "--results", results, "--out", out], cwd: Self.root, timeout: 120)
        #expect(a.status == 0, "\(a.stdout) \(a.stderr)")
        #expect(a.stdout.contains("night 2026-11-29: ") && a.stdout.contains("(12 runs"))
        let unpacked = dir + "/unpacked"
        try FileManager.default.createDirectory(atPath: unpacked, withIntermediateDirectories: true)
        #expect(try Self.tar(["-xzf", out, "-C", unpacked]) == 0)
        let top = dir + "/unpacked/night-2026-11-29"
        for page in ["index.html", "trends.html", "campaigns/nightly/comparison.html"] {
            #expect(FileManager.default.fileExists(atPath: top + "/" + page), "\(page)")
        }
        let reports = (FileManager.default.enumerator(atPath: top)?.allObjects as? [String] ?? []).filter { $0.hasSuffix("/report.html") }
        #expect(reports.count == 12)
        let links = PageLinks.check(root: top)
        #expect(links.pages == 12 + 3)
        #expect(links.links > 12 * 5, "\(links.links) links")
        #expect(links.broken.isEmpty, "\(links.broken.prefix(10))")
        #expect(links.external.isEmpty, "\(links.external.prefix(10))")
        // Only that night: one column on its trends page.
        let trends = try #require(CampaignTrends.all(results: top).first)
        #expect(trends.nights.map(\.label) == ["2026-11-29"])
        // Archiving did not change the results folder.
        #expect(NightStore.labels(results: results).count == 3)

        // --before with --remove: the two older nights leave; the pages are rebuilt without them.
        let b = try CLIProcess.run(CLIProcess.binary("faultline"), ["archive", "--before", "2026-11-30", "--results", results, "--remove"], cwd: Self.root, timeout: 120)
        #expect(b.status == 0, "\(b.stdout) \(b.stderr)")
        #expect(FileManager.default.fileExists(atPath: results + "/archive/night-2026-11-28.tar.gz"))
        #expect(FileManager.default.fileExists(atPath: results + "/archive/night-2026-11-29.tar.gz"))
        #expect(NightStore.labels(results: results).map(\.label) == ["2026-11-30"])
        let after = PageLinks.check(root: results)
        #expect(after.broken.isEmpty, "\(after.broken.prefix(10))")
        let html = try String(contentsOfFile: results + "/trends.html", encoding: .utf8)
        #expect(html.contains("href=\"archive/night-2026-11-28.tar.gz\""))

        let missing = try CLIProcess.run(CLIProcess.binary("faultline"), ["archive", "1999-01-01", "--results", results], cwd: Self.root, timeout: 30)
        #expect(missing.status == 2 && missing.stderr.contains("no night '1999-01-01'"))
    }
}
