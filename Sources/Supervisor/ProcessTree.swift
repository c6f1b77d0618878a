// ProcessTree: a node's processes that left its process group. Some servers put every child in a
// session of its own (PostgreSQL's postmaster calls setsid() in each backend and auxiliary process),
// so a signal to the node's group reaches only the parent: a pause would freeze the postmaster while
// its backends and WAL sender went on answering, and a kill would leave them to notice alone.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

enum ProcessTree {
    /// Every live descendant of `root` (children, their children...), from /proc; empty where there is none.
    static func descendants(of root: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var children: [Int32: [Int32]] = [:]
        for e in entries {
            guard let pid = Int32(e), let ppid = parent(of: pid) else { continue }
            children[ppid, default: []].append(pid)
        }
        var out: [Int32] = []
        var queue = children[root] ?? []
        while let p = queue.popLast() {
            out.append(p)
            queue += children[p] ?? []
        }
        return out
    }

    /// The parent pid from /proc/<pid>/stat (the field after the state, past the command's parenthesis).
    static func parent(of pid: Int32) -> Int32? {
        guard let s = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = s.lastIndex(of: ")") else { return nil }
        let fields = s[s.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? Int32(fields[1]) : nil
    }

    /// `sig` to the node's group and to every descendant outside it. The descendants are listed before
    /// the group is signalled (once SIGKILL ends the parent its children are re-parented away), and
    /// again after a SIGSTOP (a child forked while the list was read is frozen too).
    static func signal(group pid: Int32, _ sig: Int32) {
        let before = descendants(of: pid)
        Glibc.kill(-pid, sig)
        for d in before { Glibc.kill(d, sig) }
        if sig == SIGSTOP || sig == SIGCONT {
            for d in descendants(of: pid) where !before.contains(d) { Glibc.kill(d, sig) }
        }
    }
}
