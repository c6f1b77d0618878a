// The node config file written by the controller: name, role, port, data dir, peers, settings, bugs.
@_exported import Contracts
import Foundation

public struct ConfigError: Error, CustomStringConvertible {
    public let description: String
}

public struct NodeConfig: Sendable {
    public var name: String
    public var role: Role
    public var port: Int
    public var dataDir: String
    /// Peer name -> "host:port" (the node's own outgoing proxy to that peer).
    public var peers: [String: String]
    public var settings: Settings
    public var bugs: Set<Bug>
    /// Service roles: the nodes of each upstream component, keyed by role ("broker": ["broker-1", ...]);
    /// every name is a key of `peers`, whose address (the controller's proxy) is where requests go.
    public var upstreams: [Role: [String]]
    /// Service roles: what kind of server each upstream is (absent: the built-in component of its role).
    public var upstreamKinds: [Role: Backend]

    public init(name: String, role: Role, port: Int, dataDir: String, peers: [String: String],
                settings: Settings, bugs: Set<Bug> = [], upstreams: [Role: [String]] = [:], upstreamKinds: [Role: Backend] = [:]) {
        self.name = name; self.role = role; self.port = port; self.dataDir = dataDir
        self.peers = peers; self.settings = settings; self.bugs = bugs; self.upstreams = upstreams
        self.upstreamKinds = upstreamKinds
    }

    /// The kind of the upstream of `role`.
    public func kind(of role: Role) -> Backend { upstreamKinds[role] ?? .builtin }

    /// Reads and validates a config file; errors name the file, the line and the field.
    public static func load(path: String) throws -> NodeConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(description: "\(path): cannot read file")
        }
        let text = String(decoding: data, as: UTF8.self)
        func fail(_ field: String, _ msg: String) -> ConfigError {
            let key = field.split(separator: ".").last.map(String.init) ?? field
            let line = text.split(separator: "\n", omittingEmptySubsequences: false)
                .firstIndex { $0.contains("\"\(key)\"") }.map { $0 + 1 }
            return ConfigError(description: "\(path):\(line.map(String.init) ?? "?"): field \(field): \(msg)")
        }
        let json: JSON
        do { json = try JSON.decode(data) } catch {
            throw ConfigError(description: "\(path): invalid JSON: \(error)")
        }
        guard let o = json.objectValue else { throw ConfigError(description: "\(path):1: top level must be an object") }
        let allowed: Set<String> = ["name", "role", "port", "data_dir", "peers", "settings", "bugs", "upstreams", "upstream_kinds"]
        for k in o.keys where !allowed.contains(k) { throw fail(k, "unknown field") }
        guard let name = o["name"]?.stringValue, !name.isEmpty else { throw fail("name", "must be a non-empty string") }
        guard let roleName = o["role"]?.stringValue, let role = Role(rawValue: roleName) else {
            throw fail("role", "must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let port = o["port"]?.intValue, (1...65535).contains(port) else { throw fail("port", "must be 1...65535") }
        guard let dataDir = o["data_dir"]?.stringValue, dataDir.hasPrefix("/") else {
            throw fail("data_dir", "must be an absolute path")
        }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: dataDir, isDirectory: &isDir), !isDir.boolValue {
            throw fail("data_dir", "is a file, not a folder")
        }
        var peers: [String: String] = [:]
        guard let po = (o["peers"] ?? .object([:])).objectValue else { throw fail("peers", "must be an object") }
        for (k, v) in po {
            guard let addr = v.stringValue, addr.split(separator: ":").count == 2,
                  let p = Int(addr.split(separator: ":")[1]), (1...65535).contains(p) else {
                throw fail("peers.\(k)", "must be \"host:port\"")
            }
            guard addr.hasPrefix("127.") || addr.hasPrefix("localhost") else {
                throw fail("peers.\(k)", "must be on 127.0.0.0/8")
            }
            peers[k] = addr
        }
        if peers[name] != nil { throw fail("peers", "must not contain the node itself") }
        var bugs: Set<Bug> = []
        for b in (o["bugs"] ?? .array([])).arrayValue ?? [] {
            guard let s = b.stringValue else { throw fail("bugs", "must be a list of bug names") }
            switch Bug.named(s) {
            case .success(let bug): bugs.insert(bug)
            case .failure(let e): throw fail(e.field, e.message)
            }
        }
        var upstreams: [Role: [String]] = [:]
        guard let uo = (o["upstreams"] ?? .object([:])).objectValue else { throw fail("upstreams", "must be an object") }
        for (k, v) in uo {
            guard let r = Role(rawValue: k), role.upstreamRoles.contains(r) else {
                throw fail("upstreams.\(k)", "role \(role.rawValue) takes upstreams \(role.upstreamRoles.map(\.rawValue).joined(separator: ", ")), not \(k)")
            }
            guard let names = v.arrayValue?.compactMap(\.stringValue), names.count == v.arrayValue?.count, !names.isEmpty else {
                throw fail("upstreams.\(k)", "must be a non-empty list of node names")
            }
            for n in names where peers[n] == nil {
                throw fail("upstreams.\(k)", "node \(n) has no address in peers")
            }
            upstreams[r] = names
        }
        for r in role.upstreamRoles where upstreams[r] == nil {
            throw fail("upstreams", "missing upstream \(r.rawValue) (role \(role.rawValue) needs \(role.upstreamRoles.map(\.rawValue).joined(separator: ", ")))")
        }
        var upstreamKinds: [Role: Backend] = [:]
        guard let ko = (o["upstream_kinds"] ?? .object([:])).objectValue else { throw fail("upstream_kinds", "must be an object") }
        for (k, v) in ko {
            guard let r = Role(rawValue: k), upstreams[r] != nil else {
                throw fail("upstream_kinds.\(k)", "not an upstream of this node (upstreams: \(upstreams.keys.map(\.rawValue).sorted().joined(separator: ", ")))")
            }
            let allowedKinds = Backend.allowed(for: r)
            guard let name = v.stringValue, let b = Backend(rawValue: name), allowedKinds.contains(b) else {
                throw fail("upstream_kinds.\(k)", "must be one of \(allowedKinds.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
            }
            upstreamKinds[r] = b
        }
        let settingsJSON = o["settings"] ?? .object([:])
        guard let so = settingsJSON.objectValue else { throw fail("settings", "must be an object") }
        let settings: Settings
        do { settings = try Settings(role: role, values: so) } catch let e as SettingsError {
            throw fail("settings.\(e.field)", e.message)
        }
        return NodeConfig(name: name, role: role, port: port, dataDir: dataDir, peers: peers,
                          settings: settings, bugs: bugs, upstreams: upstreams, upstreamKinds: upstreamKinds)
    }
}

extension JSON: SettingValue {
    /// Compact JSON text: how settings choices are compared and named (Contracts.SettingValue).
    public var jsonText: String { String(decoding: encoded(), as: UTF8.self) }
}
