// The one place where nskit talks to the kernel. Each wrapper makes one
// system call and returns its result or an Error naming the step and errno.
// Calls that libc does not wrap everywhere (pidfd_*, capget) go
// through syscall(2) with their own argument structs here.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "base/fd.h"
#include "base/result.h"

namespace nskit::sys {

// Kernel constants that musl's headers do not carry (linux/nsfs.h, sockios.h,
// linux/magic.h); values are ABI and never change. The nsfs requests are
// encoded with the target's own _IO (powerpc puts the direction bits
// elsewhere: 0x2000b701 there, 0xb701 on the others).
inline constexpr unsigned long ns_get_userns = _IO(0xb7, 0x1);
inline constexpr unsigned long ns_get_parent = _IO(0xb7, 0x2);
inline constexpr unsigned long ns_get_nstype = _IO(0xb7, 0x3);
inline constexpr unsigned long ns_get_owner_uid = _IO(0xb7, 0x4);
inline constexpr unsigned long siocgskns = 0x894c;
inline constexpr long nsfs_magic = 0x6e736673;
inline constexpr long proc_super_magic = 0x9fa0;

Result<Fd> open(const char* path, int flags, mode_t mode = 0);
Result<Fd> openat(int dir, const char* path, int flags, mode_t mode = 0);
Result<std::size_t> read(int fd, void* buffer, std::size_t size);
Result<std::size_t> pread(int fd, void* buffer, std::size_t size, off_t offset);
Result<void> write_all(int fd, std::string_view data);
Result<struct stat> fstat(int fd);
Result<struct stat> stat(const char* path);
Result<struct stat> fstatat(int dir, const char* path, int flags);
Result<long> fstatfs_type(int fd);
bool on_read_only_mount(int fd);  // fstatfs says ST_RDONLY
Result<void> fsync(int fd);
Result<void> fchmod(int fd, mode_t mode);
Result<void> renameat(int from_dir, const char* from, int to_dir, const char* to);
Result<void> unlinkat(int dir, const char* path, int flags);
Result<void> symlinkat(const char* target, int dir, const char* path);
Result<std::size_t> readlinkat(int dir, const char* path, char* buffer, std::size_t size);
Result<Fd> dup_cloexec(int fd, int min_fd = 0);
Result<void> linkat(int from_dir, const char* from, int to_dir, const char* to, int flags);
Result<void> flock(int fd, int operation);
bool isatty(int fd);

// statx(2)'s attribute bits for `path` (relative to `dir`): which ones the
// kernel set, and which ones it knows about. musl 1.2.3 has no statx.
inline constexpr std::uint64_t attribute_mount_root = 0x2000;  // STATX_ATTR_MOUNT_ROOT
struct StatxAttributes {
    std::uint64_t set = 0, known = 0;
};
Result<StatxAttributes> statx_attributes(int dir, const char* path, int flags);

// flags: 0, or pidfd_thread for a thread that is not its process's leader (Linux 6.9+).
inline constexpr unsigned pidfd_thread = O_EXCL;  // PIDFD_THREAD
Result<Fd> pidfd_open(pid_t pid, unsigned flags = 0);
Result<void> pidfd_send_signal(int pidfd, int signal);
// True once the process has exited (a pidfd polls readable then, zombie or
// not), waiting up to `timeout_ms` for it.
bool pidfd_exited(int pidfd, int timeout_ms = 0);
Result<Fd> pidfd_getfd(int pidfd, int target_fd);
Result<void> setns(int fd, int nstype);
Result<void> unshare(int flags);
Result<int> ioctl(int fd, unsigned long request);

Result<void> chroot(const char* path);
Result<void> chdir(const char* path);
Result<void> fchdir(int fd);
Result<void> mount(const char* source, const char* target, const char* type, unsigned long flags,
                   const void* data = nullptr);
Result<void> umount2(const char* target, int flags);

Result<void> setgroups(std::span<const gid_t> groups);
Result<void> setresuid(uid_t uid);
Result<void> setresgid(gid_t gid);

struct CapSets {
    std::uint64_t effective = 0, permitted = 0, inheritable = 0;
};
Result<CapSets> capget();
Result<void> capset(const CapSets& caps);
Result<int> prctl(int option, unsigned long a2 = 0, unsigned long a3 = 0, unsigned long a4 = 0,
                  unsigned long a5 = 0);

Result<pid_t> fork();
// RLIMIT_CORE to 0 for this process (prlimit64: libc's setrlimit would pull
// in its all-threads machinery).
Result<void> disable_core_dumps();
struct WaitStatus {
    pid_t pid;
    int status;
};
Result<WaitStatus> waitpid(pid_t pid, int options);

// Resource limits of our own process (prlimit64 on ourselves).
struct Limit {
    std::uint64_t soft, hard;  // RLIM_INFINITY is ~0
};
Result<Limit> getrlimit(int resource);
Result<void> setrlimit(int resource, const Limit& limit);

// Tracing another process just long enough to read its seccomp filters.
Result<long> ptrace(int request, pid_t pid, unsigned long address = 0, unsigned long data = 0);
Result<WaitStatus> waitpid_traced(pid_t pid);  // waitpid(pid, __WALL), EINTR retried
// seccomp(SECCOMP_SET_MODE_FILTER, 0, program)
Result<void> seccomp_set_filter(const void* program, unsigned flags);  // flags: SECCOMP_FILTER_FLAG_*

// Directory entries (linux_dirent64 records), see base/dir.h.
Result<std::size_t> getdents(int fd, void* buffer, std::size_t size);

// Unix sockets and waiting with a deadline (the engine API client).

Result<Fd> socket_unix_stream();  // non-blocking, close-on-exec
Result<void> connect(int fd, const void* address, unsigned address_size);
Result<int> poll(struct pollfd* fds, unsigned long count, int timeout_ms);
Result<std::size_t> send(int fd, std::string_view data);  // one send, no SIGPIPE
std::int64_t monotonic_ms();

// The highest capability number this kernel knows (/proc/sys/kernel/cap_last_cap).
int last_capability();

// --- added for unshare (kept at the end to ease merges) ---

struct Pipe {
    Fd read, write;
};
// A close-on-exec pipe.
Result<Pipe> pipe();
// A close-on-exec unix stream socket pair: both ends read and write.
Result<Pipe> socket_pair();
// A lock no file stands for: a unix socket bound to an abstract `name`
// (in our network namespace), held while the descriptor is open and let go
// when it closes, however we end. Waits up to `wait_ms` for another holder
// to let go; EBUSY after that.
Result<Fd> abstract_lock(std::string_view name, int wait_ms);
// The id of the mount that holds `path` (statx STATX_MNT_ID), as the first
// field of /proc/self/mountinfo names it.
Result<std::uint64_t> mount_id(const char* path);

// Replaces this process with `path`; returns only on failure.
Error execve(const char* path, char* const argv[], char* const envp[]);


// --- descriptors, terminals and copies of ourselves (sys_descriptors.cpp) ---

// Closes every descriptor from `first` on (close_range, Linux 5.9+; before
// it, each one listed in `proc_self_fd`, an open /proc/self/fd of a procfs
// we trust, else each one below RLIMIT_NOFILE).
Result<void> close_from(int first, int proc_self_fd = -1);
// Makes `from` also descriptor `to` (which is closed first), not close-on-exec.
Result<void> duplicate_to(int from, int to);
Result<void> set_cloexec(int fd, bool on);
Result<void> set_nonblocking(int fd);
Result<void> fchown(int fd, uid_t uid, gid_t gid);  // -1 keeps one
void set_umask(mode_t mask);
Result<void> setsid();
Result<void> kill(pid_t pid, int signal);
Result<int> ioctl(int fd, unsigned long request, void* argument);

// openat2(2) (Linux 5.6+), with RESOLVE_* flags.
inline constexpr std::uint64_t resolve_no_magiclinks = 0x02, resolve_no_symlinks = 0x04, resolve_in_root = 0x10;
Result<Fd> openat2(int dir, const char* path, int flags, std::uint64_t resolve);

// A unix socket pair carries one descriptor with one byte of data (SCM_RIGHTS).
Result<void> send_fd(int socket, char tag, int fd);
struct Received {
    char tag = 0;   // 0 at the end of the stream
    Fd fd;          // empty when the message carried none
};
Result<Received> receive(int socket);

// splice(2) between a pipe and anything, without blocking on the pipe.
Result<std::size_t> splice(int from, int to, std::size_t size);

// A descriptor that reads the signals of `mask` (which the caller blocks).
Result<Fd> signalfd(const sigset_t& mask);
// The next signal on it: its number, and for SIGCHLD nothing more is needed.
Result<int> read_signal(int signal_fd);

// Sealed in-memory files (memfd_create, Linux 3.17+), for a private copy of nskit.
inline constexpr unsigned memfd_cloexec = 0x1, memfd_allow_sealing = 0x2, memfd_exec = 0x10;
Result<Fd> memfd_create(const char* name, unsigned flags);
inline constexpr int seal_seal = 0x1, seal_shrink = 0x2, seal_grow = 0x4, seal_write = 0x8;
Result<void> add_seals(int fd, int seals);
Result<int> seals(int fd);
// Copies `size` bytes from `from` (at its start) to `to` (sendfile).
Result<void> copy_file(int from, int to, std::uint64_t size);
// A detached clone of the mount holding `path`, and read-only for good
// (open_tree OPEN_TREE_CLONE, Linux 5.2+; mount_setattr, 5.12+).
Result<Fd> read_only_clone(const char* path);
// Replaces this process with the program open on `fd` (execveat AT_EMPTY_PATH).
Error execveat(int fd, char* const argv[], char* const envp[]);

// The machine the kernel says it runs on: uname(2)'s, "x86_64", "aarch64"
// (an x86_64 kernel says "i686" to a process under linux32(1)'s personality).
Text<65> machine();

// --- the mount API (sys_mounts.cpp; Linux 5.2+) ---

inline constexpr unsigned open_tree_clone = 0x1, at_recursive = 0x8000;
// open_tree(2), close-on-exec: with open_tree_clone, a detached copy of the mount at `path`.
Result<Fd> open_tree(int dir, const char* path, unsigned flags);
inline constexpr unsigned move_mount_f_empty_path = 0x4, move_mount_t_empty_path = 0x40;
Result<void> move_mount(int from_dir, const char* from, int to_dir, const char* to, unsigned flags);
inline constexpr unsigned mount_attr_rdonly = 0x1, mount_attr_nosuid = 0x2, mount_attr_nodev = 0x4;
// A new, detached tmpfs (fsopen, fsconfig, fsmount) with these mount_attr_* attributes.
Result<Fd> new_tmpfs(const char* mode, unsigned attributes);
Result<void> mkdirat(int dir, const char* path, mode_t mode);

}  // namespace nskit::sys
