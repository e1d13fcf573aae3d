// The kernel interface (sys.h): processes and what they hold: pidfds,
// namespaces, credentials and capabilities, fork and wait, resource limits,
// ptrace and seccomp, exec.
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <poll.h>

#include "base/sys.h"
#include "base/sys_failure.h"

namespace nskit::sys {

Result<Fd> pidfd_open(pid_t pid, unsigned flags)
{
    long fd = ::syscall(SYS_pidfd_open, pid, flags);
    if (fd < 0)
        return failed("cannot pin process ", pid);
    return Fd(static_cast<int>(fd));
}

Result<void> pidfd_send_signal(int pidfd, int signal)
{
    return check(::syscall(SYS_pidfd_send_signal, pidfd, signal, nullptr, 0), "cannot signal process");
}

bool pidfd_exited(int pidfd, int timeout_ms)
{
    struct pollfd poller {pidfd, POLLIN, 0};
    return ::poll(&poller, 1, timeout_ms) > 0 && (poller.revents & (POLLIN | POLLHUP));
}

Result<Fd> pidfd_getfd(int pidfd, int target_fd)
{
    long fd = ::syscall(SYS_pidfd_getfd, pidfd, target_fd, 0);
    if (fd < 0)
        return failed("cannot get file descriptor ", target_fd, " of the target");
    return Fd(static_cast<int>(fd));
}

Result<void> setns(int fd, int nstype) { return check(::syscall(SYS_setns, fd, nstype), "setns failed"); }
Result<void> unshare(int flags) { return check(::syscall(SYS_unshare, flags), "unshare failed"); }

Result<int> ioctl(int fd, unsigned long request)
{
    int rc = ::ioctl(fd, request);
    if (rc < 0)
        return failed("ioctl failed");
    return rc;
}

// Credentials go through raw system calls: nskit is single-threaded, so the
// libc wrappers' broadcast to every thread is not needed. 32-bit arm keeps
// the old 16-bit-ID calls under the plain names; the 32-bit-ID ones end in 32.
#ifdef SYS_setresuid32
constexpr long nr_setgroups = SYS_setgroups32, nr_setresuid = SYS_setresuid32, nr_setresgid = SYS_setresgid32;
#else
constexpr long nr_setgroups = SYS_setgroups, nr_setresuid = SYS_setresuid, nr_setresgid = SYS_setresgid;
#endif

Result<void> setgroups(std::span<const gid_t> groups)
{
    return check(::syscall(nr_setgroups, groups.size(), groups.data()), "setgroups failed");
}

Result<void> setresuid(uid_t uid) { return check(::syscall(nr_setresuid, uid, uid, uid), "setuid failed"); }
Result<void> setresgid(gid_t gid) { return check(::syscall(nr_setresgid, gid, gid, gid), "setgid failed"); }

namespace {
struct CapHeader {
    std::uint32_t version;
    int pid;
};
struct CapData {
    std::uint32_t effective, permitted, inheritable;
};
constexpr std::uint32_t capability_version_3 = 0x20080522;
}  // namespace

Result<CapSets> capget()
{
    CapHeader header{capability_version_3, 0};
    CapData data[2]{};
    if (::syscall(SYS_capget, &header, data) < 0)
        return failed("capget failed");
    CapSets caps;
    caps.effective = data[0].effective | std::uint64_t(data[1].effective) << 32;
    caps.permitted = data[0].permitted | std::uint64_t(data[1].permitted) << 32;
    caps.inheritable = data[0].inheritable | std::uint64_t(data[1].inheritable) << 32;
    return caps;
}

Result<void> capset(const CapSets& caps)
{
    CapHeader header{capability_version_3, 0};
    CapData data[2] = {
        {std::uint32_t(caps.effective), std::uint32_t(caps.permitted), std::uint32_t(caps.inheritable)},
        {std::uint32_t(caps.effective >> 32), std::uint32_t(caps.permitted >> 32),
         std::uint32_t(caps.inheritable >> 32)},
    };
    return check(::syscall(SYS_capset, &header, data), "capset failed");
}

Result<int> prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)
{
    int rc = ::prctl(option, a2, a3, a4, a5);
    if (rc < 0)
        return failed("prctl failed");
    return rc;
}

Result<pid_t> fork()
{
    pid_t pid = ::fork();
    if (pid < 0)
        return failed("cannot fork");
    return pid;
}

Result<void> disable_core_dumps()
{
    struct {
        std::uint64_t current, maximum;
    } no_core{0, 0};
    return check(::syscall(SYS_prlimit64, 0, RLIMIT_CORE, &no_core, nullptr), "cannot disable core dumps");
}

Result<WaitStatus> waitpid(pid_t pid, int options)
{
    for (;;) {
        int status = 0;
        pid_t got = ::waitpid(pid, &status, options);
        if (got >= 0)
            return WaitStatus{got, status};
        if (errno != EINTR)
            return failed("waitpid failed");
    }
}

Result<Limit> getrlimit(int resource)
{
    Limit limit{};
    if (::syscall(SYS_prlimit64, 0, resource, nullptr, &limit) < 0)
        return failed("cannot read resource limit ", resource);
    return limit;
}

Result<void> setrlimit(int resource, const Limit& limit)
{
    if (::syscall(SYS_prlimit64, 0, resource, &limit, nullptr) < 0)
        return failed("cannot set resource limit ", resource);
    return {};
}

Result<long> ptrace(int request, pid_t pid, unsigned long address, unsigned long data)
{
    long rc = ::syscall(SYS_ptrace, request, pid, address, data);
    if (rc < 0)
        return failed("ptrace failed");
    return rc;
}

Result<WaitStatus> waitpid_traced(pid_t pid)
{
    for (;;) {
        int status = 0;
        pid_t got = ::waitpid(pid, &status, __WALL);
        if (got >= 0)
            return WaitStatus{got, status};
        if (errno != EINTR)
            return failed("waitpid failed");
    }
}

Result<void> seccomp_set_filter(const void* program, unsigned flags)
{
    return check(::syscall(SYS_seccomp, 1 /* SECCOMP_SET_MODE_FILTER */, flags, program), "seccomp failed");
}

std::int64_t monotonic_ms()
{
    struct timespec now;
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<std::int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

int last_capability()
{
    static int cached = -1;
    if (cached >= 0)
        return cached;
    cached = 40;  // CAP_CHECKPOINT_RESTORE, the last one as of Linux 5.9+
    // Asked once, before any namespace is entered (callers see to it): a
    // container's /proc is the container's to fake. Never waited on all the same.
    int fd = ::open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
        ::close(fd);
        fd = -1;
    }
    if (fd >= 0) {
        char buffer[8];
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        ::close(fd);
        if (n > 0)
            if (auto v = parse_decimal(trim({buffer, static_cast<std::size_t>(n)}), 63))
                cached = static_cast<int>(*v);
    }
    return cached;
}

Error execve(const char* path, char* const argv[], char* const envp[])
{
    ::execve(path, argv, envp);
    return failed("failed to execute ", path);
}

Text<65> machine()
{
    struct utsname names;
    if (::uname(&names) != 0)
        return {};
    return Text<65>(static_cast<const char*>(names.machine));
}

}  // namespace nskit::sys
