// Resource limits and the OOM score adjustment of the container's process:
// `docker exec` runs its command with the container's (--ulimit,
// --oom-score-adj), taken here from the init's /proc/PID/limits and
// /proc/PID/oom_score_adj. Set on our own process before it forks, so the
// command inherits them. They bound resources, they grant no privilege: what
// the kernel refuses us (raising a hard limit without CAP_SYS_RESOURCE) is
// reported, not fatal.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/result.h"
#include "base/sys.h"

namespace nskit {

inline constexpr std::size_t limit_count = 16;  // RLIMIT_CPU ... RLIMIT_RTTIME, as /proc/PID/limits lists them

struct ProcessLimits {
    std::array<std::optional<sys::Limit>, limit_count> limits;
    std::optional<int> oom_score_adj;
};

// Parses /proc/PID/limits: the header, then one line per resource in RLIMIT_* order.
std::optional<std::array<std::optional<sys::Limit>, limit_count>> parse_proc_limits(std::string_view text);

Result<void> read_process_limits(int proc_dir, ProcessLimits& limits);

// No more than a process holding `bound` could give itself: each hard limit
// no higher than bound's, each soft limit no higher than its hard one, the
// OOM score adjustment no lower. Where bound says nothing, `limits` stays.
void clamp_process_limits(ProcessLimits& limits, const ProcessLimits& bound);

// The most that either of two processes holds: each limit of the one with
// the higher hard limit, and the lower OOM score adjustment; what one says
// where the other says nothing. Two processes of one user: what that user may hold.
ProcessLimits most_of(const ProcessLimits& a, const ProcessLimits& b);

// The soft limit of open files no higher than the init's, where `limits`
// and the init both name one (the hard limit stays). A Go 1.21+ program
// raises its own soft RLIMIT_NOFILE to its hard one when it starts, and
// starts programs with the soft limit it was started with: a shim built
// with it (Debian 13's containerd) shows the raised limit in
// /proc/PID/limits, while runc, and so `docker exec`'s command and the
// init before it, get the original. Only the container's own command can
// be lowered by what its init did to itself.
void lower_open_files_to(ProcessLimits& limits, const ProcessLimits& init);

// Applies them to our process (setting a limit to what it already is always
// succeeds); returns how many could not be set (the caller warns about them).
struct LimitsApplied {
    int failed = 0;
    int first_failed_resource = -1;
    int first_error = 0;
};
LimitsApplied apply_process_limits(const ProcessLimits& limits);

}  // namespace nskit
