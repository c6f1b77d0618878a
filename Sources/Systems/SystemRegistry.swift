// SystemRegistry: every system under test by name. Adding a system is one folder of this module and one
// line here (docs/systems.md).
import Contracts

public enum SystemRegistry {
    /// The systems, in the order error messages list them.
    public static let all: [any System] = [
        BuiltinSystem(),
        EtcdSystem(),
        RedisSystem(),
        TansuSystem(),
    ]

    public static var names: [String] { all.map(\.name) }

    public static func named(_ name: String) -> (any System)? { all.first { $0.name == name } }

    /// The system called `name`, or the message saying which names exist (for an InputError).
    public static func lookup(_ name: String) -> Result<any System, SettingsError> {
        if let s = named(name) { return .success(s) }
        return .failure(SettingsError(field: "system", message: "unknown system '\(name)' (one of \(names.joined(separator: ", ")))"))
    }
}
