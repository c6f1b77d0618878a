// NodeCgroups: ownership of a node by cgroup, for nodes whose processes leave the node's process tree.
// Patroni starts the postmaster through a helper that setsid()s and exits: the postmaster is re-parented
// away from the node, so neither its process group, its parent-death signal nor ProcessTree reaches it.
// A cgroup keeps every process a node ever started, whatever setsid() or re-parenting does.
import CSpawn
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// NodeCgroups uses the cgroup v1 freezer hierarchy: `<freezer>/<own cgroup>/faultline-<controller pid>/<node>`.
/// A node joins its folder before exec (cspawn), so all of its descendants are there; pause freezes the
/// folder, kill freezes it, SIGKILLs every pid listed in it and thaws it. Those pids are ours alone.
///
/// A watchdog (a small shell process in a session of its own, started once per controller) blocks
/// reading a pipe only the controller holds. When the controller ends, however it ends (SIGKILL too),
/// the pipe closes: the watchdog kills every process in the controller's folders and removes them.
/// Parent-death signals cannot do this: the re-parented postmaster's parent is not the controller.
final class NodeCgroups: @unchecked Sendable {
    static let shared = NodeCgroups()

    private let lock = NSLock()
    /// `<freezer mount><own cgroup>/faultline-<pid>`, or why there is none.
    private let root: Result<String, Unavailable>
    private var watchdog: (pid: Int32, writeFD: Int32)?

    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    private init() {
        root = Self.findRoot().map { $0 + "/faultline-\(getpid())" }
    }

