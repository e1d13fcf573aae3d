// Forking before exec when the new pid namespace must be the program's own,
// and making the waiting parent indistinguishable from the program: same
// exit code, same killing signal, same stops.
#pragma once

#include <sys/types.h>

#include <initializer_list>

#include "base/function_ref.h"
#include "base/result.h"

namespace nskit {

// Forks. Returns 0 in the child and the child's pid in the parent.
Result<pid_t> fork_child();

// Forks into the cgroup v2 directory `cgroup_dir` (clone3 with
// CLONE_INTO_CGROUP, Linux 5.7): the child is in that cgroup from its first
// instruction. An error when the kernel or a seccomp filter refuses it
// (ENOSYS before 5.3, E2BIG or EINVAL before 5.7, EBUSY for a cgroup that
// is not a leaf, EACCES or EPERM): the caller then forks and moves.
// Returns 0 in the child and the child's pid in the parent.
Result<pid_t> fork_into_cgroup(int cgroup_dir);

// Runs `child` in a new process that shares our memory until it execs or
// exits, as posix_spawn does (clone with CLONE_VM | CLONE_VFORK, on a stack
// of its own): none of our address space is copied, so the program starts
// sooner (about 70 us here), and we are suspended until then. `child` must
// end in execve or _exit, never return; anything it writes in memory
// (errno) is ours to see afterwards. Returns the child's pid.
Result<pid_t> spawn_child(FunctionRef<void()> child);

// In the parent: waits for `child`, stops when it stops (and continues it
// when we are continued), forwards SIGTERM, SIGHUP, SIGUSR1 and SIGUSR2 to it,
// and ignores the terminal's SIGINT and SIGQUIT (they reach the child
// directly). Returns the child's exit code; when the child was killed by a
// signal, re-raises that signal on itself (without a core dump) and returns
// 128 + signal only if that did not end us.
int wait_and_mirror(pid_t child);

// What the waiting parent does with signals sent to it: forward them to the
// child, or ignore them; any other signal keeps its default action.
struct SignalPolicy {
    std::initializer_list<int> forward;
    std::initializer_list<int> ignore;
    // Stop when the child stops (nsenter, unshare: job control of the
    // caller's shell). Not for a command inside a container, which could
    // then stop whoever entered it.
    bool mirror_stops = true;
};

// wait_and_mirror with another policy (unshare's: ignore SIGINT and SIGTERM,
// or forward them with --forward-signals). The policy's signals are unblocked
// once handled, so a caller can block them before forking.
int wait_and_mirror(pid_t child, SignalPolicy policy);

// What wait_and_mirror does with a child's end (a waitpid status): returns
// its exit code, or re-raises the signal that killed it on ourselves.
int mirror_exit(int status);

}  // namespace nskit
