// cspawn: fork/exec trampoline that sets the process group and parent-death signal in the child before exec.
#pragma once
#include <sys/types.h>

/// Starts `path` with `argv`/`envp` in its own process group, with PR_SET_PDEATHSIG(SIGKILL),
/// stdin from /dev/null, stdout/stderr on the given fds, in directory `cwd`.
/// Returns 0 and the child's pid in `*pid`, or an errno value: the errno of the failed step in the
/// child (exec, chdir, ...) is sent back through a close-on-exec pipe, so a missing binary is an error
/// here rather than a child that exits 127. `*failed_step` names the step that failed (static string).
int cspawn_start(const char *path, char *const argv[], char *const envp[], const char *cwd,
                 int stdout_fd, int stderr_fd, pid_t *pid, const char **failed_step);
