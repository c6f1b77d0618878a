// NightFiles: what of a results folder belongs to one night (records and run folders), and removing it.
import Foundation

/// NightFiles lists the files of one night: its records (`campaigns/<name>/records/*.json`) and the run
/// folders their cells name, optionally of one campaign only. Archiving copies these; pruning removes them.
public struct NightFiles: Sendable {
    public var label: String
    /// Earliest start of the night's records (UTC stamp).
    public var started: String
    /// Record files, relative to the results folder.
    public var records: [String]
    /// Run folders (`<test>/<stamp>`), relative to the results folder, that exist.
    public var runs: [String]
    public var campaigns: [String]

    public static func find(results root: String, label: String, campaign: String? = nil) -> NightFiles? {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        let mine = NightStore.records(results: root).filter { $0.record.nightLabel == label && (campaign == nil || $0.record.campaign == campaign) }
        guard !mine.isEmpty else { return nil }
        let fm = FileManager.default
        var runs: [String] = []
        for (_, r) in mine { for c in r.cells where !c.run.isEmpty && !runs.contains(c.run) && fm.fileExists(atPath: prefix + c.run) { runs.append(c.run) } }
        return NightFiles(label: label, started: mine.map(\.record.started).min() ?? "",
                          records: mine.map { String($0.path.dropFirst(prefix.count)) }, runs: runs.sorted(),
                          campaigns: Array(Set(mine.map(\.record.campaign))).sorted())
    }

    /// Removes the night's run folders and records; re-points or removes each `latest` link left
    /// dangling and removes test folders left empty. Only paths this night's records name are touched.
    public func remove(results root: String) throws {
        let fm = FileManager.default
        let prefix = root.hasSuffix("/") ? root : root + "/"
        var tests = Set<String>()
        for r in runs {
            // A record names `<test>/<stamp>`; refuse anything else (a hand-edited record must not delete elsewhere).
            let parts = r.split(separator: "/")
            guard parts.count == 2, !parts.contains(where: { $0 == ".." || $0 == "." }) else { continue }
            try fm.removeItem(atPath: prefix + r)
            tests.insert(String(parts[0]))
        }
        for f in records { try fm.removeItem(atPath: prefix + f) }
        for t in tests {
            let dir = prefix + t
            let left = ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).filter { $0 != "latest" }.sorted()
            try? fm.removeItem(atPath: dir + "/latest")
            if let newest = left.last {
                try? fm.createSymbolicLink(atPath: dir + "/latest", withDestinationPath: newest)
            } else {
                try? fm.removeItem(atPath: dir)
            }
        }
    }
}
