// ClaimEvidence: what the stored runs of a campaign show about one claim: held, refuted or not shown.
import Checker
import Foundation
import History

/// ClaimVerdict: a claim held (runs tested it and none contradicted it), was refuted (a run contradicted
/// it), or was not shown (no run tested it: none completed, or the faults never touched the component).
public enum ClaimVerdict: String, Codable, Sendable, Equatable {
    case held
    case refuted
    case notShown = "not shown"

    /// Several verdicts as one: a single counter-example refutes; one test that held, with none
    /// refuting, holds; otherwise nothing was shown.
    public static func merge<S: Sequence>(_ all: S) -> ClaimVerdict where S.Element == ClaimVerdict {
        var any = false
        for v in all {
            if v == .refuted { return .refuted }
            if v == .held { any = true }
        }
        return any ? .held : .notShown
    }
}

/// ClaimRunEvidence: one run's figures for a claim and what they mean for it.
public struct ClaimRunEvidence: Sendable {
    public var cell: CampaignCell
    public var verdict: ClaimVerdict
    /// Why, in one sentence (the page shows it).
    public var reason: String
    /// Nemesis ops that touched a node of the claim's faulted components.
    public var faultsOnComponent: Int
    /// Acknowledged writes or events lost, and the pipeline's hop of each loss ("broker→store": n).
    public var lost: Int?
    public var lostByHop: [String: Int]
    /// Stale reads or answers, and the worst of them (versions and seconds behind), when measured.
    public var stale: Int?
    public var staleMaxVersions: Int?
    public var staleMaxSeconds: Double?
    /// Client ops invoked while a fault was in force, by outcome (fail = refused, info = unknown).
    public var inFault: OutcomeCounts?
    /// The longest time any client function went without an ok op between two ok ops, in seconds (the
    /// availability checker's longest gap also counts the drain after the last op, so it is not used).
    public var longestOutage: Double?
}

/// ClaimEvidence is a claim judged on the runs that test it (the cells of its pipelines and nemeses).
public struct ClaimEvidence: Sendable {
    public var claim: Claim
    public var runs: [ClaimRunEvidence]

    public var verdict: ClaimVerdict { ClaimVerdict.merge(runs.map(\.verdict)) }

    /// The verdict of the runs of one pipeline (profile).
    public func verdict(pipeline: String) -> ClaimVerdict {
        ClaimVerdict.merge(runs.filter { $0.cell.pipeline == pipeline }.map(\.verdict))
    }

    /// Judges a claim on the campaign's newest cells; each run is read from `results` (the store).
    public static func judge(_ claim: Claim, cells: [CampaignCell], results root: String) -> ClaimEvidence {
        let mine = cells.filter { claim.pipelines.contains($0.pipeline) && claim.nemeses.contains($0.nemesis) }
        return ClaimEvidence(claim: claim, runs: mine.map { c in
            let run = c.run.isEmpty ? nil : try? StoredRun.load(dir: (root as NSString).appendingPathComponent(c.run))
            let history = (try? run?.loadHistory())?.history
            return judge(claim, cell: c, results: run?.results, faultHits: history.map { faultHits(claim, $0) } ?? 0,
                         outage: history.flatMap(longestOutage))
        })
    }

    /// Nemesis ops of a history that started a fault on a node of the claim's faulted components: any
    /// node name in the op's value (the nodes killed or paused, the ends of each cut or slowed link).
    public static func faultHits(_ claim: Claim, _ history: History) -> Int {
        history.ops.filter { op in
            op.process.isNemesis && op.f != "heal" && !op.f.hasPrefix("stop-") && strings(op.value).contains { claim.isFaulted(node: $0) }
        }.count
    }

    /// The longest interval between two consecutive ok completions of one client function, in seconds;
    /// nil when no function succeeded twice.
    public static func longestOutage(_ history: History) -> Double? {
        var last: [String: Int64] = [:]
        var worst: Int64?
        for op in history.ops where op.type == .ok && !op.process.isNemesis {
            if let t = last[op.f] { worst = max(worst ?? 0, op.time - t) }
            last[op.f] = max(last[op.f] ?? op.time, op.time)
        }
        return worst.map { Double($0) / 1e9 }
    }

    static func strings(_ v: JSONValue) -> [String] {
        switch v {
        case .string(let s): return [s]
        case .array(let a): return a.flatMap(strings)
        case .object(let o): return o.values.flatMap(strings)
        default: return []
        }
    }

