// cspawn: fork/exec trampoline that sets the process group and parent-death signal in the child before exec.
#pragma once
#include <sys/types.h>

/// Starts `path` with `argv`/`envp` in its own process group, with PR_SET_PDEATHSIG(SIGKILL),
/// stdin from /dev/null, stdout/stderr on the given fds, in directory `cwd`. When `cgroup_procs_fd` is
/// not -1 (an open `cgroup.procs` file), the child writes its pid there before exec.
/// Returns 0 and the child's pid in `*pid`, or an errno value: the errno of the failed step in the
/// child (exec, chdir, ...) is sent back through a close-on-exec pipe, so a missing binary is an error
/// here rather than a child that exits 127. `*failed_step` names the step that failed (static string).
int cspawn_start(const char *path, char *const argv[], char *const envp[], const char *cwd,
                 int stdout_fd, int stderr_fd, int cgroup_procs_fd, pid_t *pid, const char **failed_step);

/// Starts the controller's cgroup watchdog: `path` with `argv`, stdin from `stdin_fd` (the read end of
/// a pipe only the controller writes to), stdout/stderr to /dev/null, in a session of its own and with
/// no parent-death signal. Returns 0 and its pid in `*pid`, or an errno value.
int cspawn_watchdog(const char *path, char *const argv[], int stdin_fd, pid_t *pid);

/// pipe2(O_CLOEXEC) (Swift's Glibc does not export pipe2): both ends close at exec from their birth, so
/// no process another thread starts meanwhile inherits them. Returns 0 or an errno value.
int cspawn_pipe_cloexec(int fds[2]);
