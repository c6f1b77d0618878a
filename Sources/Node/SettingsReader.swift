// SettingsReader: reads and range-checks a node config's `settings` object, one field at a time.

/// SettingsReader turns each setting into a typed value or a `SettingsError` naming the field; every
/// role's settings (replicated and service) are read through it, so the messages are the same everywhere.
struct SettingsReader {
    let json: [String: JSON]

    /// Rejects the first (in name order) setting that is not in `allowed`.
    func rejectUnknown(allowed: Set<String>, role: Role) throws {
        for k in json.keys.sorted() where !allowed.contains(k) {
            throw SettingsError(field: k, message: "unknown setting for role \(role.rawValue)")
        }
    }

    func int(_ k: String, _ range: ClosedRange<Int>, _ dflt: Int) throws -> Int {
        guard let v = json[k] else { return dflt }
        guard let i = v.intValue, range.contains(i) else {
            throw SettingsError(field: k, message: "must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return i
    }

    func bool(_ k: String, _ dflt: Bool) throws -> Bool {
        guard let v = json[k] else { return dflt }
        guard let b = v.boolValue else { throw SettingsError(field: k, message: "must be true or false") }
        return b
    }

    func choice(_ k: String, _ options: [JSON], _ dflt: JSON) throws -> JSON {
        guard let v = json[k] else { return dflt }
        guard options.contains(v) else {
            throw SettingsError(field: k, message: "must be one of \(options.map(\.encodedString).joined(separator: ", "))")
        }
        return v
    }
}
