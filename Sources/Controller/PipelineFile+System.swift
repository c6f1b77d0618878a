// PipelineFile+System: the short `system:` form of a component, a system Faultline starts itself:
//
//     kv:
//       system: etcd        # a system of the registry that has a bootstrap (Systems/SystemRegistry.swift)
//       nodes: 3            # optional, 1...9, default 3
//       settings: {serializable: true, election_timeout_ms: 1000}   # the system's client and server settings
//
// The system's bootstrap plan becomes the same `CommandComponent` the long `command:` form describes.
import Contracts
import Foundation
import History
import InputFiles
import Systems
import Yams

extension PipelineFile {
    static let systemFields = ["system", "nodes", "settings", "version"]

    /// Throws after recording its problem in `y` (the pipeline reader goes on with the next component).
    static func systemComponent(_ y: YAMLReader, _ v: Node, name: String) throws -> Component {
        let f = "components.\(name)"
        guard let m = y.mapping(v, f, allowed: systemFields) else { throw y.error() }
        guard let systemName = y.string(m, "system", f) else { throw y.error() }
        let system: any System
        switch SystemRegistry.lookup(systemName) {
        case .success(let s): system = s
        case .failure(let e): throw y.fail(m["system"], "\(f).system", e.message)
        }
        guard let bootstrap = system.bootstrap else {
            throw y.fail(m["system"], "\(f).system", "Faultline does not start \(systemName) itself: use role: (built-in components) or command:")
        }
        let nodes = y.int(m, "nodes", f, range: 1...9) ?? 3
        var client: [String: JSONValue] = [:]
        var server: [String: JSONValue] = [:]
        let sm = m["settings"].flatMap { y.mapping($0, "\(f).settings", allowed: system.clientSettings + bootstrap.settingNames) }
        if m["settings"] != nil && sm == nil { throw y.error() }
        for (k, val) in sm ?? [:] {
            let key = k.string ?? "?"
            if system.clientSettings.contains(key) { client[key] = y.json(val, "\(f).settings.\(key)") } else { server[key] = y.json(val, "\(f).settings.\(key)") }
        }
        func fail(_ e: SettingsError) -> InputError {
            if e.field == "nodes" { return y.fail(m["nodes"] ?? v, "\(f).nodes", e.message) }
            return y.fail(sm?[e.field] ?? m["settings"] ?? v, "\(f).settings.\(e.field)", e.message)
        }
        if let e = system.checkClientSettings(client) { throw fail(e) }
        let plan: BootstrapPlan
        do { plan = try bootstrap.plan(SystemBlock(nodes: nodes, settings: server)) } catch let e as SettingsError { throw fail(e) }
        guard plan.processes.count == 1, let kind = plan.processes.first else {
            throw y.fail(m["system"], "\(f).system",
                         "\(systemName) runs \(plan.processes.count) process kinds; the controller starts systems of one process kind so far")
        }
        let cmd = CommandComponent(system: systemName, kind: kind, setup: plan.setup, clientSettings: client)
        for text in kind.args + Array(kind.env.values) + cmd.healthTemplates + plan.setup.flatMap(\.argv) {
            if let problem = TemplateText.problem(in: text, ports: kind.ports, hasPeers: kind.peerPort != nil) {
                throw y.fail(m["system"], "\(f).system", "the \(systemName) bootstrap wrote a bad template '\(text)': \(problem)")
            }
        }
        var c = Component(name: name, role: "command", replicas: kind.count, basePort: nil, basePortLine: 0,
                          settings: .object(client), bugs: [], command: cmd)
        c.versionCommand = versionCommand(y, m, f)
        return c
    }
}

extension CommandComponent {
    /// The command component of a bootstrapped system's process kind: free ports, peers named by host.
    init(system: String, kind: ProcessKind, setup: [SetupStep], clientSettings: [String: JSONValue]) {
        let health: Health = switch kind.health {
        case .none: .none
        case .url(let u): .url(u)
        case .command(let c): .command(c)
        }
        self.init(command: kind.command, args: kind.args, env: kind.env,
                  ports: kind.ports.map { Port(name: $0, base: nil, line: 0) }, peerPort: kind.peerPort,
                  clientPort: kind.clientPort, health: health, stopSignal: kind.stopSignal, peerNames: .hosts,
                  client: system, clientSettings: clientSettings, setup: setup, stopGrace: kind.stopGrace)
    }

    var healthTemplates: [String] {
        switch health {
        case .none: return []
        case .url(let u): return [u]
        case .command(let c): return c
        }
    }
}
