// YAMLReader: the one reader of Faultline's YAML files (pipelines, workloads, nemesis schedules,
// campaigns, test.yml). It collects every problem with its true line instead of stopping at the first.
import Foundation
import Yams

/// YAMLReader loads one YAML document under `YAMLLimits` and gives typed, range-checked access to its
/// values. Accessors never throw: a bad value is recorded as a problem (file, line, field, reason) and
/// the accessor returns nil, so the caller can go on and find the next problem. `finish()` throws every
/// problem at once; `fail(...)` records one more and returns the error, for when going on makes no sense.
///
///     let (r, root) = try YAMLReader.load(path: path)
///     guard let m = r.mapping(root, "", allowed: ["name", "keys"]) else { throw r.error() }
///     let keys = r.int(m, "keys", "", range: 1...10_000) ?? 3
///     try r.finish()
public final class YAMLReader {
    public let file: String
    public private(set) var problems: [InputProblem] = []

    public init(file: String) { self.file = file }

    // MARK: loading

    /// Reads and composes the file at `path`; the file is read no further than the size limit.
    public static func load(path: String, limits: YAMLLimits = .standard) throws -> (YAMLReader, Node) {
        try parse(text: readText(path: path, limits: limits), file: path, limits: limits)
    }

    /// The text of the file at `path`, checked to be readable, within `maxBytes` and valid UTF-8.
    public static func readText(path: String, limits: YAMLLimits = .standard) throws -> String {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw InputError(file: path, line: 0, field: "file", message: "no such file")
        }
        guard !isDir.boolValue, let h = FileHandle(forReadingAtPath: path) else {
            throw InputError(file: path, line: 0, field: "file", message: isDir.boolValue ? "is a folder, not a file" : "cannot read the file (permission?)")
        }
        defer { try? h.close() }
        let data: Data
        do { data = try h.read(upToCount: limits.maxBytes + 1) ?? Data() } catch {
            throw InputError(file: path, line: 0, field: "file", message: "cannot read the file")
        }
        if data.count > limits.maxBytes {
            throw InputError(file: path, line: 0, field: "file", message: "too big (over \(limits.maxBytes) bytes)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(file: path, line: firstInvalidUTF8Line(data), field: "file", message: "not valid UTF-8 text")
        }
        return text
    }

    /// Composes `text` (named `file` in errors) into its root node under the limits. The entry point for
    /// tests and fuzzing: it reads nothing from disk.
    public static func parse(text: String, file: String, limits: YAMLLimits = .standard) throws -> (YAMLReader, Node) {
        let r = YAMLReader(file: file)
        if text.utf8.count > limits.maxBytes {
            throw InputError(file: file, line: 0, field: "file", message: "too big (over \(limits.maxBytes) bytes)")
        }
        if let (line, message) = limits.textProblem(text) {
            throw InputError(file: file, line: line, field: "yaml", message: message)
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let e as YamlError {
            let (line, reason) = Self.describe(e, text: text)
            throw InputError(file: file, line: line, field: "yaml", message: "invalid YAML: \(reason)")
        }
        guard let root else { throw InputError(file: file, line: 1, field: "yaml", message: "the file is empty") }
        if let at = limits.nodeOverflow(root) {
            throw InputError(file: file, line: at.mark?.line ?? 0, field: "yaml",
                             message: "more than \(limits.maxNodes) values once aliases are expanded (an alias bomb, or a file far bigger than any test needs)")
        }
        return (r, root)
    }

    /// The line and the parser's own reason for a YAML error.
    static func describe(_ e: YamlError, text: String) -> (Int, String) {
        func withContext(_ problem: String, _ context: YamlError.Context?) -> String {
            guard let c = context, !c.text.isEmpty else { return problem }
            return "\(problem) (\(c.text) at line \(c.mark.line))"
        }
        switch e {
        case .scanner(let c, let p, let m, _), .parser(let c, let p, let m, _), .composer(let c, let p, let m, _):
            return (m.line, withContext(p, c))
        case .duplicatedKeysInMapping(let keys, let c):
            let names = keys.map { "'\($0)'" }.joined(separator: ", ")
            return (c.mark.line, "duplicate key \(names) in one mapping (each key may appear once)")
        case .reader(let p, let offset, _, _):
            let line = offset.map { o in text.prefix(o).reduce(1) { $1 == "\n" ? $0 + 1 : $0 } } ?? 0
            return (line, p)
        default:
            return (0, "\(e)".split(separator: "\n").first.map(String.init) ?? "unreadable")
        }
    }

    static func firstInvalidUTF8Line(_ data: Data) -> Int {
        var line = 1
        for chunk in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            if String(data: Data(chunk), encoding: .utf8) == nil { return line }
            line += 1
        }
        return 0
    }

    // MARK: problems

    /// Records a problem at `node`'s line (the line of the enclosing value when the key is missing).
    public func problem(_ node: Node?, _ field: String, _ message: String) {
        problems.append(InputProblem(file: file, line: node?.mark?.line ?? 0, field: field, message: message))
    }

