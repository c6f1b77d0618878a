// NemesisSchedule+YAML: parsing and validating schedule files, with file, line and field in every error.
import Foundation
import History
import InputFiles
import Yams

extension NemesisSchedule {
    /// Loads and validates a schedule file; throws `InputError` listing every problem found.
    public static func load(path: String) throws -> NemesisSchedule {
        try parse(yaml: YAMLReader.readText(path: path), file: path)
    }

    /// Parses schedule YAML; `file` is used in error messages.
    public static func parse(yaml: String, file: String) throws -> NemesisSchedule {
        let (r, root) = try YAMLReader.parse(text: yaml, file: file)
        let p = ScheduleParser(r)
        let defaultName = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let s = p.schedule(root, defaultName: defaultName)
        try r.finish()
        return s!
    }
}

/// ScheduleParser walks the YAML tree, collecting problems rather than stopping at the first.
final class ScheduleParser {
    let r: YAMLReader
    init(_ r: YAMLReader) { self.r = r }

    func problem(_ node: Node?, _ field: String, _ message: String) { r.problem(node, field, message) }

    /// Fault times and lengths: up to a week (the longest test), checked here so no later sum overflows.
    static let seconds = InputRange.seconds

    func schedule(_ root: Node?, defaultName: String) -> NemesisSchedule? {
        guard let root, let map = root.mapping else {
            problem(root, "schedule", "expected a mapping with 'name' and 'events' or 'random' (or neither, for no faults)")
            return nil
        }
        checkKeys(map, allowed: ["name", "description", "events", "random"], prefix: "")
        let name = map["name"].flatMap { string($0, "name") } ?? defaultName
        let description = map["description"].flatMap { string($0, "description") } ?? ""
        if map["events"] != nil && map["random"] != nil {
            problem(map["random"], "random", "use either 'events' or 'random', not both")
        }
        var mode = NemesisSchedule.Mode.none
        if let ev = map["events"] {
            if let seq = ev.sequence {
                var out: [ScheduledFault] = []
                for (i, e) in seq.enumerated() {
                    if let f = event(e, field: "events[\(i)]") { out.append(f) }
                }
                mode = .fixed(out.sorted { $0.at < $1.at })
            } else {
                problem(ev, "events", "expected a list of events")
            }
        } else if let r = map["random"] {
            if let mix = randomMix(r) { mode = .random(mix) }
        }
        return NemesisSchedule(name: name, description: description, mode: mode)
    }

    func event(_ node: Node, field: String) -> ScheduledFault? {
        guard let map = node.mapping else {
            problem(node, field, "expected a mapping with 'at', 'duration' and 'fault'")
            return nil
        }
        let at = required(map, "at", field) { self.duration($0, "\(field).at") }
        let dur = required(map, "duration", field) { self.duration($0, "\(field).duration") }
        let f = fault(node, field: field, extraKeys: ["at", "duration", "component", "links", "with"])
        guard let at, let dur, let f else { return nil }
        return ScheduledFault(at: at, duration: dur, fault: f, scope: scope(map, field), line: node.mark?.line ?? 0)
    }

    func randomMix(_ node: Node) -> RandomMix? {
        guard let map = node.mapping else {
            problem(node, "random", "expected a mapping with 'interval', 'duration' and 'faults'")
            return nil
        }
        checkKeys(map, allowed: ["start", "interval", "duration", "seed", "faults"], prefix: "random.")
        let start = map["start"].flatMap { duration($0, "random.start") } ?? 0
        let interval = required(map, "interval", "random") { self.duration($0, "random.interval") }
        let dur = required(map, "duration", "random") { self.duration($0, "random.duration") }
        var seed: UInt64?
        if let s = map["seed"] {
            if let v = UInt64(s.string ?? "") { seed = v } else { problem(s, "random.seed", "expected a non-negative integer") }
        }
        // At least 100 ms: a smaller interval plans more faults than any proxy can apply.
        if let interval, interval < 0.1 { problem(map["interval"], "random.interval", "must be at least 100ms") }
        var faults: [FaultSpec] = []
        var scopes: [ComponentScope?] = []
        var lines: [Int] = []
        if let fs = map["faults"] {
            if let seq = fs.sequence, !seq.isEmpty {
                for (i, f) in seq.enumerated() {
                    if let spec = fault(f, field: "random.faults[\(i)]", extraKeys: ["component", "links", "with"]) {
                        faults.append(spec)
                        scopes.append(f.mapping.flatMap { scope($0, "random.faults[\(i)]") })
                        lines.append(f.mark?.line ?? 0)
                    }
                }
            } else {
                problem(fs, "random.faults", "expected a non-empty list of faults")
            }
        } else {
            problem(node, "random.faults", "missing (a list of faults to pick from)")
        }
        guard let interval, let dur else { return nil }
        return RandomMix(start: start, interval: interval, duration: dur, seed: seed, faults: faults,
                         scopes: scopes.contains { $0 != nil } ? scopes : [], lines: lines)
    }

