// NightHistory: a campaign's records grouped into nights, and every night of a results folder.
import Foundation

/// Night is one night of one campaign: every record (shard) carrying its label.
public struct Night: Sendable {
    public var label: String
    public var campaign: String
    /// The earliest start and the latest end of its records (UTC stamps); `finished` is empty while a
    /// record is unfinished.
    public var started: String
    public var finished: String
    public var records: [CampaignRecord]
    /// The first record's identity, with the component versions of every shard; nil for old records.
    public var identity: NightIdentity?
    /// The newest cell of each matrix position this night.
    public var cells: [String: CampaignCell]

    /// True when a record of the night never finished: its controller crashed, or was killed.
    public var unfinished: Bool { records.contains(where: \.unfinished) }

    /// The run folders (`<test>/<stamp>`, relative to the results folder) of every cell this night.
    public var runs: [String] { records.flatMap { $0.cells.map(\.run) }.filter { !$0.isEmpty } }

    /// Groups records by night label; newest night first (by start stamp, then label).
    public static func group(_ records: [CampaignRecord]) -> [Night] {
        var byLabel: [String: [CampaignRecord]] = [:]
        for r in records { byLabel[r.nightLabel, default: []].append(r) }
        var nights: [Night] = []
        for (label, rs) in byLabel {
            let sorted = rs.sorted { ($0.started, $0.shard) < ($1.started, $1.shard) }
            var identity = sorted.compactMap(\.night).first
            if identity != nil {
                for r in sorted { for c in r.night?.components ?? [] where !identity!.components.contains(c) { identity!.components.append(c) } }
            }
            var cells: [String: CampaignCell] = [:]
            for r in sorted { for c in r.cells where cells[c.key].map({ $0.ended <= c.ended }) ?? true { cells[c.key] = c } }
            let finished = sorted.contains(where: \.unfinished) ? "" : (sorted.map(\.finished).max() ?? "")
            nights.append(Night(label: label, campaign: sorted[0].campaign, started: sorted.map(\.started).min() ?? "",
                                finished: finished, records: sorted, identity: identity, cells: cells))
        }
        return nights.sorted { ($0.started, $0.label) > ($1.started, $1.label) }
    }
}

/// NightStore finds the nights of a results folder, over every campaign (archive and pruning work on
/// nights of all campaigns that share a label).
public enum NightStore {
    /// Every campaign's records: `<root>/campaigns/<name>/records/*.json`, with each record's file path.
    public static func records(results root: String) -> [(path: String, record: CampaignRecord)] {
        let fm = FileManager.default
        let cdir = root + "/campaigns"
        var out: [(String, CampaignRecord)] = []
        for name in ((try? fm.contentsOfDirectory(atPath: cdir)) ?? []).sorted() {
            let rdir = cdir + "/" + name + "/records"
            for f in ((try? fm.contentsOfDirectory(atPath: rdir)) ?? []).sorted() where f.hasSuffix(".json") {
                if let r = try? CampaignRecord.read(path: rdir + "/" + f) { out.append((rdir + "/" + f, r)) }
            }
        }
        return out
    }

    /// The nights of every campaign, newest first; nights of several campaigns sharing a label are
    /// separate entries with the same label.
    public static func nights(results root: String) -> [Night] {
        var byCampaign: [String: [CampaignRecord]] = [:]
        for (_, r) in records(results: root) { byCampaign[r.campaign, default: []].append(r) }
        return byCampaign.values.flatMap { Night.group($0) }.sorted { ($0.started, $0.label, $0.campaign) > ($1.started, $1.label, $1.campaign) }
    }

    /// Distinct night labels, newest first (by their earliest start).
    public static func labels(results root: String) -> [(label: String, started: String)] {
        var first: [String: String] = [:]
        for n in nights(results: root) { first[n.label] = min(first[n.label] ?? n.started, n.started) }
        return first.map { ($0.key, $0.value) }.sorted { ($0.started, $0.label) > ($1.started, $1.label) }
    }
}
