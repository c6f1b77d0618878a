// cspawn: the child side of node start-up; only async-signal-safe calls between fork and exec.
#define _GNU_SOURCE
#include "include/cspawn.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

// Step codes sent through the pipe with the errno (the child cannot allocate or format strings).
enum { STEP_SETPGID = 1, STEP_PDEATHSIG, STEP_PARENT_GONE, STEP_DUP2, STEP_CHDIR, STEP_EXEC, STEP_CGROUP };

static const char *step_name(int step) {
    switch (step) {
    case STEP_SETPGID: return "setpgid";
    case STEP_PDEATHSIG: return "prctl(PR_SET_PDEATHSIG)";
    case STEP_PARENT_GONE: return "parent exited during start";
    case STEP_DUP2: return "dup2";
    case STEP_CHDIR: return "chdir";
    case STEP_EXEC: return "execve";
    case STEP_CGROUP: return "joining the node's cgroup (write to cgroup.procs)";
    default: return "unknown";
    }
}

static void child_fail(int fd, int step) {
    int msg[2] = { step, errno };
    ssize_t r = write(fd, msg, sizeof msg);
    (void)r;
    _exit(127);
}

/// The decimal digits of `n` into `buf` (at least 12 bytes); returns their count. No stdio after fork.
static int format_pid(pid_t n, char *buf) {
    char tmp[12];
    int len = 0;
    do { tmp[len++] = (char)('0' + n % 10); n /= 10; } while (n > 0 && len < 11);
    for (int i = 0; i < len; i++) buf[i] = tmp[len - 1 - i];
    return len;
}

/// Resets the signal mask and every handler: the controller blocks or ignores signals (signal sources,
/// SIGPIPE), and both would survive exec.
static void default_signals(void) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int s = 1; s < 32; s++) {
        if (s == SIGKILL || s == SIGSTOP) continue;
        sigaction(s, &dfl, NULL);
    }
}

/// Every fd above stderr closes at exec.
static void cloexec_above_stderr(void) {
    if (syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */) != 0) {
        for (int fd = 3; fd < 65536; fd++) fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
}

int cspawn_start(const char *path, char *const argv[], char *const envp[], const char *cwd,
                 int stdout_fd, int stderr_fd, int cgroup_procs_fd, pid_t *pid, const char **failed_step) {
    *failed_step = "";
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull < 0) { *failed_step = "open /dev/null"; return errno; }
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) { int e = errno; close(devnull); *failed_step = "pipe2"; return e; }
    pid_t parent = getpid();
    pid_t child = fork();
    if (child < 0) {
        int e = errno;
        close(fds[0]); close(fds[1]); close(devnull);
        *failed_step = "fork";
        return e;
    }
    if (child == 0) {
        // Own group, so that kill/pause reach the node's own children too.
        if (setpgid(0, 0) != 0) child_fail(fds[1], STEP_SETPGID);
        // Dies with the spawning thread of the controller (covers SIGKILL of the controller).
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) child_fail(fds[1], STEP_PDEATHSIG);
        // The parent may have died before prctl took effect: then no signal would ever come.
        if (getppid() != parent) child_fail(fds[1], STEP_PARENT_GONE);
        // A cgroup-owned node joins its cgroup before it runs any code of its own: every process it
        // ever starts is then in it, whatever setsid() or re-parenting does to the process tree.
        if (cgroup_procs_fd >= 0) {
            char buf[12];
            int len = format_pid(getpid(), buf);
            if (write(cgroup_procs_fd, buf, (size_t)len) != len) child_fail(fds[1], STEP_CGROUP);
        }
        default_signals();
        if (dup2(devnull, 0) < 0 || dup2(stdout_fd, 1) < 0 || dup2(stderr_fd, 2) < 0)
            child_fail(fds[1], STEP_DUP2);
        if (cwd != NULL && chdir(cwd) != 0) child_fail(fds[1], STEP_CHDIR);
        // Nothing else of the controller's may reach the node: its proxies' sockets would otherwise stay
        // open in every node, so a proxy's close or reset would not end the connection. Every fd above
        // stderr closes at exec (the status pipe too, which is what tells the parent exec succeeded).
        cloexec_above_stderr();
        execve(path, argv, envp);
        child_fail(fds[1], STEP_EXEC);
    }
    close(fds[1]);
    close(devnull);
    // Also set the group from the parent, so a kill right after start reaches the group.
    setpgid(child, child);
    int msg[2] = { 0, 0 };
    ssize_t n;
    do { n = read(fds[0], msg, sizeof msg); } while (n < 0 && errno == EINTR);
    close(fds[0]);
    if (n == (ssize_t)sizeof msg) {
        int status;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
        *failed_step = step_name(msg[0]);
        return msg[1] != 0 ? msg[1] : EINVAL;
    }
    *pid = child;
    return 0;
}

int cspawn_watchdog(const char *path, char *const argv[], int stdin_fd, pid_t *pid) {
    int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (devnull < 0) return errno;
    pid_t child = fork();
    if (child < 0) { int e = errno; close(devnull); return e; }
    if (child == 0) {
        // A session of its own and no parent-death signal: it must outlive the controller it watches,
        // and a signal to the controller's terminal group must not end it first.
        setsid();
        default_signals();
        if (dup2(stdin_fd, 0) < 0 || dup2(devnull, 1) < 0 || dup2(devnull, 2) < 0) _exit(127);
        cloexec_above_stderr();
        execv(path, argv);
        _exit(127);
    }
    close(devnull);
    *pid = child;
    return 0;
}

int cspawn_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC) == 0 ? 0 : errno;
}
