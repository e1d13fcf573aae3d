// The process whose namespaces (and root, cwd, environment, cgroups) we take.
// It is pinned twice: by a pidfd, which names this process and no other for
// as long as we hold it, and by a descriptor of its /proc directory, which
// every later /proc look-up goes through. After the last look-up,
// still_alive() proves nothing we read came from a recycled PID.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>

#include "base/fd.h"
#include "base/result.h"

namespace nskit {

struct TargetSpec {
    pid_t pid = 0;
    std::optional<std::uint64_t> inode;  // "PID:INODE": the pidfd's inode (Linux >= 6.9)
};

// Parses "PID" or "PID:INODE"; PID must be 1 ... 4194304 (the kernel's PID_MAX_LIMIT).
Result<TargetSpec> parse_target(std::string_view text);

class Target {
public:
    pid_t pid() const { return pid_; }
    int proc_dir() const { return proc_dir_.get(); }
    // -1 on kernels without pidfd_open (before 5.3).
    int pidfd() const { return pidfd_.get(); }

    // Fails when the process has exited since it was pinned.
    Result<void> still_alive() const;
    // For explaining another failure: an exiting process loses its /proc
    // entries a moment before its pidfd says so, so this waits up to 100 ms.
    Result<void> still_alive_after_failure() const;

private:
    friend Result<Target> pin_target(const TargetSpec& spec);
    pid_t pid_ = 0;
    Fd pidfd_;
    Fd proc_dir_;
};

// Opens the pidfd and /proc/PID; refuses a process that does not exist, a
// zombie, a kernel thread, or one whose pidfd inode differs from spec.inode.
Result<Target> pin_target(const TargetSpec& spec);

// What /proc/PID/stat says about a process's state ('R', 'S', 'Z', ...) and
// whether it is a kernel thread; split out for unit tests.
struct ProcStat {
    char state = '?';
    bool kernel_thread = false;
};
std::optional<ProcStat> parse_proc_stat(std::string_view stat);

}  // namespace nskit
