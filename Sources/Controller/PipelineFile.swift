// PipelineFile: a pipeline profile (pipelines/*.yml): which components, how many replicas, which settings.
import Contracts
import Foundation
import History
import InputFiles
import Store
import Yams

/// PipelineFile is a parsed pipeline profile:
///
///     name: cp
///     components:
///       store:                 # component name; its nodes are store-1, store-2, ...
///         role: store          # a faultline-node role: broker, store, warehouse (replicated), or
///                              # ingest, connector, loader, cache, api (one process each)
///         replicas: 3
///         base_port: 7201      # optional: fixed ports base_port, base_port+1, ...; default: free ports
///         settings: {...}      # docs/nodes.md; checked here by the node's own rules (Contracts)
///         bugs: []             # optional
///         uses: [broker]       # optional, service roles only: the upstream components (default: the
///                              # one component of each role this role needs; PipelineLinks.swift)
///
/// A component may instead run any command as its nodes (`command:`, see `CommandComponent`), or a system
/// Faultline starts itself (`system: etcd`, PipelineFile+System.swift); its role is then "command". Every
/// field is checked here, a role's settings and bugs by the node's own rules (PipelineFile+Settings.swift).
public struct PipelineFile: Sendable, Equatable {
    public struct Component: Sendable, Equatable {
        public var name: String
        public var role: String
        public var replicas: Int
        public var basePort: Int?
        public var basePortLine: Int
        public var settings: JSONValue
        public var bugs: [String]
        /// Set for a `command:` component (role "command"): how to start, reach and check its nodes (in a
        /// system of several process kinds, those of the client kind).
        public var command: CommandComponent? = nil
        /// A `system:` component of several process kinds: each kind, in start order; empty otherwise.
        public var kinds: [CommandKind] = []
        /// Upstream components this component's nodes talk to (resolved; empty for replicated roles).
        public var uses: [String] = []
        public var usesLine: Int = 0
        /// `version:`: a shell command whose output names the component's version (e.g. `etcd --version`),
        /// run once per campaign night and recorded beside its results (ComponentVersions).
        public var versionCommand: String? = nil
    }

    public var path: String
    public var name: String
    public var components: [Component]

    public static let roles = Role.allCases.map(\.rawValue)

    public static func load(path: String) throws -> PipelineFile {
        let (y, root) = try YAMLReader.load(path: path)
        return try parse(y, root, path: path)
    }

    /// Parses a pipeline from text (`file` names it in errors): for tests and fuzzing.
    public static func parse(text: String, file: String) throws -> PipelineFile {
        let (y, root) = try YAMLReader.parse(text: text, file: file)
        return try parse(y, root, path: file)
    }