    /// The freezer hierarchy's folder of this process' own cgroup, from /proc/self/mountinfo and /proc/self/cgroup.
    static func findRoot() -> Result<String, Unavailable> {
        guard let mounts = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8),
              let groups = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8) else {
            return .failure(Unavailable(description: "/proc/self/mountinfo or /proc/self/cgroup unreadable"))
        }
        // mountinfo: id parent major:minor root mountpoint options ... - fstype source superoptions
        var mount: (root: String, point: String)?
        for line in mounts.split(separator: "\n") {
            let halves = line.components(separatedBy: " - ")
            guard halves.count == 2 else { continue }
            let pre = halves[0].split(separator: " "), post = halves[1].split(separator: " ")
            guard pre.count >= 5, post.count >= 3, post[0] == "cgroup",
                  post[2].split(separator: ",").contains("freezer") else { continue }
            mount = (String(pre[3]), String(pre[4]))
        }
        guard let mount else {
            return .failure(Unavailable(description: "no cgroup v1 freezer hierarchy is mounted (cgroup v2 alone is not supported yet)"))
        }
        // /proc/self/cgroup: hierarchy-id:controllers:path
        var own = "/"
        for line in groups.split(separator: "\n") {
            let f = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            if f.count == 3, f[1].split(separator: ",").contains("freezer") { own = String(f[2]) }
        }
        if mount.root != "/" && own.hasPrefix(mount.root) { own = String(own.dropFirst(mount.root.count)) }
        let base = mount.point + (own == "/" ? "" : own)
        guard access(base, W_OK) == 0 else {
            return .failure(Unavailable(description: "the freezer cgroup \(base) is not writable (needs root or a delegated cgroup)"))
        }
        return .success(base)
    }

    /// Why cgroup ownership cannot work here, nil when it can.
    var unavailableReason: String? {
        if case .failure(let e) = root { return e.description }
        return nil
    }

    /// The folder of node `name` (created, empty of processes, watched), ready to be joined.
    func prepare(_ name: String) throws -> String {
        let base = try root.get()
        try ensureWatchdog()
        let dir = base + "/" + name
        for d in [base, dir] where mkdir(d, 0o755) != 0 && errno != EEXIST {
            throw Unavailable(description: "cannot create \(d): \(String(cString: strerror(errno)))")
        }
        // What a previous run of the node left (its postmaster, when Patroni died alone) goes first.
        Self.killAll(dir, timeout: 5)
        return dir
    }

    /// Starts the watchdog once, when the first node that needs it starts.
    private func ensureWatchdog() throws {
        let base = try root.get()
        lock.lock()
        defer { lock.unlock() }
        if watchdog != nil { return }
        var fds: [Int32] = [0, 0]
        // Close-on-exec from birth: no node, setup step or health command may hold the controller's end
        // (the watchdog would then wait for them too). cspawn_watchdog dup2()s the read end to stdin.
        let perr = cspawn_pipe_cloexec(&fds)
        guard perr == 0 else { throw Unavailable(description: "pipe2: \(String(cString: strerror(perr)))") }
        let argv = ["/bin/sh", "-c", Self.watchdogScript, "faultline-watchdog", base]
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        var pid: pid_t = 0
        let err = cspawn_watchdog("/bin/sh", &cargs, fds[0], &pid)
        close(fds[0])
        guard err == 0 else {
            close(fds[1])
            throw Unavailable(description: "cannot start the cgroup watchdog: \(String(cString: strerror(err)))")
        }
        watchdog = (pid, fds[1])
    }

    /// Runs in the watchdog: `cat` returns when the controller's end of the pipe closes; then every
    /// node folder is emptied (freeze, SIGKILL each pid, thaw, until none is left) and removed.
    static let watchdogScript = """
        cat >/dev/null
        for d in "$1"/*/; do
          [ -d "$d" ] || continue
          n=0
          while [ -n "$(cat "$d/cgroup.procs" 2>/dev/null)" ] && [ $n -lt 200 ]; do
            echo FROZEN > "$d/freezer.state"
            for p in $(cat "$d/cgroup.procs"); do kill -9 "$p" 2>/dev/null; done
            echo THAWED > "$d/freezer.state"
            sleep 0.05; n=$((n+1))
          done
          rmdir "$d"
        done
        rmdir "$1"
        """

    // MARK: one node's folder

    static func pids(_ dir: String) -> [Int32] {
        guard let s = try? String(contentsOfFile: dir + "/cgroup.procs", encoding: .utf8) else { return [] }
        return s.split(separator: "\n").compactMap { Int32($0) }
    }

    /// FROZEN or THAWED, waiting (up to `timeout`) until the kernel says it is done.
    @discardableResult
    static func setFrozen(_ dir: String, _ frozen: Bool, timeout: Double = 5) -> Bool {
        let want = frozen ? "FROZEN" : "THAWED"
        guard let fh = FileHandle(forWritingAtPath: dir + "/freezer.state") else { return false }
        try? fh.write(contentsOf: Data(want.utf8))
        try? fh.close()
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            let s = (try? String(contentsOfFile: dir + "/freezer.state", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            if s == want { return true }
            usleep(2_000)
        } while Date() < deadline
        return false
    }

    /// Freezes the folder (no process of it can fork any more), SIGKILLs every pid in it, thaws it (a
    /// frozen process dies only once thawed), until it is empty; false if processes remain at `timeout`.
    @discardableResult
    static func killAll(_ dir: String, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !pids(dir).isEmpty {
            if Date() > deadline { return false }
            setFrozen(dir, true, timeout: 1)
            for p in pids(dir) { Glibc.kill(p, SIGKILL) }
            setFrozen(dir, false, timeout: 1)
            let settle = Date().addingTimeInterval(0.5)
            while !pids(dir).isEmpty && Date() < settle { usleep(2_000) }
        }
        return true
    }

    /// SIGKILL to every pid of the folder without waiting (the atexit path; the watchdog finishes).
    static func killNow(_ dir: String) {
        setFrozen(dir, true, timeout: 0.2)
        for p in pids(dir) { Glibc.kill(p, SIGKILL) }
        setFrozen(dir, false, timeout: 0.2)
    }

    /// Removes an empty node folder, and the controller's folder once it holds none.
    func remove(_ dir: String) {
        rmdir(dir)
        if case .success(let base) = root { rmdir(base) }
    }
}
