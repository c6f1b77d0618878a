// CampaignFile+Claims: the `claims:` section of a campaign file, checked against the campaign's matrix.
import InputFiles
import Store
import Yams

extension CampaignFile {
    static let claimFields = ["name", "component", "model", "tradeoff", "pipelines", "nemeses", "faulted", "measure", "min_available", "hops"]

    /// Parses `claims:` (docs/campaigns.md "Claims"). Every problem names the file, line and field
    /// (`claims[2].nemeses`): a pipeline or nemesis not in the matrix, a component no selected pipeline
    /// has, an unknown model or measure.
    static func parseClaims(_ node: Node, _ y: YAMLReader, pipelines: [Entry], components: [String: [String]], nemeses: [Entry]) -> [Claim] {
        guard let seq = node.sequence, !seq.isEmpty else {
            y.problem(node, "claims", "expected a non-empty list of claims")
            return []
        }
        var out: [Claim] = []
        for (i, e) in seq.enumerated() {
            let f = "claims[\(i + 1)]"
            guard let m = y.mapping(e, f, allowed: claimFields) else { continue }
            for k in ["name", "component", "model", "tradeoff"] where m[k] == nil { y.problem(e, "\(f).\(k)", "missing") }
            let name = y.string(m, "name", f) ?? ""
            let component = y.string(m, "component", f) ?? ""
            let tradeoff = y.string(m, "tradeoff", f) ?? ""
            var model = Claim.Model.ap
            if let n = m["model"] {
                if let v = Claim.Model(rawValue: (n.string ?? "").uppercased()) { model = v } else {
                    y.problem(n, "\(f).model", "expected AP or CP")
                }
            }
            func names(_ key: String, among known: [String], what: String) -> [String]? {
                guard let n = m[key] else { return nil }
                guard let list = n.sequence, !list.isEmpty else {
                    y.problem(n, "\(f).\(key)", "expected a non-empty list of \(what) names")
                    return nil
                }
                return list.compactMap { x in
                    guard let s = x.string, known.contains(s) else {
                        y.problem(x, "\(f).\(key)", "no \(what) named '\(x.string ?? "?")' in this campaign (\(known.joined(separator: ", ")))")
                        return nil
                    }
                    return s
                }
            }
            let ps = names("pipelines", among: pipelines.map(\.name), what: "pipeline") ?? pipelines.map(\.name)
            let ns = names("nemeses", among: nemeses.map(\.name), what: "nemesis") ?? nemeses.map(\.name)
            // The component (and each faulted one) must exist in every pipeline the claim is tested on.
            var common = Set(components[ps.first ?? ""] ?? [])
            for p in ps.dropFirst() { common.formIntersection(components[p] ?? []) }
            if !component.isEmpty && !common.contains(component) {
                y.problem(m["component"], "\(f).component", "no component '\(component)' in every pipeline of the claim (\(common.sorted().joined(separator: ", ")))")
            }
            let faulted = names("faulted", among: common.sorted(), what: "component")
            var measure: [Claim.Measure]?
            if let n = m["measure"] {
                if let list = n.sequence, !list.isEmpty {
                    measure = list.compactMap { x in
                        guard let v = Claim.Measure(rawValue: x.string ?? "") else {
                            y.problem(x, "\(f).measure", "expected availability, lost or stale")
                            return nil
                        }
                        return v
                    }
                } else {
                    y.problem(n, "\(f).measure", "expected a non-empty list of availability, lost, stale")
                }
            }
            let minAvailable = y.number(m, "min_available", f, range: 0...1) ?? Claim.defaultMinAvailable
            if m["min_available"] != nil && !(measure ?? Claim.defaultMeasure(model)).contains(.availability) {
                y.problem(m["min_available"], "\(f).min_available", "only meaningful when measure includes availability")
            }
            var hops: [String]?
            if let n = m["hops"] {
                if let list = n.sequence, !list.isEmpty {
                    hops = list.compactMap { x in
                        let parts = (x.string ?? "").components(separatedBy: "->")
                        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                            y.problem(x, "\(f).hops", "expected a hop such as broker->store")
                            return nil
                        }
                        return x.string
                    }
                } else {
                    y.problem(n, "\(f).hops", "expected a non-empty list of hops such as broker->store")
                }
                if !(measure ?? Claim.defaultMeasure(model)).contains(.lost) {
                    y.problem(n, "\(f).hops", "only meaningful when measure includes lost")
                }
            }
            if out.contains(where: { $0.name == name && $0.component == component && $0.model == model }) {
                y.problem(e, f, "the same claim twice (\(name), \(component), \(model.rawValue))")
            }
            out.append(Claim(name: name, component: component, model: model, tradeoff: tradeoff, pipelines: ps, nemeses: ns,
                             faulted: faulted, measure: measure, minAvailable: minAvailable, hops: hops))
        }
        return out
    }
}
