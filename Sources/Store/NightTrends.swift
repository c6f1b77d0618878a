// NightTrends: a campaign over its nights: each cell's mark and figures per night, regressions, and
// when each kind of anomaly was first and last seen. What the trends page shows, computed from the store.
import Checker
import Foundation

/// One cell of the matrix on one night.
public struct NightEntry: Sendable {
    public var cell: CampaignCell
    public var mark: NightMark
    public var metrics: RunMetrics
    /// Checkers whose verdict was invalid (the kinds of anomaly this run showed).
    public var anomalyKinds: [String]
    /// The expectation failed tonight and held on the cell's previous night with a verdict.
    public var regression: Bool
    /// The run's page: `<test>/<stamp>/report.html`, or its folder when it has no report; nil if never run.
    public var link: String?
}

/// One row of the trends table: a matrix cell and its entry per night (nil: not run that night).
public struct CellTrend: Sendable {
    public var key: String
    public var pipeline: String
    public var workload: String
    public var nemesis: String
    public var seed: UInt64
    /// Aligned with `CampaignTrends.nights` (newest first).
    public var entries: [NightEntry?]
}

/// When one kind of anomaly (a checker's invalid verdict) was seen in a campaign.
public struct AnomalySighting: Sendable {
    public var kind: String
    public var firstSeen: String
    public var lastSeen: String
    public var nights: Int
    /// Cells ("pipeline × workload × nemesis seed N") that showed it.
    public var cells: [String]
}

public struct CampaignTrends: Sendable {
    public var name: String
    /// Newest first.
    public var nights: [Night]
    public var rows: [CellTrend]
    public var anomalies: [AnomalySighting]
    /// Changes of identity (files, versions) of each night from the night before it, aligned with `nights`.
    public var changes: [[String]]

    /// Regressions of the newest night: (row, entry).
    public var regressionsTonight: [CellTrend] {
        rows.filter { $0.entries.first??.regression == true }
    }

    public static func build(records: [CampaignRecord], results root: String) -> CampaignTrends {
        let nights = Night.group(records)
        let fm = FileManager.default
        // Rows: every cell key seen on any night, in the matrix order of the comparison page.
        var firstCell: [String: CampaignCell] = [:]
        for n in nights { for (k, c) in n.cells where firstCell[k] == nil { firstCell[k] = c } }
        let keys = firstCell.values.sorted {
            ($0.workload, $0.nemesis, $0.seed, $0.pipeline) < ($1.workload, $1.nemesis, $1.seed, $1.pipeline)
        }.map(\.key)
        var rows: [CellTrend] = []
        for key in keys {
            let c0 = firstCell[key]!
            var entries: [NightEntry?] = nights.map { n in
                guard let c = n.cells[key] else { return nil }
                // results.json alone (not test.yml): a 30-night page reads hundreds of runs.
                let results = c.run.isEmpty ? nil : StoredRun.readResults(RunFolder(root + "/" + c.run).results)
                let kinds = results?.verdicts.filter { $0.valid == .invalid }.map(\.checker) ?? []
                var link: String? = nil
                if !c.run.isEmpty && fm.fileExists(atPath: root + "/" + c.run) {
                    link = c.run + (fm.fileExists(atPath: root + "/" + c.run + "/report.html") ? "/report.html" : "/")
                }
                return NightEntry(cell: c, mark: c.mark, metrics: RunMetrics(summary: results?.summary ?? RunSummary()),
                                  anomalyKinds: c.mark == .harnessFailure ? [] : kinds, regression: false, link: link)
            }
            // Regression: failed tonight, held on the previous night that has a verdict (harness failures
            // and nights the cell did not run say nothing, so they are looked past).
            for i in entries.indices {
                guard let e = entries[i], e.mark == .expectationFailed else { continue }
                if let prev = entries[(i + 1)...].compactMap({ $0 }).first(where: { $0.mark != .harnessFailure }), prev.cell.held {
                    entries[i]!.regression = true
                }
            }
            rows.append(CellTrend(key: key, pipeline: c0.pipeline, workload: c0.workload, nemesis: c0.nemesis, seed: c0.seed, entries: entries))
        }
        // Anomaly kinds, oldest night first.
        var seen: [String: AnomalySighting] = [:]
        var order: [String] = []
        for i in nights.indices.reversed() {
            for r in rows {
                guard let e = r.entries[i] else { continue }
                for k in e.anomalyKinds {
                    let cell = "\(r.pipeline) × \(r.workload) × \(r.nemesis) seed \(r.seed)"
                    if var s = seen[k] {
                        if s.lastSeen != nights[i].label { s.nights += 1 }
                        s.lastSeen = nights[i].label
                        if !s.cells.contains(cell) { s.cells.append(cell) }
                        seen[k] = s
                    } else {
                        seen[k] = AnomalySighting(kind: k, firstSeen: nights[i].label, lastSeen: nights[i].label, nights: 1, cells: [cell])
                        order.append(k)
                    }
                }
            }
        }
        var changes: [[String]] = []
        for i in nights.indices {
            if i + 1 < nights.count, let now = nights[i].identity, let before = nights[i + 1].identity {
                changes.append(now.changes(since: before))
            } else {
                changes.append([])
            }
        }
        return CampaignTrends(name: records.first?.campaign ?? "", nights: nights, rows: rows,
                              anomalies: order.compactMap { seen[$0] }, changes: changes)
    }

    /// Every campaign of a results folder, most recently run first.
    public static func all(results root: String) -> [CampaignTrends] {
        var byCampaign: [String: [CampaignRecord]] = [:]
        for (_, r) in NightStore.records(results: root) { byCampaign[r.campaign, default: []].append(r) }
        return byCampaign.values.map { build(records: $0, results: root) }
            .sorted { ($0.nights.first?.started ?? "", $0.name) > ($1.nights.first?.started ?? "", $1.name) }
    }
}