    /// Records a problem and returns every problem so far as an error to throw.
    public func fail(_ node: Node?, _ field: String, _ message: String) -> InputError {
        problem(node, field, message)
        return InputError(problems: problems)
    }

    /// Every problem so far as one error (callers throw it after a structural problem was recorded).
    public func error() -> InputError {
        problems.isEmpty ? InputError(file: file, line: 0, field: "yaml", message: "unreadable") : InputError(problems: problems)
    }

    /// Throws every problem recorded, if any.
    public func finish() throws {
        if !problems.isEmpty { throw InputError(problems: problems) }
    }

    public func path(_ parent: String, _ key: String) -> String { parent.isEmpty ? key : "\(parent).\(key)" }

    // MARK: structure

    /// The node as a mapping; every key not in `allowed` is a problem at its own line.
    public func mapping(_ node: Node, _ field: String, allowed: [String]) -> Node.Mapping? {
        guard let m = node.mapping else {
            problem(node, field.isEmpty ? "file" : field, "expected a mapping")
            return nil
        }
        for (k, _) in m {
            let name = k.string ?? "?"
            if !allowed.contains(name) {
                problem(k, path(field, name), "unknown field (allowed: \(allowed.joined(separator: ", ")))")
            }
        }
        return m
    }

    // MARK: values in a mapping (nil when absent or bad; bad is recorded)

    public func string(_ m: Node.Mapping, _ key: String, _ parent: String) -> String? {
        m[key].flatMap { string($0, path(parent, key)) }
    }

    public func int(_ m: Node.Mapping, _ key: String, _ parent: String, range: ClosedRange<Int>) -> Int? {
        m[key].flatMap { int($0, path(parent, key), range: range) }
    }

    public func number(_ m: Node.Mapping, _ key: String, _ parent: String, range: ClosedRange<Double>) -> Double? {
        m[key].flatMap { number($0, path(parent, key), range: range) }
    }

    /// Seconds, from `5s`, `250ms`, `2m` or a bare number of seconds.
    public func duration(_ m: Node.Mapping, _ key: String, _ parent: String, range: ClosedRange<Double>) -> Double? {
        m[key].flatMap { duration($0, path(parent, key), range: range) }
    }

    public func bool(_ m: Node.Mapping, _ key: String, _ parent: String) -> Bool? {
        m[key].flatMap { bool($0, path(parent, key)) }
    }

    // MARK: single values

    public func string(_ node: Node, _ field: String) -> String? {
        guard let s = node.scalar?.string, !s.isEmpty else {
            problem(node, field, "expected a non-empty string")
            return nil
        }
        return s
    }

    public func int(_ node: Node, _ field: String, range: ClosedRange<Int>) -> Int? {
        guard let text = node.scalar?.string.trimmingCharacters(in: .whitespaces) else {
            problem(node, field, "expected an integer between \(range.lowerBound) and \(range.upperBound)")
            return nil
        }
        guard let v = node.int ?? Int(text) else {
            // An integer too big for Int is out of range too, not "not an integer".
            let digits = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
            let tooBig = !digits.isEmpty && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber)
            problem(node, field, tooBig ? "must be between \(range.lowerBound) and \(range.upperBound) (got \(text))"
                                        : "expected an integer between \(range.lowerBound) and \(range.upperBound)")
            return nil
        }
        guard range.contains(v) else {
            problem(node, field, "must be between \(range.lowerBound) and \(range.upperBound) (got \(v))")
            return nil
        }
        return v
    }

    /// A finite number within `range` (NaN and infinities are never accepted).
    public func number(_ node: Node, _ field: String, range: ClosedRange<Double>) -> Double? {
        guard let s = node.scalar, let v = node.float ?? node.int.map(Double.init) ?? Double(s.string) else {
            problem(node, field, "expected a number")
            return nil
        }
        guard v.isFinite, range.contains(v) else {
            problem(node, field, "must be between \(Self.show(range.lowerBound)) and \(Self.show(range.upperBound)) (got \(s.string))")
            return nil
        }
        return v
    }

    public func duration(_ node: Node, _ field: String, range: ClosedRange<Double>) -> Double? {
        guard let s = node.scalar?.string, let d = Self.seconds(s) else {
            problem(node, field, "expected a duration such as 5s, 250ms or 2m")
            return nil
        }
        guard d.isFinite, range.contains(d) else {
            problem(node, field, "must be between \(Self.show(range.lowerBound)) s and \(Self.show(range.upperBound)) s (got \(s))")
            return nil
        }
        return d
    }

    public func bool(_ node: Node, _ field: String) -> Bool? {
        guard let v = node.bool else {
            problem(node, field, "expected true or false")
            return nil
        }
        return v
    }

    /// Seconds in `5s`, `250ms`, `2m` or `1.5`; nil when it is not a duration (negative, NaN, text).
    public static func seconds(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
        var value: Double?
        for (u, k) in units where t.hasSuffix(u) {
            value = Double(t.dropLast(u.count)).map { $0 * k }
            break
        }
        if value == nil { value = Double(t) }
        guard let v = value, !v.isNaN, v >= 0 else { return nil }
        return v
    }

    static func show(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)"
    }
}
