// CommandNodes: places, links and starts the nodes of a `command:` component (any system, e.g. etcd).
import Foundation
import InputFiles
import Net
import Store
import Supervisor

/// CommandNodes turns a `CommandComponent` into nodes of a run.
///
/// Peer routing, per directed link: the proxy of link A→B listens on a loopback address of its own,
/// `127.C.A.B` (C = the component's position in the pipeline file, A and B = replica numbers), on B's own
/// peer port, and forwards to B on 127.0.0.1. With `peer_names: hosts` (the default) every node names
/// B the same way, `B.faultline:PORT` (systems such as etcd hash these strings into member ids, so they
/// must be identical everywhere), and each node runs in a private mount namespace whose /etc/hosts
/// (`nodes/<A>/hosts`) resolves `B.faultline` to 127.C.A.B: A's own proxy to B.
enum CommandNodes {
    static let hostSuffix = ".faultline"

    struct StartProblem: Error, CustomStringConvertible {
        let description: String
    }

    /// Ports: a base gives node i `base + i - 1` (checked free, else an InputError at its line); `free`
    /// takes one from the allocator. Nodes are placed kind by kind in start order; `index` counts across
    /// the kinds, so every node of the component has its own loopback addresses.
    static func place(_ pipeline: PipelineFile, _ c: PipelineFile.Component, componentIndex: Int,
                      runDir: String) throws -> [ResolvedNode] {
        var out: [ResolvedNode] = []
        for (position, kind) in c.commandKinds.enumerated() {
            let cmd = kind.command
            for i in 1...kind.count {
                let name = kind.nodeName(component: c.name, i)
                var ports: [String: Int] = [:]
                for p in cmd.ports {
                    if let base = p.base {
                        let port = base + i - 1
                        if !PortAllocator.isFree(port) || ports.values.contains(port) {
                            throw InputError(file: pipeline.path, line: p.line, field: "components.\(c.name).ports.\(p.name)",
                                             message: "port \(port) (for \(name)) is already in use")
                        }
                        ports[p.name] = port
                    } else {
                        ports[p.name] = try PortAllocator.shared.allocate()
                    }
                }
                var n = ResolvedNode(name: name, component: c.name, role: "command", port: ports[cmd.clientPort] ?? 0,
                                     folder: RunFolder(runDir).node(name), settings: c.settings, bugs: [], ports: ports,
                                     command: cmd, index: out.count + 1, componentIndex: componentIndex)
                n.kind = cmd.kind
                n.startWave = position
                n.isClientNode = kind.isClientKind
                out.append(n)
            }
        }
        return out
    }

    /// The loopback address on which the proxy of link a→b listens.
    static func linkHost(_ a: ResolvedNode, _ b: ResolvedNode) -> String {
        "127.\(a.componentIndex).\(a.index).\(b.index)"
    }

    /// One proxy per directed link between nodes of the same component and port the target is dialed on
    /// (its kind's dialed ports; the peer port by default).
    static func link(_ nodes: [ResolvedNode], net: ProxyNetwork) async throws {
        for a in nodes {
            for b in nodes where b.component == a.component && b.name != a.name {
                for portName in b.command?.proxiedPorts ?? [] {
                    guard let port = b.ports[portName] else { continue }
                    try await net.addLink(from: a.name, to: b.name, targetPort: port, listenHost: linkHost(a, b), listenPort: port)
                }
            }
        }
    }

    /// How node `n` names `peer` (itself included) in `{host}`, `{peers}` and `{cluster}`.
    static func hostName(of peer: ResolvedNode, seenBy n: ResolvedNode) -> String {
        switch n.command?.peerNames ?? .hosts {
        case .hosts: return peer.name + hostSuffix
        case .addresses: return peer.name == n.name ? "127.0.0.1" : linkHost(n, peer)
        }
    }

    /// The template values of node `n` among `all` nodes of the run. `{peers}` and `{cluster}` name the
    /// nodes of its own kind; `{peers:KIND}`, `{peers:KIND:PORT}` and `{cluster:KIND}` those of another.
    static func values(_ n: ResolvedNode, all: [ResolvedNode]) -> TemplateText.Values {
        let component = all.filter { $0.component == n.component }
        func addr(_ m: ResolvedNode, _ port: String?) -> String { "\(hostName(of: m, seenBy: n)):\(port.flatMap { m.ports[$0] } ?? 0)" }
        func peers(_ ms: [ResolvedNode], _ port: String?) -> String {
            ms.filter { $0.name != n.name }.map { addr($0, port) }.joined(separator: ",")
        }
        func cluster(_ ms: [ResolvedNode], _ port: String?) -> String {
            ms.map { "\($0.name)=http://\(addr($0, port))" }.joined(separator: ",")
        }
        let own = component.filter { $0.kind == n.kind }
        var v = TemplateText.Values(name: n.name, host: hostName(of: n, seenBy: n), dataDir: n.dataDir, ports: n.ports,
                                    peers: peers(own, n.command?.peerPort), cluster: cluster(own, n.command?.peerPort))
        var byKind: [String: [ResolvedNode]] = [:]
        for m in component { if let k = m.kind { byKind[k, default: []].append(m) } }
        for (k, ms) in byKind {
            let peerPort = ms.first?.command?.peerPort
            if peerPort != nil {
                v.more["peers:\(k)"] = peers(ms, peerPort)
                v.more["cluster:\(k)"] = cluster(ms, peerPort)
            }
            for p in ms.first?.ports.keys.sorted() ?? [] { v.more["peers:\(k):\(p)"] = peers(ms, p) }
        }
        return v
    }

