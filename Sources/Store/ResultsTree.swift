// ResultsTree: every run and campaign under a results folder, for the index and comparison pages.
import Checker
import Foundation

/// RunEntry is one run as the index lists it.
public struct RunEntry: Sendable {
    /// `<test>/<stamp>`, relative to the results folder.
    public var path: String
    public var test: String
    public var stamp: String
    public var valid: RunValidity?
    /// Each checker's validity, in results.json order.
    public var checkers: [(name: String, valid: RunValidity)]
    public var hasReport: Bool
    public var parameters: [(key: String, value: String)]
}

/// ResultsTree scans `results/`: `<test>/<stamp>/test.yml` are runs; `campaigns/<name>/records/*.json`
/// are campaign records. Unreadable entries are skipped (a half-copied shard must not stop the index).
public struct ResultsTree: Sendable {
    public var root: String
    /// Every run, newest first.
    public var runs: [RunEntry]
    /// Every campaign, most recently updated first.
    public var campaigns: [CampaignView]

    public static func scan(_ root: String) -> ResultsTree {
        let fm = FileManager.default
        var runs: [RunEntry] = []
        for test in ((try? fm.contentsOfDirectory(atPath: root)) ?? []).sorted() where test != "campaigns" {
            let tdir = root + "/" + test
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: tdir, isDirectory: &isDir), isDir.boolValue else { continue }
            for stamp in RunFolder.runs(ofTest: tdir) {
                guard let r = try? StoredRun.load(dir: tdir + "/" + stamp) else { continue }
                runs.append(RunEntry(path: test + "/" + stamp, test: test, stamp: stamp, valid: r.valid,
                                     checkers: r.results?.verdicts.map { ($0.checker, $0.valid) } ?? [],
                                     hasReport: fm.fileExists(atPath: RunFolder(r.dir).report), parameters: r.parameters))
            }
        }
        runs.sort { ($0.stamp, $0.test) > ($1.stamp, $1.test) }
        var campaigns: [CampaignView] = []
        let cdir = root + "/campaigns"
        for name in ((try? fm.contentsOfDirectory(atPath: cdir)) ?? []).sorted() {
            let rdir = cdir + "/" + name + "/records"
            let records = ((try? fm.contentsOfDirectory(atPath: rdir)) ?? []).filter { $0.hasSuffix(".json") }
                .compactMap { try? CampaignRecord.read(path: rdir + "/" + $0) }
            if !records.isEmpty { campaigns.append(CampaignView(name: name, folder: "campaigns/" + name, records: records)) }
        }
        campaigns.sort { ($0.updated, $0.name) > ($1.updated, $1.name) }
        return ResultsTree(root: root, runs: runs, campaigns: campaigns)
    }
}
