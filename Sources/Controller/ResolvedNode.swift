// ResolvedNode: one node of a run with its port, data dir and peers, and the config JSON it is given.
import Contracts
import Foundation
import History
import InputFiles
import Net
import Store
import Supervisor
import Systems

/// ResolvedNode is a pipeline node placed in a run: name, role, port and folders.
public struct ResolvedNode: Sendable {
    public var name: String
    public var component: String
    public var role: String
    public var port: Int
    /// `<run>/nodes/<name>`: logs; its `data` subfolder is the node's data dir.
    public var folder: String
    public var settings: JSONValue
    public var bugs: [String]
    /// A command node's named ports (its `port` is the client port among them).
    public var ports: [String: Int] = [:]
    /// Set for a node of a `command:` component.
    public var command: CommandComponent? = nil
    /// 1-based: the node's replica number and its component's position in the pipeline file.
    public var index: Int = 0
    public var componentIndex: Int = 0
    /// The node's process kind in a `system:` component of several kinds; nil otherwise.
    public var kind: String? = nil
    /// Nodes start in waves (a system's process kinds in plan order): each wave healthy before the next.
    public var startWave: Int = 0
    /// Clients of the workload talk to this node (false for a system's helper kinds: masters, etcd under Patroni).
    public var isClientNode: Bool = true
    /// Service nodes: upstream role → node names (NodePlacement+Pipeline.swift); empty otherwise.
    public var upstreams: [String: [String]] = [:]

    public var dataDir: String { folder + "/data" }
    public var baseURL: String { "http://127.0.0.1:\(port)" }
    /// The node as its system's clients and leader discovery see it.
    public var systemNode: SystemNode {
        SystemNode(name: name, port: port, ports: ports.isEmpty ? ["client": port] : ports, role: Role(rawValue: role), kind: kind)
    }

    /// The node config of docs/nodes.md, with `peers` the addresses of this node's outgoing proxies.
    public func configJSON(peers: [String: String]) -> JSONValue {
        var p: [String: JSONValue] = [:]
        for (k, v) in peers { p[k] = .string(v) }
        var o: [String: JSONValue] = ["name": .string(name), "role": .string(role), "port": .int(port), "data_dir": .string(dataDir),
                                      "peers": .object(p), "settings": settings, "bugs": .array(bugs.map { .string($0) })]
        if !upstreams.isEmpty { o["upstreams"] = .object(upstreams.mapValues { .array($0.map { .string($0) }) }) }
        return .object(o)
    }
}

enum NodePlacement {
    /// Places the nodes of `components` under `runDir/nodes/`: fixed ports (checked free, else an
    /// InputError at the base_port line) or ports from the allocator.
    static func place(_ pipeline: PipelineFile, components: [String], runDir: String) throws -> [ResolvedNode] {
        var nodes: [ResolvedNode] = []
        for (ci, c) in pipeline.components.enumerated() where components.contains(c.name) {
            if c.command != nil {
                nodes += try CommandNodes.place(pipeline, c, componentIndex: ci + 1, runDir: runDir)
                continue
            }
            for i in 1...c.replicas {
                let name = "\(c.name)-\(i)"
                let port: Int
                if let base = c.basePort {
                    port = base + i - 1
                    if !PortAllocator.isFree(port) {
                        throw InputError(file: pipeline.path, line: c.basePortLine, field: "components.\(c.name).base_port",
                                         message: "port \(port) (for \(name)) is already in use")
                    }
                } else {
                    port = try PortAllocator.shared.allocate()
                }
                nodes.append(ResolvedNode(name: name, component: c.name, role: c.role, port: port,
                                          folder: RunFolder(runDir).node(name), settings: c.settings, bugs: c.bugs))
            }
        }
        return nodes
    }

    /// One proxy per directed link between nodes of the same component (replicas talk only to each other).
    static func link(_ nodes: [ResolvedNode], net: ProxyNetwork) async throws {
        try await CommandNodes.link(nodes.filter { $0.command != nil }, net: net)
        for a in nodes where a.command == nil {
            for b in nodes where b.component == a.component && b.name != a.name {
                try await net.addLink(from: a.name, to: b.name, targetPort: b.port)
            }
        }
    }

    /// Writes `<folder>/config.json` for each node and returns the supervisor specs.
    static func writeConfigs(_ nodes: [ResolvedNode], net: ProxyNetwork, nodeExecutable: String) throws -> [NodeSpec] {
        try nodes.map { n in
            try FileManager.default.createDirectory(atPath: n.dataDir, withIntermediateDirectories: true)
            if n.command != nil { return try CommandNodes.spec(n, all: nodes, net: net) }
            let path = n.folder + "/config.json"
            var text = ""
            n.configJSON(peers: net.peerAddresses(of: n.name)).write(to: &text)
            try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: path))
            return NodeSpec(name: n.name, executable: nodeExecutable, arguments: [n.role, "--config", path],
                            workingDirectory: n.folder, logDirectory: n.folder, ports: [n.port],
                            healthURL: n.baseURL + "/health")
        }
    }
}
