// TemplateText: the `{placeholder}` templates of a command component's args, env and health check.

/// TemplateText checks a template when the pipeline file is loaded and fills it in when a node is placed.
/// Placeholders: `{name}`, `{host}`, `{data_dir}`, `{port:NAME}`, `{peers}`, `{cluster}`; `{{`/`}}` are braces.
enum TemplateText {
    /// What a node's templates are filled in with.
    struct Values {
        var name: String
        var host: String
        var dataDir: String
        var ports: [String: Int]
        var peers: String
        var cluster: String
        /// Placeholders naming other process kinds' nodes (`peers:master` → its text); see `kindPlaceholders`.
        var more: [String: String] = [:]
    }

    /// The placeholders a system of several process kinds adds: `{peers:KIND}` (the other nodes of KIND as
    /// `host:PEERPORT`), `{peers:KIND:PORT}` (the same with KIND's port PORT) and `{cluster:KIND}`
    /// (`name=http://host:PEERPORT,...`).
    static func kindPlaceholders(_ kinds: [(name: String, ports: [String], hasPeerPort: Bool)]) -> Set<String> {
        var out: Set<String> = []
        for k in kinds {
            if k.hasPeerPort { out.formUnion(["peers:\(k.name)", "cluster:\(k.name)"]) }
            for p in k.ports { out.insert("peers:\(k.name):\(p)") }
        }
        return out
    }

    static let simple = ["name", "host", "data_dir", "peers", "cluster"]

    /// One piece of a template: literal text or a placeholder's inside.
    enum Piece: Equatable {
        case text(String)
        case placeholder(String)
    }

    /// Splits a template; nil with a message when a brace is unbalanced.
    static func pieces(_ s: String) -> Result<[Piece], TemplateProblem> {
        var out: [Piece] = []
        var lit = ""
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            let next = s.index(after: i)
            if c == "{" && next < s.endIndex && s[next] == "{" {
                lit.append("{")
                i = s.index(after: next)
            } else if c == "}" && next < s.endIndex && s[next] == "}" {
                lit.append("}")
                i = s.index(after: next)
            } else if c == "{" {
                guard let close = s[next...].firstIndex(of: "}") else {
                    return .failure(TemplateProblem(message: "unclosed '{' in '\(s)' (write {{ for a literal brace)"))
                }
                if !lit.isEmpty { out.append(.text(lit)) }
                lit = ""
                out.append(.placeholder(String(s[next..<close])))
                i = s.index(after: close)
            } else if c == "}" {
                return .failure(TemplateProblem(message: "stray '}' in '\(s)' (write }} for a literal brace)"))
            } else {
                lit.append(c)
                i = next
            }
        }
        if !lit.isEmpty { out.append(.text(lit)) }
        return .success(out)
    }

    struct TemplateProblem: Error { let message: String }

    /// Why `s` is not a valid template for a component with these port names, or nil when it is.
    static func problem(in s: String, ports: [String], hasPeers: Bool, more: Set<String> = []) -> String? {
        switch pieces(s) {
        case .failure(let p): return p.message
        case .success(let ps):
            for case .placeholder(let p) in ps {
                if more.contains(p) { continue }
                if p.hasPrefix("port:") {
                    let n = String(p.dropFirst(5))
                    if !ports.contains(n) { return "{\(p)}: no port named '\(n)' (ports: \(ports.joined(separator: ", ")))" }
                } else if !simple.contains(p) {
                    let kinds = more.isEmpty ? "" : ", " + more.sorted().map { "{\($0)}" }.joined(separator: ", ")
                    return "unknown placeholder {\(p)} (one of {name}, {host}, {data_dir}, {port:NAME}, {peers}, {cluster}\(kinds))"
                } else if (p == "peers" || p == "cluster") && !hasPeers {
                    return "{\(p)} needs peer_port: the port the nodes dial each other on"
                }
            }
            return nil
        }
    }

    /// Fills in a template already checked by `problem(in:)`.
    static func expand(_ s: String, _ v: Values) -> String {
        guard case .success(let ps) = pieces(s) else { return s }
        var out = ""
        for p in ps {
            switch p {
            case .text(let t): out += t
            case .placeholder(let name):
                switch name {
                case "name": out += v.name
                case "host": out += v.host
                case "data_dir": out += v.dataDir
                case "peers": out += v.peers
                case "cluster": out += v.cluster
                default:
                    if let text = v.more[name] { out += text } else { out += v.ports[String(name.dropFirst(5))].map(String.init) ?? "" }
                }
            }
        }
        return out
    }
}
