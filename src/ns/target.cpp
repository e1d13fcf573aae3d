#include "ns/target.h"

#include <errno.h>
#include <fcntl.h>

#include "base/buffer.h"
#include "base/sys.h"
#include "base/text.h"

namespace nskit {

namespace {
constexpr std::uint64_t pid_max_limit = 4194304;  // PID_MAX_LIMIT on 64-bit kernels
constexpr std::uint64_t pf_kthread = 0x00200000;  // PF_KTHREAD in /proc/PID/stat's flags
constexpr long pidfs_magic = 0x50494446;             // PIDFS_MAGIC: pidfds of Linux 6.9+
}  // namespace

Result<TargetSpec> parse_target(std::string_view text)
{
    std::string_view rest = text;
    // util-linux parses with strtol: leading blanks and a '+' are accepted.
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t'))
        rest.remove_prefix(1);
    if (!rest.empty() && rest.front() == '+')
        rest.remove_prefix(1);
    std::string_view pid_text = split_first(rest, ':');
    auto pid = parse_decimal(pid_text, pid_max_limit);
    if (!pid || *pid == 0)
        return Error::because("not a process ID (1 to 4194304)", "invalid target '", text, "'");
    TargetSpec spec;
    spec.pid = static_cast<pid_t>(*pid);
    if (text.find(':') != std::string_view::npos) {
        auto inode = parse_decimal(rest);
        if (!inode)
            return Error::because("the inode after ':' is not a number", "invalid target '", text, "'");
        spec.inode = *inode;
    }
    return spec;
}

std::optional<ProcStat> parse_proc_stat(std::string_view stat)
{
    // "pid (comm) state ppid pgrp session tty_nr tpgid flags ...": comm may
    // hold spaces and parentheses, so fields count from its last ')'.
    auto close = stat.rfind(')');
    if (close == std::string_view::npos || close + 2 >= stat.size())
        return std::nullopt;
    std::string_view fields = stat.substr(close + 2);
    ProcStat result;
    result.state = fields[0];
    for (int field = 3; field < 9; ++field)  // skip state ... tpgid
        split_first(fields, ' ');
    auto flags = parse_decimal(split_first(fields, ' '));
    if (!flags)
        return std::nullopt;
    result.kernel_thread = (*flags & pf_kthread) != 0;
    return result;
}

namespace {
// A thread that is not its process's leader answers ENOENT; it needs PIDFD_THREAD.
Result<Fd> open_pidfd(pid_t pid)
{
    auto pidfd = sys::pidfd_open(pid, 0);
    if (pidfd.ok() || pidfd.error().code != ENOENT)
        return pidfd;
    return sys::pidfd_open(pid, sys::pidfd_thread);
}
}  // namespace

Result<Target> pin_target(const TargetSpec& spec)
{
    Target target;
    target.pid_ = spec.pid;

    // The pidfd first, then /proc/PID, then a liveness check: the process was
    // alive before and after the open, so /proc/PID is that same process.
    auto pidfd = open_pidfd(spec.pid);
    if (pidfd.ok()) {
        target.pidfd_ = pidfd.take_value();
    } else if (pidfd.error().code == ESRCH) {
        return Error::because("no such process", "target PID ", spec.pid);
    } else if (pidfd.error().code != ENOSYS && pidfd.error().code != EINVAL) {
        // EINVAL: a thread on a kernel without PIDFD_THREAD; /proc still pins it below.
        return pidfd.take_error();
    }

    Text<32> proc_path("/proc/", spec.pid);
    auto dir = sys::open(proc_path.c_str(), O_RDONLY | O_DIRECTORY);
    if (!dir.ok()) {
        if (dir.error().code == ENOENT)
            return Error::because("no such process", "target PID ", spec.pid);
        return dir.take_error();
    }
    target.proc_dir_ = dir.take_value();

    if (spec.inode) {
        if (!target.pidfd_)
            return Error::because("this kernel has no pidfd (Linux 5.3 or later needed)", "cannot check target ",
                                  spec.pid, ':', *spec.inode);
        // Before Linux 6.9 every pidfd is the same anonymous inode: no
        // process has one of its own to be named by.
        if (TRY(sys::fstatfs_type(target.pidfd())) != pidfs_magic)
            return Error::because("this kernel gives pidfds no inode of their own (Linux 6.9 or later needed)",
                                  "cannot check target ", spec.pid, ':', *spec.inode);
        auto st = TRY(sys::fstat(target.pidfd()));
        if (st.st_ino != *spec.inode)
            return Error::because("a different process now has that PID", "target ", spec.pid, ':',
                                  *spec.inode, " (its inode is ", st.st_ino, ')');
    }

    char buffer[1024];
    auto stat_text = read_small_file(target.proc_dir(), "stat", buffer).describe("cannot read /proc/", spec.pid, "/stat");
    if (!stat_text.ok()) {
        TRY(target.still_alive_after_failure());
        return stat_text.take_error();
    }
    auto stat = parse_proc_stat(stat_text.value());
    if (!stat)
        return Error::because("unexpected format", "cannot parse /proc/", spec.pid, "/stat");
    if (stat->state == 'Z' || stat->state == 'X')
        return Error::because("it is a zombie (exited, not yet reaped): it has no namespaces", "target PID ",
                              spec.pid);
    if (stat->kernel_thread)
        return Error::because("it is a kernel thread, not a process with namespaces of its own", "target PID ",
                              spec.pid);
    TRY(target.still_alive());
    return target;
}

Result<void> Target::still_alive() const
{
    if (pidfd_ && sys::pidfd_exited(pidfd_.get()))
        return Error::because("it exited (its PID may now belong to another process)", "target PID ", pid_);
    return {};
}

Result<void> Target::still_alive_after_failure() const
{
    if (pidfd_ && sys::pidfd_exited(pidfd_.get(), 100))
        return Error::because("it exited (its PID may now belong to another process)", "target PID ", pid_);
    return {};
}

}  // namespace nskit