    static func parse(_ y: YAMLReader, _ root: Node, path: String) throws -> PipelineFile {
        guard let top = y.mapping(root, "", allowed: ["name", "description", "components"]) else { throw y.error() }
        let defaultName = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let name = y.string(top, "name", "") ?? defaultName
        if let why = PathName.problem(name) { y.problem(top["name"] ?? root, "name", why) }
        guard let compsNode = top["components"] else { throw y.fail(root, "components", "missing") }
        guard let comps = compsNode.mapping, !comps.isEmpty else {
            throw y.fail(compsNode, "components", "expected a mapping of component name to its description")
        }
        var out: [Component] = []
        for (k, v) in comps {
            // Every component is read even after a bad one, so that one run shows every problem.
            guard let cname = k.string, cname.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) != nil else {
                y.problem(k, "components", "a component name is lower-case letters, digits and _ (got '\(k.string ?? "?")')")
                continue
            }
            if let c = component(y, cname, v) { out.append(c) }
        }
        try y.finish()
        var file = PipelineFile(path: path, name: name, components: out)
        try PipelineLinks.resolve(&file)
        return file
    }

    /// One component, or nil after recording its problems.
    static func component(_ y: YAMLReader, _ cname: String, _ v: Node) -> Component? {
        let f = "components.\(cname)"
        if v.mapping?["system"] != nil { return try? systemComponent(y, v, name: cname) }
        if v.mapping?["command"] != nil {
            guard let m = y.mapping(v, f, allowed: CommandComponent.fields + ["version"]), let cmd = try? CommandComponent.parse(y, m, f) else { return nil }
            let replicas = y.int(m, "replicas", f, range: 1...9) ?? 3
            var c = Component(name: cname, role: "command", replicas: replicas, basePort: nil, basePortLine: 0,
                              settings: .object(cmd.clientSettings), bugs: [], command: cmd)
            c.versionCommand = versionCommand(y, m, f)
            return c
        }
        guard let m = y.mapping(v, f, allowed: ["role", "replicas", "base_port", "settings", "bugs", "uses", "version"]) else { return nil }
        guard let role = y.string(m, "role", f) else {
            if m["role"] == nil { y.problem(v, "\(f).role", "missing") }
            return nil
        }
        guard roles.contains(role) else {
            y.problem(m["role"], "\(f).role", "unknown role '\(role)' (one of \(roles.joined(separator: ", ")), or command: to run your own)")
            return nil
        }
        let isService = PipelineLinks.serviceRoles.contains(role)
        // A service is one process (no replicated log); the replicated roles default to 3.
        let replicas = y.int(m, "replicas", f, range: isService ? 1...1 : 1...9) ?? (isService ? 1 : 3)
        var uses: [String]? = nil
        if let u = m["uses"] {
            if !isService {
                y.problem(u, "\(f).uses", "only the service roles (\(PipelineLinks.serviceRoles.joined(separator: ", "))) have upstreams")
            } else if let seq = u.sequence {
                uses = seq.compactMap { y.string($0, "\(f).uses") }
            } else {
                y.problem(u, "\(f).uses", "expected a list of component names")
            }
        }
        let base = y.int(m, "base_port", f, range: 1024...65000)
        var settings: JSONValue = .object([:])
        if let s = m["settings"] {
            if s.mapping != nil { settings = y.json(s, "\(f).settings") } else { y.problem(s, "\(f).settings", "expected a mapping") }
        }
        var bugs: [String] = []
        if let b = m["bugs"] {
            if let seq = b.sequence {
                bugs = seq.compactMap { y.string($0, "\(f).bugs") }
            } else {
                y.problem(b, "\(f).bugs", "expected a list of bug names")
            }
        }
        // Built-in settings and bugs are checked by the node's own rules (Contracts), at their line here.
        guard (try? checkBuiltin(y, m, f, role: role, settings: settings, bugs: bugs)) != nil else { return nil }
        var c = Component(name: cname, role: role, replicas: replicas, basePort: base,
                          basePortLine: m["base_port"]?.mark?.line ?? 0, settings: settings, bugs: bugs)
        c.uses = uses ?? []
        c.usesLine = m["uses"]?.mark?.line ?? (v.mark?.line ?? 0)
        if uses == nil { c.usesLine = -(c.usesLine) }  // negative: derived, not written
        c.versionCommand = versionCommand(y, m, f)
        return c
    }

    public func component(named n: String) -> Component? { components.first { $0.name == n } }
}

extension PipelineFile.Component {
    /// The process kinds of a `command:` or `system:` component in start order (one for the `command:`
    /// form and systems of one kind); empty for a built-in role.
    public var commandKinds: [CommandKind] {
        if !kinds.isEmpty { return kinds }
        guard let command else { return [] }
        return [CommandKind(name: command.kind ?? "node", count: replicas, command: command, isClientKind: true)]
    }

    /// The names of the component's nodes, every kind's, in start order.
    public var nodeNames: [String] {
        let ks = commandKinds
        if ks.isEmpty { return (1...replicas).map { "\(name)-\($0)" } }
        return ks.flatMap { k in (1...k.count).map { k.nodeName(component: name, $0) } }
    }
}

extension PipelineFile {
    /// `version:` of a component: a non-empty command line of at most 500 characters.
    /// Nil when absent or bad; a bad one is recorded in `y` (the reader throws every problem at its end).
    static func versionCommand(_ y: YAMLReader, _ m: Node.Mapping, _ f: String) -> String? {
        guard let v = y.string(m, "version", f) else { return nil }
        guard !v.trimmingCharacters(in: .whitespaces).isEmpty, v.count <= 500, !v.contains("\n") else {
            y.problem(m["version"], "\(f).version", "expected a one-line command (e.g. etcd --version), at most 500 characters")
            return nil
        }
        return v
    }
}
