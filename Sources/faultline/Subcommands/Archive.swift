// `faultline archive NIGHT|--before DATE`: one .tar.gz per night, its pages working from file:// once unpacked.
import ArgumentParser
import Foundation
import Store

/// `faultline archive` packs a night (its run folders, campaign records and pages) into
/// `results/archive/night-<label>.tar.gz`; with `--remove`, the night then leaves the results folder
/// and the pages are rebuilt without it (as `faultline campaign --keep-nights N` does).
struct Archive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Archive a night (or every night before a date) as .tar.gz whose pages open from file:// once unpacked.",
        discussion: "Unpack with `tar xzf FILE` and open <folder>/index.html or trends.html. docs/nightly.md. "
            + "Exit status: 0 written, 2 bad input (no such night, bad date) or an archive that could not be written."
    )

    @Argument(help: "The night's label (as trends.html shows it).") var night: String?
    @Option(help: "Archive every night that started before DATE (YYYY-MM-DD or a UTC stamp 20261130T000000Z).") var before: String?
    @Option(help: "Results folder.") var results: String = "results"
    @Option(help: "The archive file (one night), or with --before the folder for the archives. Default: RESULTS/archive/.") var out: String?
    @Option(help: "Only this campaign's part of the night.") var campaign: String?
    @Flag(help: "Remove the archived nights from the results folder and rebuild its pages.") var remove = false

    func validate() throws {
        guard (night == nil) != (before == nil) else { throw ValidationError("give a NIGHT or --before DATE (one of them)") }
        if let before, Archive.stamp(before) == nil { throw ValidationError("--before: expected YYYY-MM-DD or a UTC stamp like 20261130T000000Z (got '\(before)')") }
    }

    /// YYYY-MM-DD → its midnight stamp; a stamp as it is; nil otherwise.
    static func stamp(_ s: String) -> String? {
        if s.range(of: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", options: .regularExpression) != nil {
            let p = s.split(separator: "-")
            guard let m = Int(p[1]), let d = Int(p[2]), (1...12).contains(m), (1...31).contains(d) else { return nil }
            return p.joined() + "T000000Z"
        }
        return s.range(of: "^[0-9]{8}T[0-9]{6}Z$", options: .regularExpression) != nil ? s : nil
    }

    func run() async throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: results, isDirectory: &isDir), isDir.boolValue else {
            printError("\(results): no such results folder")
            throw ExitCode(ExitStatus.badInput)
        }
        var labels: [String]
        if let night {
            labels = [night]
        } else {
            let limit = Archive.stamp(before!)!
            labels = NightStore.nights(results: results).filter { campaign == nil || $0.campaign == campaign }
                .filter { $0.started < limit }.map(\.label)
            labels = Array(Set(labels)).sorted()
            if labels.isEmpty { print("no night started before \(before!) in \(results)") }
        }
        var failed = false
        for label in labels {
            let target: String
            if let out, night != nil { target = out }
            else if let out { target = out + "/" + NightArchiver.baseName(label: label, campaign: campaign) + ".tar.gz" }
            else { target = NightArchiver.defaultOut(results: results, label: label, campaign: campaign) }
            do {
                let w = try NightArchiver.archive(results: results, label: label, campaign: campaign, out: target)
                if remove { try w.files.remove(results: results) }
                print("night \(label): \(w.path) (\(w.runs) runs, \(w.bytes) bytes)\(remove ? ", removed from \(results)" : "")")
            } catch {
                printError("\(error)")
                failed = true
            }
        }
        if remove && !labels.isEmpty {
            _ = Publish.campaigns(results: results)
            Publish.trends(results: results)
            Publish.index(results: results)
        }
        if failed { throw ExitCode(ExitStatus.badInput) }
    }
}
