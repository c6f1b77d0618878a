// ComponentAccess: the system under test behind a pipeline component, from the one registry (Systems).
import Contracts
import History
import InputFiles
import Nemesis
import Systems

/// ComponentAccess maps a component to its system: a `role:` component is the built-in system; a
/// `command:` component (long or `system:` form) is the system its `client` names.
enum ComponentAccess {
    static func system(_ comp: PipelineFile.Component) -> any System {
        SystemRegistry.named(comp.command?.client ?? "builtin") ?? BuiltinSystem()
    }

    static func role(_ comp: PipelineFile.Component) -> Role? { Role(rawValue: comp.role) }

    /// An InputError when the workload's kind cannot run against the component.
    static func checkFits(_ comp: PipelineFile.Component, workload: WorkloadFile) throws {
        let sys = system(comp)
        guard sys.operations(workload: workload.kind.rawValue, role: role(comp)) == nil else { return }
        let what = comp.command != nil ? "system \(sys.name)" : "role \(comp.role)"
        throw InputError(file: workload.path, line: workload.targetLine, field: "target",
                         message: "a \(workload.kind.rawValue) workload cannot run against '\(comp.name)' (\(what))")
    }

    /// The adapter of the component a (non-pipeline) workload targets, made from its settings.
    static func adapter(_ comp: PipelineFile.Component, workload: WorkloadFile, concurrency: Int) -> any SystemAdapter {
        system(comp).adapter(AdapterContext(settings: comp.command?.clientSettings ?? [:], workload: workload.kind.rawValue,
                                            role: role(comp), opTimeout: workload.opTimeout, concurrency: concurrency,
                                            keys: workload.keys, functions: workload.functions.map(\.f)))
    }

    /// The built-in system's adapter for a pipeline workload (every component, routed by role); it is
    /// told which components are real systems standing in for a stage (`backends`: component → kind),
    /// whose nodes its clients read through that system's protocol.
    static func pipelineAdapter(_ pipeline: PipelineFile, workload: WorkloadFile, concurrency: Int) -> any SystemAdapter {
        var backends: [String: JSONValue] = [:]
        for c in pipeline.components { if let b = c.backend { backends[c.name] = .string(b.rawValue) } }
        return BuiltinSystem().adapter(AdapterContext(settings: ["backends": .object(backends)], workload: "pipeline",
                                                      opTimeout: workload.opTimeout, concurrency: concurrency))
    }
}