    /// The hosts file of node `n`: the machine's own entries, then this node's names for its peers.
    static func hostsFile(_ n: ResolvedNode, all: [ResolvedNode]) -> String {
        var text = (try? String(contentsOfFile: "/etc/hosts", encoding: .utf8)) ?? "127.0.0.1 localhost\n"
        if !text.hasSuffix("\n") { text += "\n" }
        text += "# faultline: \(n.name)'s peers, each through \(n.name)'s own proxy to it\n"
        for m in all where m.component == n.component {
            text += "\(m.name == n.name ? "127.0.0.1" : linkHost(n, m)) \(m.name)\(hostSuffix)\n"
        }
        return text
    }

    /// The supervisor spec of node `n`; writes `nodes/<n>/hosts` and `nodes/<n>/command.txt`.
    static func spec(_ n: ResolvedNode, all: [ResolvedNode], net: ProxyNetwork) throws -> NodeSpec {
        guard let cmd = n.command else { throw StartProblem(description: "\(n.name) is not a command node") }
        let v = values(n, all: all)
        let exe = try resolve(cmd.command, node: n.name)
        let args = cmd.args.map { TemplateText.expand($0, v) }
        var env: [String: String] = [:]
        for (k, t) in cmd.env { env[k] = TemplateText.expand(t, v) }
        let (executable, arguments) = try withPeerNames(exe, args, n, all: all)
        let line = ([executable] + arguments).map(shellQuoted).joined(separator: " ")
        try Data((line + "\n").utf8).write(to: URL(fileURLWithPath: n.folder + "/command.txt"))
        var healthURL: String?
        if case .url(let t) = cmd.health { healthURL = TemplateText.expand(t, v) }
        var spec = NodeSpec(name: n.name, executable: executable, arguments: arguments, environment: env,
                            workingDirectory: n.folder, logDirectory: n.folder, ports: n.ports.values.sorted(),
                            healthURL: healthURL, stopSignal: cmd.stopSignal)
        spec.stopGrace = cmd.stopGrace
        spec.ownedByCgroup = cmd.ownedByCgroup
        return spec
    }

    /// The command line that runs `exe args` as node `n`: with `peer_names: hosts`, inside a private mount
    /// namespace whose /etc/hosts (`nodes/<n>/hosts`, written here) names each peer `<peer>.faultline`.
    /// Setup steps run the same way, so a standby's base backup dials the primary through its proxy.
    static func withPeerNames(_ exe: String, _ args: [String], _ n: ResolvedNode, all: [ResolvedNode]) throws -> (String, [String]) {
        guard n.command?.peerNames ?? .hosts == .hosts else { return (exe, args) }
        let hostsPath = n.folder + "/hosts"
        try Data(hostsFile(n, all: all).utf8).write(to: URL(fileURLWithPath: hostsPath))
        // unshare execs sh, which execs the command: one process, so the supervisor's process group,
        // parent-death signal, pause and kill reach the real node (mount runs and exits before).
        let unshare = try resolve("unshare", node: n.name)
        return (unshare, (geteuid() == 0 ? ["-m"] : ["-r", "-m"])
            + ["--", "/bin/sh", "-c", "mount --bind \"$0\" /etc/hosts && exec \"$@\"", hostsPath, exe] + args)
    }

    /// Waits until node `n` is healthy: its URL answers 200, or its health command exits 0.
    static func waitHealthy(_ n: ResolvedNode, all: [ResolvedNode], supervisor: Supervisor, timeout: Double) async throws {
        guard case .command(let templ)? = n.command?.health else {
            try await supervisor.waitHealthy(n.name, timeout: timeout)
            return
        }
        let v = values(n, all: all)
        let argv = templ.map { TemplateText.expand($0, v) }
        let exe = try resolve(argv[0], node: n.name)
        let deadline = Date().addingTimeInterval(timeout)
        var last = "not run yet"
        while Date() < deadline {
            guard supervisor.isRunning(n.name) else {
                throw StartProblem(description: "\(n.name) exited before it was healthy\n\(supervisor.logTail(n.name))")
            }
            let status = await runOnce(exe, Array(argv.dropFirst()), timeout: 2)
            if status == 0 { return }
            last = status.map { "exit status \($0)" } ?? "no exit within 2 s"
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        throw StartProblem(description: "\(n.name): health command \(argv.joined(separator: " ")) did not succeed within \(timeout)s (\(last))\n\(supervisor.logTail(n.name))")
    }

    /// Runs a health command to its end (killed after `timeout`); its exit status, nil when killed.
    static func runOnce(_ exe: String, _ args: [String], timeout: Double) async -> Int32? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { return try await ProcessRun.run(p, timeout: timeout) } catch { return 127 }
    }

    /// A command name looked up in PATH, or a path that must be executable.
    static func resolve(_ command: String, node: String) throws -> String {
        if command.contains("/") {
            // A relative path (`.tools/bin/weed`) is the controller's: the node starts in its own folder.
            let absolute = URL(fileURLWithPath: command).standardizedFileURL.path
            if access(absolute, X_OK) == 0 { return absolute }
            throw StartProblem(description: "\(node): '\(command)' is not an executable file")
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let dirs = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"]
        for dir in dirs where access(dir + "/" + command, X_OK) == 0 {
            return "\(dir)/\(command)"
        }
        throw StartProblem(description: "\(node): command '\(command)' not found in PATH")
    }

    static func shellQuoted(_ s: String) -> String {
        if s.range(of: "^[A-Za-z0-9_./:=,@+-]+$", options: .regularExpression) != nil { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
