// PipelineFile+Settings: a built-in component's settings and bugs, checked when the pipeline file is loaded
// by the same code the node runs on start (Contracts.Settings), so a problem names this file and line.
import Contracts
import History
import InputFiles
import Yams

/// A setting as the pipeline file gave it (read into JSON), in the form Contracts' checks read.
struct PipelineSetting: SettingValue {
    let value: JSONValue
    var intValue: Int? { value.intValue }
    var boolValue: Bool? { value.boolValue }
    var jsonText: String {
        var t = ""
        value.write(to: &t)
        return t
    }
}

extension PipelineFile {
    /// Throws an InputError at the line of the first setting (or bug) the node would refuse.
    static func checkBuiltin(_ y: YAMLReader, _ m: Node.Mapping, _ f: String, role: String, settings: JSONValue,
                             bugs: [String]) throws {
        guard let r = Role(rawValue: role) else { return }
        let values = (settings.objectValue ?? [:]).mapValues(PipelineSetting.init)
        guard let e = Settings.check(role: r, settings: values, bugs: bugs) else { return }
        if e.field == "bugs" {
            let bad = m["bugs"]?.sequence?.first { item in item.string.map { Bug(rawValue: $0) == nil } ?? true }
            throw y.fail(bad ?? m["bugs"], "\(f).bugs", e.message)
        }
        let node = m["settings"]?.mapping?.first { $0.key.string == e.field }?.key ?? m["settings"]
        throw y.fail(node, "\(f).settings.\(e.field)", e.message)
    }
}
