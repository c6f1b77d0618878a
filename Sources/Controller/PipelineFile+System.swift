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
        do { plan = try bootstrap.plan(SystemBlock(nodes: nodes, settings: server, clientSettings: client)) } catch let e as SettingsError { throw fail(e) }
        let kinds: [CommandKind]
        switch Self.commandKinds(plan, system: systemName, clientSettings: client) {
        case .success(let ks): kinds = ks
        case .failure(let e): throw y.fail(m["system"], "\(f).system", e.message)
        }
        let main = kinds.first { $0.isClientKind }!
        var c = Component(name: name, role: "command", replicas: main.count, basePort: nil, basePortLine: 0,
                          settings: .object(client), bugs: [], command: main.command)
        if kinds.count > 1 { c.kinds = kinds }
        c.versionCommand = versionCommand(y, m, f)
        return c
    }

    /// Why a bootstrap plan cannot run (a bug of the system's bootstrap, said at load).
    struct PlanProblem: Error { let message: String }

    /// The process kinds of a bootstrap plan as command kinds, in start order, with every template checked.
    static func commandKinds(_ plan: BootstrapPlan, system systemName: String,
                             clientSettings client: [String: JSONValue]) -> Result<[CommandKind], PlanProblem> {
        guard let clientKind = plan.clientKindName, plan.processes.contains(where: { $0.name == clientKind }) else {
            return .failure(PlanProblem(message: "the \(systemName) bootstrap names no process kind clients talk to"))
        }
        let several = plan.processes.count > 1
        let kindNames = plan.processes.map(\.name)
        if Set(kindNames).count != kindNames.count
            || kindNames.contains(where: { $0.range(of: "^[a-z][a-z0-9]*$", options: .regularExpression) == nil })
            || plan.processes.contains(where: { !(1...64).contains($0.count) }) {
            return .failure(PlanProblem(message: "the \(systemName) bootstrap's process kinds need distinct lower-case names and 1...64 nodes each (got \(kindNames.joined(separator: ", ")))"))
        }
        if several, let stray = plan.setup.first(where: { s in !kindNames.contains(s.kind) }) {
            return .failure(PlanProblem(message: "the \(systemName) bootstrap has a setup step for no process kind '\(stray.kind)'"))
        }
        let placeholders = several ? TemplateText.kindPlaceholders(plan.processes.map { ($0.name, $0.ports, $0.peerPort != nil) }) : []
        var kinds: [CommandKind] = []
        for kind in plan.processes {
            // In a plan of one kind every step is that kind's; else each kind runs only its own.
            let steps = several ? plan.setup.filter { $0.kind == kind.name } : plan.setup
            var cmd = CommandComponent(system: systemName, kind: kind, setup: steps, clientSettings: client)
            if several { cmd.kind = kind.name }
            for text in kind.args + Array(kind.env.values) + cmd.healthTemplates + steps.flatMap(\.argv) {
                if let problem = TemplateText.problem(in: text, ports: kind.ports, hasPeers: kind.peerPort != nil, more: placeholders) {
                    return .failure(PlanProblem(message: "the \(systemName) bootstrap wrote a bad template '\(text)': \(problem)"))
                }
            }
            for p in kind.dialedPorts where !kind.ports.contains(p) {
                return .failure(PlanProblem(message: "the \(systemName) bootstrap's kind \(kind.name) dials a port it does not name: \(p)"))
            }
            kinds.append(CommandKind(name: kind.name, count: kind.count, command: cmd, isClientKind: kind.name == clientKind))
        }
        return .success(kinds)
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
        dialedPorts = kind.dialedPorts
        startTimeout = kind.startTimeout
        ownedByCgroup = kind.ownedByCgroup
    }

    var healthTemplates: [String] {
        switch health {
        case .none: return []
        case .url(let u): return [u]
        case .command(let c): return c
        }
    }
}
