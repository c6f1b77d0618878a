// The checkers by name, for the CLI (`faultline check --model NAME`) and the controller.
import History

/// The names `makeChecker(named:options:)` knows, in the order a report lists them.
public let checkerNames = ["linearizable", "set", "queue", "counter", "log", "pipeline", "staleness", "availability", "perf"]

/// Builds the checker called `name` with its options (JSON, as in a workload file: e.g.
/// `{"max_versions": 2}` for staleness, `{"window_seconds": 5}` for availability). Nil for an unknown
/// name. An option that is unknown to the checker or has the wrong type makes its verdict `unknown`,
/// with an error naming the option, rather than being ignored.
public func makeChecker(named name: String, options: [String: JSONValue]) -> (any HistoryChecker)? {
    switch name {
    case "linearizable":
        // Options: model (register, cas-register, kv; default cas-register), initial, time_limit (s).
        let model = options["model"]?.stringValue.flatMap(LinearizableChecker.ModelName.init(rawValue:)) ?? .casRegister
        return LinearizableChecker(model: model, initial: options["initial"], timeLimit: options["time_limit"]?.doubleValue)
    case "set": return SetChecker(options: options)
    case "queue": return QueueChecker(options: options)
    case "counter": return CounterChecker(options: options)
    case "log": return LogChecker(options: options)
    case "pipeline": return PipelineChecker(options: options)
    case "staleness": return StalenessChecker(options: options)
    case "availability": return AvailabilityChecker(options: options)
    case "perf": return PerfChecker(options: options)
    default: return nil
    }
}
