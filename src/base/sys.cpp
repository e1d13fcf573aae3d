// The kernel interface (sys.h): files, directories and paths. Raw system
// calls where musl 1.2.3 has no wrapper or adds work nskit does not need.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "base/sys.h"
#include "base/sys_failure.h"

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

Result<std::size_t> getdents(int fd, void* buffer, std::size_t size)
{
    long n = ::syscall(SYS_getdents64, fd, buffer, size);
    if (n < 0)
        return failed("cannot read directory");
    return static_cast<std::size_t>(n);
}

Result<Pipe> pipe()
{
    int fds[2];
    // The raw call: musl's pipe2() carries a fallback for kernels before 2.6.27.
    if (::syscall(SYS_pipe2, fds, O_CLOEXEC) < 0)
        return failed("cannot create a pipe");
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

}  // namespace nskit::sys
