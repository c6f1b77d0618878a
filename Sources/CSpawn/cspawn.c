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
enum { STEP_SETPGID = 1, STEP_PDEATHSIG, STEP_PARENT_GONE, STEP_DUP2, STEP_CHDIR, STEP_EXEC };

static const char *step_name(int step) {
    switch (step) {
    case STEP_SETPGID: return "setpgid";
    case STEP_PDEATHSIG: return "prctl(PR_SET_PDEATHSIG)";
    case STEP_PARENT_GONE: return "parent exited during start";
    case STEP_DUP2: return "dup2";
    case STEP_CHDIR: return "chdir";
    case STEP_EXEC: return "execve";
    default: return "unknown";
    }
}

static void child_fail(int fd, int step) {
    int msg[2] = { step, errno };
    ssize_t r = write(fd, msg, sizeof msg);
    (void)r;
    _exit(127);
}

int cspawn_start(const char *path, char *const argv[], char *const envp[], const char *cwd,
                 int stdout_fd, int stderr_fd, pid_t *pid, const char **failed_step) {
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
        // The controller may block or ignore signals (signal sources, SIGPIPE): both survive exec.
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
        if (dup2(devnull, 0) < 0 || dup2(stdout_fd, 1) < 0 || dup2(stderr_fd, 2) < 0)
            child_fail(fds[1], STEP_DUP2);
        if (cwd != NULL && chdir(cwd) != 0) child_fail(fds[1], STEP_CHDIR);
        // Nothing else of the controller's may reach the node: its proxies' sockets would otherwise stay
        // open in every node, so a proxy's close or reset would not end the connection. Every fd above
        // stderr closes at exec (the status pipe too, which is what tells the parent exec succeeded).
        if (syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */) != 0) {
            for (int fd = 3; fd < 65536; fd++) fcntl(fd, F_SETFD, FD_CLOEXEC);
        }
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
