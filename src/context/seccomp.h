// The container's system call filter, carried over as it is: `docker exec`
// runs its process under the container's seccomp profile, and so must we.
// The kernel hands out the classic BPF programs of a process that we trace
// (PTRACE_SECCOMP_GET_FILTER): the init is ptrace-stopped for the few
// microseconds that takes, then let go; installing the programs again,
// oldest first, gives our process the same filter stack.
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

// Reads the filters of `pid` when its status says it has some.
Result<SeccompFilters> read_seccomp_filters(pid_t pid, std::string_view status);

// Installs them on our process (needs no_new_privs or CAP_SYS_ADMIN).
Result<void> install_seccomp_filters(const SeccompFilters& filters);

}  // namespace nskit
