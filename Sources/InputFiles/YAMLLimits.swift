// YAMLLimits: how big a YAML input may be, checked before and after composing so that a hostile file
// (a billion-laughs alias bomb, a 50 MB file, a million-deep nesting) is refused quickly.
import Yams

/// The limits every YAML file of Faultline is read under. Our files are small (a pipeline is a few
/// hundred values, a long generated nemesis schedule a few tens of thousands), so the limits sit one or
/// two orders of magnitude above any real file and far below what would take seconds or gigabytes.
public struct YAMLLimits: Sendable {
    /// Bytes of text: 1 MiB (composing that much takes well under a second).
    public var maxBytes: Int = 1 << 20
    /// Values (scalars, sequences, mappings) counted with every alias expanded where it is used:
    /// 100,000. An alias is free to compose but is walked again by everything that reads the tree, so
    /// this is what stops an alias bomb (10 aliases of 10 aliases … nine deep is a billion values).
    public var maxNodes: Int = 100_000
    /// Flow nesting (`[`, `{`) depth, checked on the text: the composer recurses once per level.
    public var maxDepth: Int = 64

    public init() {}
    public static let standard = YAMLLimits()

    /// The first thing in the text that the composer must not see, with its line: flow nesting deeper
    /// than `maxDepth` (the composer recurses once per level), or a key that is a collection or an
    /// alias (the composer hashes every key to find duplicates, and hashing an aliased collection
    /// walks its whole expansion: a billion-laughs bomb as a key would hang before any limit applies).
    /// Faultline's files have only text keys. A light scan: quotes, comments and block scalars skipped.
    func textProblem(_ text: String) -> (line: Int, message: String)? {
        let b = Array(text.utf8)
        let n = b.count
        var i = 0, line = 1, depth = 0
        var lastSignificant: UInt8 = 0x0A  // the previous non-blank byte on this line (newline at its start)
        var blockIndent: Int? = nil        // inside a block scalar: lines indented deeper than this are text
        var lineIndent = 0
        func isBoundary(_ c: UInt8) -> Bool { [0x0A, 0x3A, 0x2D, 0x2C, 0x5B, 0x7B, 0x3F].contains(c) }  // \n : - , [ { ?
        func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }
        func isKeyColon(at k: Int) -> Bool {
            var k = k
            while k < n, isBlank(b[k]) { k += 1 }
            guard k < n, b[k] == 0x3A else { return false }
            return k + 1 == n || [0x20, 0x09, 0x0A, 0x0D, 0x2C, 0x5D, 0x7D].contains(b[k + 1])
        }
        while i < n {
            // At a line start: measure indentation; skip block scalar text and blank lines.
            if lastSignificant == 0x0A {
                var k = i, indent = 0
                while k < n, b[k] == 0x20 { k += 1; indent += 1 }
                if let bi = blockIndent {
                    if k >= n || b[k] == 0x0A || indent > bi {
                        while i < n, b[i] != 0x0A { i += 1 }
                        if i < n { i += 1; line += 1 }
                        continue
                    }
                    blockIndent = nil
                }
                lineIndent = indent
            }
            let c = b[i]
            switch c {
            case 0x0A:
                line += 1
                lastSignificant = 0x0A
                i += 1
                continue
            case 0x20, 0x09, 0x0D:
                i += 1
                continue
            case 0x23 where i == 0 || isBlank(b[i - 1]) || b[i - 1] == 0x0A:  // '#': a comment to the end of the line
                while i < n, b[i] != 0x0A { i += 1 }
                continue
            case 0x22 where isBoundary(lastSignificant), 0x27 where isBoundary(lastSignificant):  // a quoted scalar
                i += 1
                while i < n {
                    if b[i] == 0x0A { line += 1 }
                    if c == 0x22 && b[i] == 0x5C { i += 2; continue }
                    if b[i] == c {
                        if c == 0x27 && i + 1 < n && b[i + 1] == 0x27 { i += 2; continue }
                        break
                    }
                    i += 1
                }
                i += 1
                lastSignificant = c
                continue
            case 0x7C where [0x3A, 0x2D, 0x0A].contains(lastSignificant), 0x3E where [0x3A, 0x2D, 0x0A].contains(lastSignificant):  // | > block scalar
                blockIndent = lineIndent
            case 0x5B where isBoundary(lastSignificant), 0x7B where isBoundary(lastSignificant):
                depth += 1
                if depth > maxDepth { return (line, "nested deeper than \(maxDepth) levels") }
            case 0x5D where depth > 0, 0x7D where depth > 0:
                depth -= 1
                if isKeyColon(at: i + 1) { return (line, "a list or mapping used as a key (keys are text)") }
            case 0x3F where isBoundary(lastSignificant) && (i + 1 == n || [0x20, 0x09, 0x0A].contains(b[i + 1])):
                return (line, "an explicit '?' key (keys are text)")
            case 0x2A where isBoundary(lastSignificant):  // '*': an alias
                var k = i + 1
                while k < n, b[k] > 0x20, ![0x2C, 0x5B, 0x5D, 0x7B, 0x7D].contains(b[k]) { k += 1 }
                if isKeyColon(at: k) { return (line, "an alias used as a key (keys are text)") }
                lastSignificant = 0x2A
                i = k
                continue
            default:
                break
            }
            // A plain scalar: skip it to a flow indicator, a ': ' or the end of the line.
            if c != 0x5B && c != 0x7B && c != 0x5D && c != 0x7D && c != 0x2C && c != 0x3A && c != 0x2D && c != 0x3F {
                while i < n, b[i] != 0x0A {
                    if depth > 0 && [0x2C, 0x5B, 0x5D, 0x7B, 0x7D].contains(b[i]) { break }
                    if b[i] == 0x3A && (i + 1 == n || [0x20, 0x09, 0x0A, 0x0D].contains(b[i + 1]) || (depth > 0 && b[i + 1] == 0x2C)) { break }
                    if b[i] == 0x23 && isBlank(b[i - 1]) { break }
                    i += 1
                }
                lastSignificant = 0x61  // a letter: not a boundary
                continue
            }
            lastSignificant = c
            i += 1
        }
        return nil
    }

    /// Counts values with aliases expanded, stopping as soon as the count passes `maxNodes`; returns
    /// the node at which it stopped, or nil when the tree is within the limit.
    func nodeOverflow(_ root: Node) -> Node? {
        var count = 0
        func walk(_ n: Node) -> Node? {
            count += 1
            if count > maxNodes { return n }
            switch n {
            case .scalar, .alias: return nil
            case .sequence(let s):
                for c in s { if let o = walk(c) { return o } }
            case .mapping(let m):
                for (k, v) in m {
                    if let o = walk(k) { return o }
                    if let o = walk(v) { return o }
                }
            }
            return nil
        }
        return walk(root)
    }
}
