// The container's system call filter, carried over as it is: `docker exec`
// runs its process under the container's seccomp profile, and so must we.
// The kernel hands out the classic BPF programs of a process that we trace
// (PTRACE_SECCOMP_GET_FILTER): the init is ptrace-stopped for the few
// microseconds that takes, then let go; installing the programs again,
// oldest first, gives our process the same filter stack.
//
// But the init's stack is also the container's to add to, and a filter it
// added can make capset or prctl report success without doing anything
// (tests/tools/hostile.c fake-caps). The filters that belong to the container
// are those it had at its first instruction: the runtime's process tree's
// own (its monitor's count, a host process), then the one filter the runtime
// installed when config.json has linux.seccomp. The kernel keeps a process's
// filters in the order they were added and never removes one, so those are
// exactly the oldest ones: everything newer was added by the container and
// is never installed here. A pid:N target has no record: its filters are
// all copied, and installed only after our privileges are final (with
// no_new_privs), so none of them can change how those are set.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string_view>

#include "base/buffer.h"
#include "base/result.h"

namespace nskit {

struct SeccompFilters {
    Buffer programs;  // per filter, oldest first: a u32 instruction count, then the instructions
    std::size_t count = 0;
    std::size_t instructions = 0;
};

// "Seccomp:" of /proc/PID/status: 0 none, 1 strict, 2 filter.
std::optional<int> seccomp_mode(std::string_view status);

// Reads the filters of `pid` into `filters` (empty) when its status says it
// has some: the `oldest` ones, or all of them.
inline constexpr std::size_t all_filters = ~std::size_t(0);
Result<void> read_seccomp_filters(pid_t pid, std::string_view status, SeccompFilters& filters,
                                  std::size_t oldest = all_filters);

// How many filters `pid` carries: Seccomp_filters of its status (Linux
// 5.9+), else counted through ptrace as above.
Result<std::size_t> count_seccomp_filters(pid_t pid, std::string_view status);

// Installs them on our process (needs no_new_privs or CAP_SYS_ADMIN).
Result<void> install_seccomp_filters(const SeccompFilters& filters);

}  // namespace nskit