    /// The rule, for one run (a pure function of what the store holds):
    /// - not shown: the run did not end checked (could not start: exit 4, bad input, interrupted), has no
    ///   results, or no fault touched the claim's components;
    /// - refuted: a measured figure contradicts the claim: `lost` > 0 (at the claim's `hops` when it names some), `stale` > 0, or the share of ok ops
    ///   during faults below `minAvailable`;
    /// - held: nothing contradicts it and the run tested it: availability was measured during the faults,
    ///   or (a claim judged on lost and stale alone, i.e. CP) the faults made the system refuse or leave
    ///   requests unanswered, so it had the choice between failing and answering wrongly;
    /// - otherwise not shown (e.g. a CP claim whose faults never cost a request: nothing was at stake).
    public static func judge(_ claim: Claim, cell: CampaignCell, results: CheckerResults?, faultHits: Int,
                             outage: Double? = nil) -> ClaimRunEvidence {
        var e = ClaimRunEvidence(cell: cell, verdict: .notShown, reason: "", faultsOnComponent: faultHits, lost: nil,
                                 lostByHop: [:], stale: nil, staleMaxVersions: nil, staleMaxSeconds: nil, inFault: nil, longestOutage: nil)
        guard cell.ending == .checked, let results else {
            e.reason = cell.ending == .cannotStart ? "the run could not start (exit 4): no verdict"
                : cell.ending == .checked ? "the run has no results.json" : "the run ended \(cell.ending.rawValue): no verdict"
            return e
        }
        let s = results.summary
        e.lost = s.lost
        e.stale = s.stale
        e.inFault = s.availability?.inFault
        e.longestOutage = outage
        var hasHops = false
        if let d = results.verdicts.first(where: { $0.checker == "pipeline" })?.details {
            hasHops = d["lost_by_hop"]?.objectValue != nil
            e.lostByHop = (d["lost_by_hop"]?.objectValue ?? [:]).compactMapValues(\.intValue).filter { $0.value > 0 }
            e.staleMaxVersions = d["stale_count_versions"]?["max"]?.intValue
            e.staleMaxSeconds = d["stale_count_ns"]?["max"]?.intValue.map { Double($0) / 1e9 }
        }
        guard faultHits > 0 else {
            e.reason = "no fault touched \(claim.faulted.joined(separator: ", ")) in this run: it tested nothing about the claim"
            return e
        }
        var refutations: [String] = [], judged: [String] = []
        // A claim limited to some hops counts only their losses (and needs the pipeline's hops to judge).
        let lostCounted: Int? = claim.hops.map { hs -> Int? in hasHops ? hs.reduce(0) { $0 + (e.lostByHop[$1] ?? 0) } : nil } ?? e.lost
        if claim.measure.contains(.lost), let n = lostCounted {
            judged.append(claim.hops.map { "lost at \($0.joined(separator: ", "))" } ?? "lost")
            if n > 0 {
                let hops = e.lostByHop.filter { claim.hops?.contains($0.key) ?? true }.sorted { $0.key < $1.key }
                    .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                refutations.append("\(n) acknowledged lost" + (hops.isEmpty ? "" : " (\(hops))"))
            }
        }
        if claim.measure.contains(.stale), let n = e.stale {
            judged.append("stale")
            if n > 0 {
                refutations.append("\(n) stale answer(s)" + (e.staleMaxVersions.map { ", up to \($0) versions behind" } ?? ""))
            }
        }
        var availabilityShown = false
        if claim.measure.contains(.availability), let f = e.inFault, let share = f.okRatio {
            judged.append("availability")
            availabilityShown = true
            if share < claim.minAvailable {
                refutations.append("only \(percent(share)) of requests during faults succeeded (claimed at least \(percent(claim.minAvailable)))")
            }
        }
        if judged.isEmpty {
            e.reason = "the run measured none of \(claim.measure.map(\.rawValue).joined(separator: ", "))"
            return e
        }
        if !refutations.isEmpty {
            e.verdict = .refuted
            e.reason = refutations.joined(separator: "; ")
            return e
        }
        if availabilityShown, let share = e.inFault?.okRatio {
            e.verdict = .held
            e.reason = "\(percent(share)) of requests during faults succeeded" + (judged.count > 1 ? "; nothing \(judged.filter { $0 != "availability" }.joined(separator: " or "))" : "")
            return e
        }
        let refused = (e.inFault?.fail ?? 0) + (e.inFault?.info ?? 0)
        if refused > 0 {
            e.verdict = .held
            e.reason = "nothing \(judged.joined(separator: " or ")) while the faults cost \(e.inFault?.fail ?? 0) refused and \(e.inFault?.info ?? 0) unanswered request(s)"
        } else {
            e.reason = "nothing \(judged.joined(separator: " or ")), but the faults refused no request: the claim was never put to the test"
        }
        return e
    }

    static func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
}
