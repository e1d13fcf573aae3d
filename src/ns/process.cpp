#include "ns/process.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>

#include "base/sys.h"

namespace nskit {

namespace {

volatile pid_t forward_to = 0;

void forward_signal(int signal)
{
    if (forward_to > 0)
        ::kill(forward_to, signal);
}

void set_handler(int signal, void (*handler)(int))
{
    struct sigaction action {};
    action.sa_handler = handler;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    ::sigaction(signal, &action, nullptr);
}

[[noreturn]] void die_like(int signal)
{
    // The child already dumped core if it was going to; do not do it twice.
    (void)sys::disable_core_dumps();
    set_handler(signal, SIG_DFL);
    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, signal);
    ::sigprocmask(SIG_UNBLOCK, &only, nullptr);
    ::kill(::getpid(), signal);
    ::_exit(128 + signal);
}

}  // namespace

Result<pid_t> fork_child()
{
    pid_t pid = TRY(sys::fork());
    if (pid == 0)
        set_handler(SIGCHLD, SIG_DFL);
    return pid;
}

Result<pid_t> fork_into_cgroup(int cgroup_dir)
{
    // struct clone_args as of Linux 5.7 (CLONE_ARGS_SIZE_VER2), no stack:
    // the child returns from the call as from fork.
    struct {
        std::uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
            set_tid_size, cgroup;
    } args{};
    constexpr std::uint64_t clone_into_cgroup = 0x200000000ULL;
    args.flags = clone_into_cgroup;
    args.exit_signal = SIGCHLD;
    args.cgroup = static_cast<std::uint64_t>(cgroup_dir);
    long pid = ::syscall(SYS_clone3, &args, sizeof args);
    if (pid < 0)
        return Error::from_errno(errno, "cannot fork into the cgroup");
    if (pid == 0)
        set_handler(SIGCHLD, SIG_DFL);
    return static_cast<pid_t>(pid);
}

Result<pid_t> spawn_child(FunctionRef<void()> child)
{
    // Enough for what a child does before exec (a path search, a message).
    alignas(16) static char stack[64 * 1024];
    auto start = [](void* function) -> int {
        (*static_cast<FunctionRef<void()>*>(function))();
        ::_exit(127);  // not reached: `child` execs or exits
    };
    int pid = ::clone(start, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, &child);
    if (pid < 0)
        return Error::from_errno(errno, "cannot fork");
    return static_cast<pid_t>(pid);
}

int wait_and_mirror(pid_t child) { return wait_and_mirror(child, {{SIGTERM, SIGHUP, SIGUSR1, SIGUSR2}, {SIGINT, SIGQUIT}}); }

int wait_and_mirror(pid_t child, SignalPolicy policy)
{
    forward_to = child;
    for (int signal : policy.forward)
        set_handler(signal, forward_signal);
    for (int signal : policy.ignore)
        set_handler(signal, SIG_IGN);
    // A caller may hold these blocked across the fork so none is lost or fatal before now.
    sigset_t handled;
    sigemptyset(&handled);
    for (auto list : {policy.forward, policy.ignore})
        for (int signal : list)
            sigaddset(&handled, signal);
    ::sigprocmask(SIG_UNBLOCK, &handled, nullptr);

    for (;;) {
        auto waited = sys::waitpid(child, policy.mirror_stops ? WUNTRACED : 0);
        if (!waited.ok())
            return 1;
        int status = waited.value().status;
        if (WIFSTOPPED(status)) {
            // Stop ourselves so the shell that started us sees the stop, then
            // pass the continue on.
            ::kill(::getpid(), SIGSTOP);
            ::kill(child, SIGCONT);
            continue;
        }
        return mirror_exit(status);
    }
}

int mirror_exit(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        die_like(WTERMSIG(status));
    return 1;
}

}  // namespace nskit
