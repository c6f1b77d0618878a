// Night: what identifies one nightly campaign run (its label, file hashes, versions), kept in its records.
import Foundation

/// ComponentVersion is the output of a component's `version:` command (pipeline file), recorded each
/// night so that a change of the system's version is visible beside a change of its behaviour.
public struct ComponentVersion: Codable, Sendable, Equatable {
    public var pipeline: String
    public var component: String
    public var command: String
    /// The command's output (trimmed, at most 1,000 characters), or why there is none ("exit 127: …").
    public var version: String

    public init(pipeline: String, component: String, command: String, version: String) {
        self.pipeline = pipeline
        self.component = component
        self.command = command
        self.version = version
    }

    /// The first line of the output: what a table shows (the whole output is in a tooltip).
    public var firstLine: String { version.split(separator: "\n").first.map(String.init) ?? version }
}

/// NightIdentity is stored in every campaign record (`night` in the JSON). Shards of one night share a
/// label (`--night LABEL`); without one, the label is the invocation's UTC start stamp.
public struct NightIdentity: Codable, Sendable, Equatable {
    public var label: String
    /// SHA-256 of the campaign file, and of the campaign file plus every pipeline, workload and nemesis
    /// file it names (in the campaign's order): the second changes when a bug switch is turned on.
    public var campaignSHA256: String
    public var inputsSHA256: String
    public var faultlineVersion: String
    public var components: [ComponentVersion]

    public init(label: String, campaignSHA256: String, inputsSHA256: String, faultlineVersion: String, components: [ComponentVersion]) {
        self.label = label
        self.campaignSHA256 = campaignSHA256
        self.inputsSHA256 = inputsSHA256
        self.faultlineVersion = faultlineVersion
        self.components = components
    }

    /// What changed from `previous` (an earlier night), in words; empty when nothing did.
    public func changes(since previous: NightIdentity) -> [String] {
        var out: [String] = []
        if campaignSHA256 != previous.campaignSHA256 { out.append("campaign file changed") }
        else if inputsSHA256 != previous.inputsSHA256 { out.append("a pipeline, workload or nemesis file changed") }
        if faultlineVersion != previous.faultlineVersion { out.append("Faultline \(previous.faultlineVersion) → \(faultlineVersion)") }
        // One line per component and change, naming every pipeline it changed in (often all of them).
        var lines: [(what: String, pipelines: [String])] = []
        for c in components {
            let before = previous.components.first { $0.pipeline == c.pipeline && $0.component == c.component }
            var what: String? = nil
            if let before, before.version != c.version { what = "\(c.component): \(before.firstLine) → \(c.firstLine)" }
            else if before == nil, !previous.components.isEmpty { what = "\(c.component): now \(c.firstLine)" }
            guard let what else { continue }
            if let i = lines.firstIndex(where: { $0.what == what }) { lines[i].pipelines.append(c.pipeline) } else { lines.append((what, [c.pipeline])) }
        }
        out += lines.map { l in l.pipelines.count == 1 ? "\(l.pipelines[0]).\(l.what)" : "\(l.what) (\(l.pipelines.joined(separator: ", ")))" }
        return out
    }

    /// A night label is a file-name-safe word: letters, digits, '.', '_', '-', at most 64, not starting with '.'.
    public static func isValidLabel(_ s: String) -> Bool {
        guard !s.isEmpty, s.count <= 64, !s.hasPrefix("."), !s.hasPrefix("-") else { return false }
        return s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }
}
