// Publish: after a run or a campaign, the pages made from the store (report.html, index.html, comparisons).
import Foundation
import Report
import Store

/// Publish writes the HTML a results folder shows. A page that cannot be written is a warning: the
/// verdict of a run never depends on its report.
enum Publish {
    /// report.html of a run folder; returns its path.
    @discardableResult
    static func report(runDir: String) -> String? {
        do {
            return try RunReport.write(try StoredRun.load(dir: runDir))
        } catch {
            printError("warning: no report for \(runDir): \(error)")
            return nil
        }
    }

    /// `results/index.html`; returns its path.
    @discardableResult
    static func index(results: String) -> String? {
        do { return try IndexPage.write(results: results) } catch {
            printError("warning: cannot write \(results)/index.html: \(error)")
            return nil
        }
    }

    /// `results/trends.html` (every campaign over its nights); returns its path.
    @discardableResult
    static func trends(results: String) -> String? {
        do { return try TrendsPage.write(results: results) } catch {
            printError("warning: cannot write \(results)/trends.html: \(error)")
            return nil
        }
    }

    /// Comparison page and junit.xml of every campaign under `results` (merging all their records), and
    /// the claims page of each campaign with claims.
    static func campaigns(results: String, only name: String? = nil) -> [String: String] {
        var pages: [String: String] = [:]
        for c in ResultsTree.scan(results).campaigns where name == nil || c.name == name {
            do {
                pages[c.name] = try ComparisonPage.write(c, results: results)
                try ClaimsPage.write(c, results: results)
            } catch {
                printError("warning: cannot write the pages of campaign \(c.name): \(error)")
            }
        }
        return pages
    }

    /// The results folder a run folder lives in (`<results>/<test>/<stamp>`).
    static func resultsDir(ofRun runDir: String) -> String {
        ((runDir as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
    }
}
