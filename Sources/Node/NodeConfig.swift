// The node config file written by the controller: name, role, port, data dir, peers, settings, bugs.
import Foundation

public enum Role: String, Sendable, CaseIterable {
    case broker, store, warehouse
}

/// Known defects a node can be started with, one per name, to prove the checkers find them.
public enum Bug: String, Sendable, CaseIterable {
    /// Every 5th write is acknowledged (with a plausible answer) but never stored.
    case ackWithoutStore = "ack_without_store"
    /// This node answers every read from its own copy, and stops applying replicated entries after 5.
    case staleReads = "stale_reads"
    /// On restart the last 5 entries of the log are dropped, even though they were written.
    case loseTailOnRestart = "lose_tail_on_restart"
}

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

    public init(name: String, role: Role, port: Int, dataDir: String, peers: [String: String],
                settings: Settings, bugs: Set<Bug> = []) {
        self.name = name; self.role = role; self.port = port; self.dataDir = dataDir
        self.peers = peers; self.settings = settings; self.bugs = bugs
    }

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
        let allowed: Set<String> = ["name", "role", "port", "data_dir", "peers", "settings", "bugs"]
        for k in o.keys where !allowed.contains(k) { throw fail(k, "unknown field") }
        guard let name = o["name"]?.stringValue, !name.isEmpty else { throw fail("name", "must be a non-empty string") }
        guard let roleName = o["role"]?.stringValue, let role = Role(rawValue: roleName) else {
            throw fail("role", "must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let port = o["port"]?.intValue, (1...65535).contains(port) else { throw fail("port", "must be 1...65535") }
        guard let dataDir = o["data_dir"]?.stringValue, dataDir.hasPrefix("/") else {
            throw fail("data_dir", "must be an absolute path")
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
            guard let s = b.stringValue, let bug = Bug(rawValue: s) else {
                throw fail("bugs", "unknown bug \(b.encodedString); known: \(Bug.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            bugs.insert(bug)
        }
        let settingsJSON = o["settings"] ?? .object([:])
        guard let so = settingsJSON.objectValue else { throw fail("settings", "must be an object") }
        let settings: Settings
        do { settings = try Settings(role: role, json: so) } catch let e as SettingsError {
            throw fail("settings.\(e.field)", e.message)
        }
        return NodeConfig(name: name, role: role, port: port, dataDir: dataDir, peers: peers,
                          settings: settings, bugs: bugs)
    }
}

extension JSON {
    var encodedString: String { String(decoding: encoded(), as: UTF8.self) }
}
