// SettingsReader: reads and range-checks a built-in component's `settings`, one field at a time.

/// A setting's value as its source holds it: the node's config JSON or the pipeline file's YAML (read into
/// the controller's JSON). Only what validation needs, so this leaf module depends on no JSON type.
public protocol SettingValue {
    var intValue: Int? { get }
    var boolValue: Bool? { get }
    /// The value as JSON text (`1`, `"all"`): choices are compared and named in messages by it.
    var jsonText: String { get }
}

/// The first problem of a component's settings: the field (a setting's name, or `bugs`) and why.
public struct SettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    public let field: String
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "field \(field): \(message)" }
}

/// SettingsReader turns each setting into a typed value or a `SettingsError` naming the field; every
/// role's settings (replicated and service) are read through it, so the messages are the same everywhere.
struct SettingsReader<V: SettingValue> {
    let values: [String: V]

    /// Rejects the first (in name order) setting that is not in `allowed`.
    func rejectUnknown(allowed: Set<String>, role: Role) throws {
        for k in values.keys.sorted() where !allowed.contains(k) {
            throw SettingsError(field: k, message: "unknown setting for role \(role.rawValue)")
        }
    }

    func int(_ k: String, _ range: ClosedRange<Int>, _ dflt: Int) throws -> Int {
        guard let v = values[k] else { return dflt }
        guard let i = v.intValue, range.contains(i) else {
            throw SettingsError(field: k, message: "must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return i
    }

    func bool(_ k: String, _ dflt: Bool) throws -> Bool {
        guard let v = values[k] else { return dflt }
        guard let b = v.boolValue else { throw SettingsError(field: k, message: "must be true or false") }
        return b
    }

    /// One of `options`, given as JSON text (`1`, `"all"`): the value's own JSON text must equal one.
    func choice(_ k: String, _ options: [String], _ dflt: String) throws -> String {
        guard let v = values[k] else { return dflt }
        guard options.contains(v.jsonText) else {
            throw SettingsError(field: k, message: "must be one of \(options.joined(separator: ", "))")
        }
        return v.jsonText
    }
}
