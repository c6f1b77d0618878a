// PipelineLinks: which components a pipeline service talks to (its upstreams), from `uses:` or its role.
import Contracts
import Foundation
import InputFiles

/// PipelineLinks resolves and checks the links between components of a pipeline file:
///
/// | role | needs upstreams of roles |
/// |---|---|
/// | ingest | broker |
/// | connector | broker, store |
/// | loader | store, warehouse |
/// | api | warehouse, cache |
/// | cache | — |
///
/// A real system stands in for a role's component (`system: redis` for the cache, seaweedfs for the
/// store, tansu for the broker, postgres for the warehouse: Contracts.Backend), and the service is told
/// its kind in the node config's `upstream_kinds`.
///
/// Without `uses:`, a service uses the one component of each role it needs (an error names the field
/// when there is none or several); with `uses:`, exactly one listed component per needed role.
public enum PipelineLinks {
    public static let serviceRoles = Role.services.map(\.rawValue)

    public static func upstreamRoles(of role: String) -> [String] {
        Role(rawValue: role)?.upstreamRoles.map(\.rawValue) ?? []
    }

    static func resolve(_ file: inout PipelineFile) throws {
        let all = file.components
        for (i, c) in all.enumerated() where serviceRoles.contains(c.role) {
            let needs = upstreamRoles(of: c.role)
            let field = "components.\(c.name).uses"
            let line = abs(c.usesLine)
            if c.usesLine >= 0 {
                // Written: every name exists, has a needed role, one per role, and every role is covered.
                var seen: [String: String] = [:]
                for n in c.uses {
                    guard let u = all.first(where: { $0.name == n }) else {
                        throw InputError(file: file.path, line: line, field: field, message: "no component '\(n)' in this pipeline")
                    }
                    let ur = u.pipelineRole
                    guard needs.contains(ur) else {
                        throw InputError(file: file.path, line: line, field: field,
                                         message: "'\(n)' has role \(ur); a \(c.role) uses \(needs.joined(separator: ", "))")
                    }
                    if let other = seen[ur] {
                        throw InputError(file: file.path, line: line, field: field, message: "both '\(other)' and '\(n)' have role \(ur); name one")
                    }
                    seen[ur] = n
                }
                for r in needs where seen[r] == nil {
                    throw InputError(file: file.path, line: line, field: field, message: "no \(r) component listed (a \(c.role) needs \(needs.joined(separator: ", ")))")
                }
            } else {
                var uses: [String] = []
                for r in needs {
                    let cands = all.filter { $0.pipelineRole == r }
                    guard cands.count == 1 else {
                        throw InputError(file: file.path, line: line, field: field,
                                         message: cands.isEmpty ? "a \(c.role) needs a \(r) component, and the pipeline has none"
                                                                : "several \(r) components (\(cands.map(\.name).joined(separator: ", "))): say which with uses:")
                    }
                    uses.append(cands[0].name)
                }
                file.components[i].uses = uses
            }
        }
    }

    /// The components a test must start for `names`: them and, transitively, what they use.
    public static func closure(of names: [String], in file: PipelineFile) -> [String] {
        var out: [String] = []
        var todo = names
        while let n = todo.popLast() {
            guard !out.contains(n), let c = file.component(named: n) else { continue }
            out.append(n)
            todo += c.uses
        }
        return out
    }
}
