// The kernel interface (sys.h): descriptors: closing and moving them,
// splicing, signals as descriptors, and the calls that make a private copy of
// our own binary. Raw system calls where musl 1.2.3 has no wrapper.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

#include "base/buffer.h"
#include "base/dir.h"
#include "base/sys.h"
#include "base/sys_failure.h"

namespace nskit::sys {

Result<void> close_from(int first, int proc_self_fd)
{
    if (::syscall(SYS_close_range, first, ~0u, 0) == 0)
        return {};
    if (errno != ENOSYS)
        return failed("cannot close descriptors from ", first);
    if (proc_self_fd >= 0) {
        // Collect first, close after: closing while reading the directory
        // would also close the one we read it through.
        int open[256];
        std::size_t count = 0;
        bool more = false;
        Fd dir = TRY(openat(proc_self_fd, ".", O_RDONLY | O_DIRECTORY));
        TRY(for_each_entry(dir.get(), [&](const DirEntry& entry) {
            auto fd = parse_decimal(entry.name, 0x7fffffff);
            if (fd && static_cast<int>(*fd) >= first && static_cast<int>(*fd) != dir.get()) {
                if (count == std::size(open))
                    more = true;
                else
                    open[count++] = static_cast<int>(*fd);
            }
            return !more;
        }));
        for (std::size_t i = 0; i < count; ++i)
            ::close(open[i]);
        if (!more)
            return {};
    }
    Limit limit = TRY(getrlimit(RLIMIT_NOFILE));
    for (std::uint64_t fd = static_cast<std::uint64_t>(first); fd < limit.soft && fd < (1u << 20); ++fd)
        ::close(static_cast<int>(fd));
    return {};
}

Result<void> duplicate_to(int from, int to)
{
    if (from == to)
        return set_cloexec(to, false);
    if (::dup3(from, to, 0) < 0)
        return failed("cannot duplicate descriptor ", from, " to ", to);
    return {};
}

Result<void> set_cloexec(int fd, bool on)
{
    return check(::fcntl(fd, F_SETFD, on ? FD_CLOEXEC : 0), "cannot change close-on-exec");
}

Result<void> set_nonblocking(int fd)
{
    int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return failed("cannot make descriptor ", fd, " non-blocking");
    return {};
}

Result<void> fchown(int fd, uid_t uid, gid_t gid) { return check(::fchown(fd, uid, gid), "cannot change owner"); }

void set_umask(mode_t mask) { ::umask(mask); }

Result<void> setsid() { return check(::setsid(), "cannot start a new session"); }

Result<void> kill(pid_t pid, int signal) { return check(::kill(pid, signal), "cannot send a signal"); }

Result<int> ioctl(int fd, unsigned long request, void* argument)
{
    int rc = ::ioctl(fd, request, argument);
    if (rc < 0)
        return failed("ioctl failed");
    return rc;
}

Result<Fd> openat2(int dir, const char* path, int flags, std::uint64_t resolve)
{
    struct {
        std::uint64_t flags, mode, resolve;
    } how{static_cast<std::uint64_t>(flags | O_CLOEXEC), 0, resolve};
    long fd = ::syscall(SYS_openat2, dir, path, &how, sizeof how);
    if (fd < 0)
        return failed("cannot open ", path);
    return Fd(static_cast<int>(fd));
}

Result<std::size_t> splice(int from, int to, std::size_t size)
{
    constexpr unsigned move = 1, nonblock = 2;  // SPLICE_F_MOVE, SPLICE_F_NONBLOCK
    for (;;) {
        long n = ::syscall(SYS_splice, from, nullptr, to, nullptr, size, move | nonblock);
        if (n >= 0)
            return static_cast<std::size_t>(n);
        if (errno != EINTR)
            return failed("splice failed");
    }
}

Result<Fd> signalfd(const sigset_t& mask)
{
    constexpr int sfd_cloexec = O_CLOEXEC;
    long fd = ::syscall(SYS_signalfd4, -1, &mask, _NSIG / 8, sfd_cloexec);
    if (fd < 0)
        return failed("cannot make a signal descriptor");
    return Fd(static_cast<int>(fd));
}

Result<int> read_signal(int signal_fd)
{
    struct {
        std::uint32_t signal;
        std::uint8_t rest[124];  // struct signalfd_siginfo is 128 bytes
    } info;
    std::size_t n = TRY(read(signal_fd, &info, sizeof info));
    if (n != sizeof info)
        return Error::because("short read", "cannot read a signal");
    return static_cast<int>(info.signal);
}

Result<Fd> memfd_create(const char* name, unsigned flags)
{
    long fd = ::syscall(SYS_memfd_create, name, flags);
    if (fd < 0)
        return failed("cannot create an in-memory file");
    return Fd(static_cast<int>(fd));
}

Result<void> add_seals(int fd, int seals)
{
    return check(::fcntl(fd, 1033 /* F_ADD_SEALS */, seals), "cannot seal the in-memory file");
}

Result<int> seals(int fd)
{
    int rc = ::fcntl(fd, 1034 /* F_GET_SEALS */);
    if (rc < 0)
        return failed("cannot read the seals");
    return rc;
}

Result<void> copy_file(int from, int to, std::uint64_t size)
{
    off_t offset = 0;  // 64 bits everywhere with musl; its sendfile picks sendfile64 where that is separate
    while (static_cast<std::uint64_t>(offset) < size) {
        ssize_t n = ::sendfile(to, from, &offset, size - static_cast<std::uint64_t>(offset));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? failed("cannot copy") : Error::because("the file shrank", "cannot copy");
    }
    return {};
}

Result<Fd> read_only_clone(const char* path)
{
    Fd clone = TRY(open_tree(AT_FDCWD, path, open_tree_clone | at_recursive));
    struct {
        std::uint64_t set, clear, propagation, userns;
    } attributes{mount_attr_rdonly | mount_attr_nosuid | mount_attr_nodev, 0, 0, 0};
    if (::syscall(SYS_mount_setattr, clone.get(), "", AT_EMPTY_PATH | at_recursive, &attributes, sizeof attributes) < 0)
        return failed("cannot make the clone of ", path, " read-only");
    return clone;
}

Error execveat(int fd, char* const argv[], char* const envp[])
{
    ::syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
    return failed("cannot execute the private copy");
}

}  // namespace nskit::sys