    /// `component: NAME` (a component of the pipeline; checked when the plan is made) and `links:
    /// component | all` (default all).
    func scope(_ map: Node.Mapping, _ field: String) -> ComponentScope? {
        var linksOnly = false
        if let l = map["links"] {
            switch l.string {
            case "component": linksOnly = true
            case "all": linksOnly = false
            default: problem(l, "\(field).links", "expected component or all")
            }
            if map["component"] == nil { problem(l, "\(field).links", "needs a component") }
        }
        var companions: [String] = []
        if let w = map["with"] {
            if map["component"] == nil { problem(w, "\(field).with", "needs a component") }
            if let seq = w.sequence, seq.allSatisfy({ $0.string != nil }) {
                companions = seq.compactMap(\.string)
            } else {
                problem(w, "\(field).with", "expected a list of component names")
            }
            if map["shape"]?.string != "isolate" && map["shape"]?.string != "isolate-leader" {
                problem(w, "\(field).with", "only an isolate or isolate-leader partition has companions")
            }
        }
        guard let c = map["component"] else { return nil }
        guard let name = c.string, !name.isEmpty else {
            problem(c, "\(field).component", "expected a component name")
            return nil
        }
        return ComponentScope(component: name, componentLinksOnly: linksOnly, companions: companions, line: c.mark?.line ?? 0)
    }

    static let faultKeys: [String: [String]] = [
        "kill": ["target"], "pause": ["target"], "reset": ["target"],
        "partition": ["shape", "node", "from", "to"],
        "latency": ["delay_ms", "jitter_ms", "target"],
        "loss": ["probability", "target"],
        "bandwidth": ["bytes_per_second", "target"],
        "failover": [],
        "partition-clients": ["target"],
        "latency-clients": ["delay_ms", "jitter_ms", "target"],
    ]

    func fault(_ node: Node, field: String, extraKeys: [String]) -> FaultSpec? {
        guard let map = node.mapping else {
            problem(node, field, "expected a mapping with 'fault'")
            return nil
        }
        guard let kindNode = map["fault"], let kind = string(kindNode, "\(field).fault") else {
            problem(node, "\(field).fault", "missing (one of \(Self.faultKeys.keys.sorted().joined(separator: ", ")))")
            return nil
        }
        guard let keys = Self.faultKeys[kind] else {
            problem(kindNode, "\(field).fault", "unknown fault '\(kind)' (one of \(Self.faultKeys.keys.sorted().joined(separator: ", ")))")
            return nil
        }
        checkKeys(map, allowed: ["fault"] + keys + extraKeys, prefix: "\(field).")
        let targetNode = map["target"]
        let target = targetNode.flatMap { self.target($0, "\(field).target") }
        switch kind {
        case "kill": return .kill(target ?? .random)
        case "pause": return .pause(target ?? .random)
        case "reset": return .reset(target ?? .all)
        case "failover": return .failover
        case "partition-clients": return .partitionClients(target ?? .random)
        case "latency", "latency-clients":
            let d = required(map, "delay_ms", field) { self.number($0, "\(field).delay_ms", min: 0, max: 3_600_000) }
            let j = map["jitter_ms"].flatMap { number($0, "\(field).jitter_ms", min: 0, max: 3_600_000) } ?? 0
            guard let d else { return nil }
            if kind == "latency-clients" { return .clientLatency(delayMs: d, jitterMs: j, target: target ?? .all) }
            return .latency(delayMs: d, jitterMs: j, target: target ?? .all)
        case "loss":
            let p = required(map, "probability", field) { self.number($0, "\(field).probability", min: 0, max: 1) }
            guard let p else { return nil }
            return .loss(probability: p, target: target ?? .all)
        case "bandwidth":
            let b = required(map, "bytes_per_second", field) { self.number($0, "\(field).bytes_per_second", min: 1, max: 1e12) }
            guard let b else { return nil }
            return .bandwidth(bytesPerSecond: Int(saturating: b), target: target ?? .all)
        default:
            guard let shapeNode = map["shape"], let shape = string(shapeNode, "\(field).shape") else {
                problem(node, "\(field).shape", "missing (halves, random-halves, isolate, isolate-leader, ring, bridge, one-way)")
                return nil
            }
            let n = map["node"].flatMap { self.target($0, "\(field).node") } ?? .random
            switch shape {
            case "halves": return .partition(.halves)
            case "random-halves": return .partition(.randomHalves)
            case "isolate": return .partition(.isolate(n))
            case "isolate-leader": return .partition(.isolateLeader)
            case "ring": return .partition(.majoritiesRing)
            case "bridge": return .partition(.bridge)
            case "one-way":
                let from = map["from"].flatMap { self.target($0, "\(field).from") } ?? .random
                let to = map["to"].flatMap { self.target($0, "\(field).to") } ?? .random
                return .partition(.oneWay(from: from, to: to))
            default:
                problem(shapeNode, "\(field).shape", "unknown shape '\(shape)' (halves, random-halves, isolate, isolate-leader, ring, bridge, one-way)")
                return nil
            }
        }
    }

    // MARK: scalars (the reader records every problem)

    func checkKeys(_ map: Node.Mapping, allowed: [String], prefix: String) {
        _ = r.mapping(.mapping(map), String(prefix.dropLast()), allowed: allowed)
    }

    func required<T>(_ map: Node.Mapping, _ key: String, _ field: String, _ parse: (Node) -> T?) -> T? {
        guard let n = map[key] else {
            problem(Node.mapping(map), "\(field).\(key)", "missing")
            return nil
        }
        return parse(n)
    }

    func string(_ node: Node, _ field: String) -> String? { r.string(node, field) }

    func duration(_ node: Node, _ field: String) -> Double? { r.duration(node, field, range: Self.seconds) }

    func number(_ node: Node, _ field: String, min: Double, max: Double) -> Double? {
        r.number(node, field, range: min...max)
    }

    func target(_ node: Node, _ field: String) -> Target? {
        guard let s = string(node, field) else { return nil }
        switch s {
        case "random": return .random
        case "leader": return .leader
        case "minority": return .minority
        case "all": return .all
        default: return .node(s)
        }
    }
}
