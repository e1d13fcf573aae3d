#include "base/sys.h"
#include "base/sys_failure.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <sys/mount.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <grp.h>
#include <poll.h>
#include <stdio.h>

namespace nskit::sys {

Result<Fd> open(const char* path, int flags, mode_t mode)
{
    // openat, not open: musl's open() follows an O_CLOEXEC open with an
    // fcntl(F_SETFD) for kernels older than 2.6.23, one more call each time.
    int fd = ::openat(AT_FDCWD, path, flags | O_CLOEXEC, mode);
    if (fd < 0)
        return failed("cannot open ", path);
    return Fd(fd);
}

Result<Fd> openat(int dir, const char* path, int flags, mode_t mode)
{
    int fd = ::openat(dir, path, flags | O_CLOEXEC, mode);
    if (fd < 0)
        return failed("cannot open ", path);
    return Fd(fd);
}

Result<std::size_t> read(int fd, void* buffer, std::size_t size)
{
    for (;;) {
        ssize_t n = ::read(fd, buffer, size);
        if (n >= 0)
            return static_cast<std::size_t>(n);
        if (errno != EINTR)
            return failed("read failed");
    }
}

Result<std::size_t> pread(int fd, void* buffer, std::size_t size, off_t offset)
{
    for (;;) {
        ssize_t n = ::pread(fd, buffer, size, offset);
        if (n >= 0)
            return static_cast<std::size_t>(n);
        if (errno != EINTR)
            return failed("read failed");
    }
}

Result<void> write_all(int fd, std::string_view data)
{
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return failed("write failed");
        // No progress at all: only a seccomp filter that answers write with
        // "0" does that, and trying again would spin for good.
        if (n == 0)
            return Error::from_errno(EIO, "write failed");
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

Result<struct stat> fstat(int fd)
{
    struct stat st;
    if (::fstat(fd, &st) < 0)
        return failed("cannot stat file descriptor ", fd);
    return st;
}

Result<struct stat> stat(const char* path)
{
    struct stat st;
    if (::stat(path, &st) < 0)
        return failed("cannot stat ", path);
    return st;
}

Result<struct stat> fstatat(int dir, const char* path, int flags)
{
    struct stat st;
    if (::fstatat(dir, path, &st, flags) < 0)
        return failed("cannot stat ", path);
    return st;
}

Result<long> fstatfs_type(int fd)
{
    struct statfs sfs;
    if (::fstatfs(fd, &sfs) < 0)
        return failed("cannot statfs file descriptor ", fd);
    return static_cast<long>(sfs.f_type);
}

bool on_read_only_mount(int fd)
{
    struct statfs sfs;
    return ::fstatfs(fd, &sfs) == 0 && (sfs.f_flags & 1 /* ST_RDONLY */);
}

Result<void> fsync(int fd) { return check(::fsync(fd), "fsync failed"); }
Result<void> fchmod(int fd, mode_t mode) { return check(::fchmod(fd, mode), "chmod failed"); }

Result<void> renameat(int from_dir, const char* from, int to_dir, const char* to)
{
    if (::renameat(from_dir, from, to_dir, to) < 0)
        return failed("cannot rename ", from, " to ", to);
    return {};
}

Result<void> unlinkat(int dir, const char* path, int flags)
{
    if (::unlinkat(dir, path, flags) < 0)
        return failed("cannot remove ", path);
    return {};
}

Result<void> symlinkat(const char* target, int dir, const char* path)
{
    if (::symlinkat(target, dir, path) < 0)
        return failed("cannot create symlink ", path);
    return {};
}

Result<std::size_t> readlinkat(int dir, const char* path, char* buffer, std::size_t size)
{
    ssize_t n = ::readlinkat(dir, path, buffer, size);
    if (n < 0)
        return failed("cannot read link ", path);
    return static_cast<std::size_t>(n);
}

Result<Fd> dup_cloexec(int fd, int min_fd)
{
    int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, min_fd);
    if (copy < 0)
        return failed("cannot duplicate file descriptor ", fd);
    return Fd(copy);
}

Result<void> linkat(int from_dir, const char* from, int to_dir, const char* to, int flags)
{
    if (::linkat(from_dir, from, to_dir, to, flags) < 0)
        return failed("cannot link ", from, " to ", to);
    return {};
}

Result<void> flock(int fd, int operation)
{
    for (;;) {
        if (::flock(fd, operation) == 0)
            return {};
        if (errno != EINTR)
            return failed("cannot lock file descriptor ", fd);
    }
}

bool isatty(int fd)
{
    struct termios t;
    return ::ioctl(fd, TCGETS, &t) == 0;
}

namespace {
// struct statx of linux/stat.h, as far as the attribute fields; 256 bytes in all.
struct KernelStatx {
    std::uint32_t mask, blksize;
    std::uint64_t attributes;
    std::uint32_t nlink, uid, gid;
    std::uint16_t mode, spare0;
    std::uint64_t ino, size, blocks, attributes_mask;
    std::uint8_t rest[256 - 64];
};
static_assert(sizeof(KernelStatx) == 256);
}  // namespace

Result<StatxAttributes> statx_attributes(int dir, const char* path, int flags)
{
    KernelStatx st{};
    if (::syscall(SYS_statx, dir, path, flags, 0u, &st) < 0)
        return failed("cannot stat ", path);
    return StatxAttributes{st.attributes, st.attributes_mask};
}

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

Result<void> chroot(const char* path)
{
    if (::chroot(path) < 0)
        return failed("cannot change root directory to ", path);
    return {};
}

Result<void> chdir(const char* path)
{
    if (::chdir(path) < 0)
        return failed("cannot change directory to ", path);
    return {};
}

Result<void> fchdir(int fd) { return check(::fchdir(fd), "cannot change directory"); }

Result<void> mount(const char* source, const char* target, const char* type, unsigned long flags,
                   const void* data)
{
    if (::mount(source, target, type, flags, data) < 0)
        return failed("cannot mount ", source ? source : "none", " on ", target);
    return {};
}

Result<void> umount2(const char* target, int flags)
{
    if (::umount2(target, flags) < 0)
        return failed("cannot unmount ", target);
    return {};
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

Result<std::size_t> getdents(int fd, void* buffer, std::size_t size)
{
    long n = ::syscall(SYS_getdents64, fd, buffer, size);
    if (n < 0)
        return failed("cannot read directory");
    return static_cast<std::size_t>(n);
}

Result<Fd> socket_unix_stream()
{
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return failed("cannot create a socket");
    return Fd(fd);
}

Result<void> connect(int fd, const void* address, unsigned address_size)
{
    for (;;) {
        if (::connect(fd, static_cast<const struct sockaddr*>(address), address_size) == 0)
            return {};
        if (errno != EINTR)
            return failed("cannot connect");
    }
}

Result<int> poll(struct pollfd* fds, unsigned long count, int timeout_ms)
{
    for (;;) {
        int n = ::poll(fds, count, timeout_ms);
        if (n >= 0)
            return n;
        if (errno != EINTR)
            return failed("poll failed");
    }
}

Result<std::size_t> send(int fd, std::string_view data)
{
    for (;;) {
        ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n >= 0)
            return static_cast<std::size_t>(n);
        if (errno != EINTR)
            return failed("send failed");
    }
}

std::int64_t monotonic_ms()
{
    struct timespec now;
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<std::int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

Text<65> machine()
{
    struct utsname names;
    if (::uname(&names) != 0)
        return {};
    return Text<65>(static_cast<const char*>(names.machine));
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

// --- added for unshare (kept at the end to ease merges) ---

Result<Pipe> pipe()
{
    int fds[2];
    // The raw call: musl's pipe2() carries a fallback for kernels before 2.6.27.
    if (::syscall(SYS_pipe2, fds, O_CLOEXEC) < 0)
        return failed("cannot create a pipe");
    return Pipe{Fd(fds[0]), Fd(fds[1])};
}

Result<Pipe> socket_pair()
{
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
        return failed("cannot create a socket pair");
    return Pipe{Fd(fds[0]), Fd(fds[1])};
}

Result<std::uint64_t> mount_id(const char* path)
{
    // struct statx by hand: musl 1.2.3 has no statx(); stx_mask is at offset
    // 0 and stx_mnt_id at 144 of its 256 bytes (linux/stat.h, ABI).
    constexpr unsigned statx_mnt_id = 0x1000;
    std::uint64_t buffer[32] = {};
    if (::syscall(SYS_statx, AT_FDCWD, path, 0, statx_mnt_id, buffer) < 0)
        return failed("cannot stat ", path);
    if (!(static_cast<std::uint32_t>(buffer[0]) & statx_mnt_id))
        return Error::because("the kernel does not report mount ids", "cannot find the mount of ", path);
    return buffer[144 / 8];
}

Error execve(const char* path, char* const argv[], char* const envp[])
{
    ::execve(path, argv, envp);
    return failed("failed to execute ", path);
}

}  // namespace nskit::sys
