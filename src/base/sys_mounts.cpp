// The kernel interface (sys.h): mounts: mount(2) and umount2(2), and the
// mount API of Linux 5.2 (open_tree, move_mount, fsopen/fsconfig/fsmount),
// which musl 1.2.3 does not wrap, for building a private view of a mount namespace.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/sys.h"
#include "base/sys_failure.h"

namespace nskit::sys {

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


Result<Fd> open_tree(int dir, const char* path, unsigned flags)
{
    long tree = ::syscall(SYS_open_tree, dir, path, flags | O_CLOEXEC);
    if (tree < 0)
        return failed("cannot clone the mount at ", path);
    return Fd(static_cast<int>(tree));
}

Result<void> move_mount(int from_dir, const char* from, int to_dir, const char* to, unsigned flags)
{
    if (::syscall(SYS_move_mount, from_dir, from, to_dir, to, flags) < 0)
        return failed("cannot attach a mount at ", *to ? to : "a directory");
    return {};
}

Result<Fd> new_tmpfs(const char* mode, unsigned attributes)
{
    constexpr unsigned fsopen_cloexec = 0x1, fsmount_cloexec = 0x1;
    constexpr unsigned fsconfig_set_string = 1, fsconfig_cmd_create = 6;
    long context = ::syscall(SYS_fsopen, "tmpfs", fsopen_cloexec);
    if (context < 0)
        return failed("cannot make a tmpfs");
    Fd fs(static_cast<int>(context));
    if (::syscall(SYS_fsconfig, fs.get(), fsconfig_set_string, "mode", mode, 0) < 0 ||
        ::syscall(SYS_fsconfig, fs.get(), fsconfig_cmd_create, nullptr, nullptr, 0) < 0)
        return failed("cannot make a tmpfs");
    long mount = ::syscall(SYS_fsmount, fs.get(), fsmount_cloexec, attributes);
    if (mount < 0)
        return failed("cannot mount a tmpfs");
    return Fd(static_cast<int>(mount));
}

Result<void> mkdirat(int dir, const char* path, mode_t mode)
{
    if (::mkdirat(dir, path, mode) < 0)
        return failed("cannot make directory ", path);
    return {};
}

}  // namespace nskit::sys
