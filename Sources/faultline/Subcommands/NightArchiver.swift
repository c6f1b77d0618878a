// NightArchiver: one night of a results folder as a .tar.gz whose pages work from file:// once unpacked.
import Foundation
import Store

/// NightArchiver copies a night's run folders and records into a staging folder shaped like a results
/// folder, writes its pages there (index.html, trends.html, each campaign's comparison page, any missing
/// report.html) so that every relative link resolves inside the archive, and packs it with the system
/// `tar -czf`: tar and gzip are on every Linux and macOS machine, so the archive unpacks anywhere with
/// `tar xzf` and Faultline carries no compression code of its own.
enum NightArchiver {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    struct Written {
        var path: String
        var bytes: Int
        var runs: Int
        var files: NightFiles
    }

    /// The folder name inside the archive, and the default archive name without `.tar.gz`.
    static func baseName(label: String, campaign: String?) -> String {
        (campaign.map { $0 + "-" } ?? "") + "night-" + label
    }

    static func defaultOut(results: String, label: String, campaign: String?) -> String {
        results + "/archive/" + baseName(label: label, campaign: campaign) + ".tar.gz"
    }

    /// Writes the archive of night `label` (of one campaign, or of all campaigns with that label) to `out`.
    static func archive(results: String, label: String, campaign: String? = nil, out: String) throws -> Written {
        // The label names the archive and its folder: never a path (a hand-edited record could hold one).
        guard NightIdentity.isValidLabel(label) else {
            throw Failure(description: "night '\(label)': not a night label (letters, digits, '.', '_', '-')")
        }
        guard let files = NightFiles.find(results: results, label: label, campaign: campaign) else {
            throw Failure(description: "\(results): no night '\(label)'\(campaign.map { " of campaign \($0)" } ?? "") (see trends.html for the nights kept)")
        }
        let fm = FileManager.default
        let staging = fm.temporaryDirectory.appendingPathComponent("faultline-archive-\(getpid())-\(UUID().uuidString)").path
        defer { try? fm.removeItem(atPath: staging) }
        let name = baseName(label: label, campaign: campaign)
        let root = staging + "/" + name
        do {
            for r in files.runs + files.records {
                let to = root + "/" + r
                try fm.createDirectory(atPath: (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try fm.copyItem(atPath: results + "/" + r, toPath: to)
            }
        } catch {
            throw Failure(description: "cannot copy night '\(label)' for its archive: \(error)")
        }
        // The pages of the staged folder link only inside it (relative links, no network).
        for r in files.runs where !fm.fileExists(atPath: root + "/" + r + "/report.html") { Publish.report(runDir: root + "/" + r) }
        _ = Publish.campaigns(results: root)
        Publish.trends(results: root)
        Publish.index(results: root)
        let outAbs = URL(fileURLWithPath: out).standardizedFileURL.path
        try? fm.createDirectory(atPath: (outAbs as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let partial = outAbs + ".partial"
        try? fm.removeItem(atPath: partial)
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "-czf", partial, "-C", staging, name]
        let err = Pipe()
        tar.standardError = err
        do { try tar.run() } catch { throw Failure(description: "cannot run tar: \(error)") }
        let message = err.fileHandleForReading.readDataToEndOfFile()
        tar.waitUntilExit()
        guard tar.terminationStatus == 0 else {
            try? fm.removeItem(atPath: partial)
            throw Failure(description: "tar failed (exit \(tar.terminationStatus)): \(String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        try? fm.removeItem(atPath: outAbs)
        do { try fm.moveItem(atPath: partial, toPath: outAbs) } catch { throw Failure(description: "cannot write \(outAbs): \(error)") }
        let bytes = (try? fm.attributesOfItem(atPath: outAbs)[.size] as? Int) ?? 0
        return Written(path: outAbs, bytes: bytes, runs: files.runs.count, files: files)
    }

    /// `faultline campaign --keep-nights N`: archives, then removes, the campaign's nights older than its
    /// newest N. A night whose archive cannot be written is kept.
    static func keep(_ n: Int, of campaign: String, results: String) {
        let records = NightStore.records(results: results).map(\.record).filter { $0.campaign == campaign }
        for night in Night.group(records).dropFirst(n) {
            do {
                let w = try archive(results: results, label: night.label, campaign: campaign,
                                    out: defaultOut(results: results, label: night.label, campaign: campaign))
                try w.files.remove(results: results)
                Campaign.say("night \(night.label) archived to \(w.path) (\(w.runs) runs, \(w.bytes) bytes) and removed")
            } catch {
                printError("warning: night \(night.label) kept: \(error)")
            }
        }
    }
}
