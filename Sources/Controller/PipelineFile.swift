// PipelineFile: a pipeline profile (pipelines/*.yml): which components, how many replicas, which settings.
import Contracts
import Foundation
import History
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
        /// Set for a `command:` component (role "command"): how to start, reach and check its nodes.
        public var command: CommandComponent? = nil
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
        let (y, root) = try YAMLFields.load(path: path)
        let top = try y.mapping(root, "", allowed: ["name", "description", "components"])
        let defaultName = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let name = try y.string(top, "name", "") ?? defaultName
        guard let compsNode = top["components"] else { throw y.fail(root, "components", "missing") }
        guard let comps = compsNode.mapping, !comps.isEmpty else {
            throw y.fail(compsNode, "components", "expected a mapping of component name to its description")
        }
        var out: [Component] = []
        for (k, v) in comps {
            guard let cname = k.string, cname.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) != nil else {
                throw y.fail(k, "components", "a component name is lower-case letters, digits and _")
            }
            let f = "components.\(cname)"
            if v.mapping?["system"] != nil {
                out.append(try systemComponent(y, v, name: cname))
                continue
            }
            if v.mapping?["command"] != nil {
                let m = try y.mapping(v, f, allowed: CommandComponent.fields + ["version"])
                let cmd = try CommandComponent.parse(y, m, f)
                let replicas = try y.int(m, "replicas", f, range: 1...9) ?? 3
                var c = Component(name: cname, role: "command", replicas: replicas, basePort: nil, basePortLine: 0,
                                  settings: .object(cmd.clientSettings), bugs: [], command: cmd)
                c.versionCommand = try versionCommand(y, m, f)
                out.append(c)
                continue
            }
            let m = try y.mapping(v, f, allowed: ["role", "replicas", "base_port", "settings", "bugs", "uses", "version"])
            guard let role = try y.string(m, "role", f) else { throw y.fail(v, "\(f).role", "missing") }
            guard roles.contains(role) else {
                throw y.fail(m["role"], "\(f).role", "unknown role '\(role)' (one of \(roles.joined(separator: ", ")), or command: to run your own)")
            }
            let isService = PipelineLinks.serviceRoles.contains(role)
            // A service is one process (no replicated log); the replicated roles default to 3.
            let replicas = try y.int(m, "replicas", f, range: isService ? 1...1 : 1...9) ?? (isService ? 1 : 3)
            var uses: [String]? = nil
            if let u = m["uses"] {
                guard isService else { throw y.fail(u, "\(f).uses", "only the service roles (\(PipelineLinks.serviceRoles.joined(separator: ", "))) have upstreams") }
                guard let seq = u.sequence else { throw y.fail(u, "\(f).uses", "expected a list of component names") }
                uses = try seq.map { item in
                    guard let s = item.string else { throw y.fail(item, "\(f).uses", "expected a component name") }
                    return s
                }
            }
            let base = try y.int(m, "base_port", f, range: 1024...65000)
            var settings: JSONValue = .object([:])
            if let s = m["settings"] {
                guard s.mapping != nil else { throw y.fail(s, "\(f).settings", "expected a mapping") }
                settings = y.json(s)
            }
            var bugs: [String] = []
            if let b = m["bugs"] {
                guard let seq = b.sequence else { throw y.fail(b, "\(f).bugs", "expected a list of bug names") }
                for item in seq {
                    guard let s = item.string else { throw y.fail(item, "\(f).bugs", "expected a bug name") }
                    bugs.append(s)
                }
            }
            try checkBuiltin(y, m, f, role: role, settings: settings, bugs: bugs)
            var c = Component(name: cname, role: role, replicas: replicas, basePort: base,
                              basePortLine: m["base_port"]?.mark?.line ?? 0, settings: settings, bugs: bugs)
            c.uses = uses ?? []
            c.usesLine = m["uses"]?.mark?.line ?? (v.mark?.line ?? 0)
            if uses == nil { c.usesLine = -(c.usesLine) }  // negative: derived, not written
            c.versionCommand = try versionCommand(y, m, f)
            out.append(c)
        }
        var file = PipelineFile(path: path, name: name, components: out)
        try PipelineLinks.resolve(&file)
        return file
    }

    public func component(named n: String) -> Component? { components.first { $0.name == n } }

    /// `version:` of a component: a non-empty command line of at most 500 characters.
    static func versionCommand(_ y: YAMLFields, _ m: Yams.Node.Mapping, _ f: String) throws -> String? {
        guard let v = try y.string(m, "version", f) else { return nil }
        guard !v.trimmingCharacters(in: .whitespaces).isEmpty, v.count <= 500, !v.contains("\n") else {
            throw y.fail(m["version"], "\(f).version", "expected a one-line command (e.g. etcd --version), at most 500 characters")
        }
        return v
    }
}
