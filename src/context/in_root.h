// The container's files, opened the way a process inside the container
// would open them and never further. Everything in the container's file
// system is written by the attacker: /etc/passwd may be a symlink to
// /proc/self/fd/7, the working directory a symlink to a host descriptor
// (CVE-2024-21626), /dev/pts/ptmx a FIFO or a device node of the host's.
//   - A path is resolved inside `root`: an absolute symlink starts again at
//     it and ".." stops there (openat2 RESOLVE_IN_ROOT, Linux 5.6+; before
//     it, the same walk by hand, one component at a time).
//   - A magic link (/proc/self/fd/N, /proc/PID/root, ...) is never followed
//     (RESOLVE_NO_MAGICLINKS; by hand: no symlink inside a procfs is followed).
//   - What is found is opened O_PATH, which opens nothing: its type is
//     checked first, and only then is it reopened for reading through our
//     own /proc/self/fd. So a device or FIFO put where a file belongs is
//     never opened, not even once.
// Callers hold no host descriptor besides `proc_self_fd` while they do this.
#pragma once

#include <sys/stat.h>

#include <cstddef>

#include "base/buffer.h"
#include "base/fd.h"
#include "base/result.h"

namespace nskit {

struct ContainerRoot {
    int root;          // the container's root directory (ours, after setns into its mount namespace)
    int proc_self_fd;  // /proc/self/fd of a procfs we trust (opened before entering)
};

// An O_PATH descriptor of `path` inside `root` (relative paths start at it too).
Result<Fd> find_in_root(int root, const char* path);
// The same, by hand (what find_in_root does where openat2 is missing); for tests.
Result<Fd> find_in_root_by_walking(int root, const char* path);

// Reopens what an O_PATH descriptor names (see above), with `flags`.
Result<Fd> reopen(const ContainerRoot& where, int path_fd, int flags);

// A regular file of the container, read whole (at most `limit` bytes).
// Fails with ENOENT when it does not exist; anything but a regular file is refused.
Result<Buffer> read_container_file(const ContainerRoot& where, const char* path, std::size_t limit);

}  // namespace nskit
