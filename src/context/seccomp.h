// The seccomp filters an entered command gets, as `docker exec` gives its
// process the container's: oldest first, the order the kernel keeps them in.
// Where they come from:
//   - a runtime's record: the filters of the runtime's own process tree
//     (read from its monitor, a shim or conmon: a process of the host's,
//     started under a service manager's filter, say), then config.json's
//     linux.seccomp compiled as runc compiles it (context/seccomp/). The
//     container's init is never stopped, asked or trusted for any of it: a
//     container can trace its own init, and can add filters to it that make
//     capset or prctl lie (tests/tools/hostile.c fake-caps);
//   - LXC: the filters of its monitor (the init's parent, a host process),
//     then the policy lxc.seccomp.profile names, compiled as liblxc builds
//     it (context/seccomp/lxc_policy.h), installed as a record's are;
//   - no record (pid:N, machined): the target's own filters, all of
//     them, copied through ptrace (PTRACE_SECCOMP_GET_FILTER, the target
//     stopped for microseconds) and installed only after our privileges are
//     final, with no_new_privs, so none of them can change how those are set.
// Reading a process's filters takes a lock per process (an abstract socket,
// sys::abstract_lock): entries at the same time wait their turn instead of
// failing as a second tracer does, and a tracer that is not ours is named.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "base/buffer.h"
#include "base/result.h"
#include "context/seccomp/compile.h"

namespace nskit {

class SeccompFilters {
public:
    // Appends one filter, newest so far, installed with `flags` (SECCOMP_FILTER_FLAG_*).
    Result<void> add(std::span<const seccomp::Instruction> program, std::uint32_t flags);
    // Appends every filter of `other`, after ours.
    Result<void> add(const SeccompFilters& other);

    std::size_t count() const { return count_; }
    std::size_t instructions() const { return instructions_; }

    // Each filter, oldest first.
    template <class Visit>
    void for_each(Visit visit) const;

private:
    struct Header {
        std::uint32_t flags;
        std::uint32_t length;  // instructions
    };
    Buffer programs_;  // per filter: a Header, then its instructions
    std::size_t count_ = 0;
    std::size_t instructions_ = 0;
};

// "Seccomp:" of /proc/PID/status: 0 none, 1 strict, 2 filter.
std::optional<int> seccomp_mode(std::string_view status);

// Every filter of `pid` (its /proc/PID/status text in `status`), through
// ptrace, into `into`.
Result<void> read_seccomp_filters(pid_t pid, std::string_view status, SeccompFilters& into);

// How many filters `pid` carries: Seccomp_filters of its status (Linux
// 5.9+), else counted through ptrace as above.
Result<std::size_t> count_seccomp_filters(pid_t pid, std::string_view status);

// Installs them on our process, oldest first (needs no_new_privs or CAP_SYS_ADMIN).
Result<void> install_seccomp_filters(const SeccompFilters& filters);

template <class Visit>
void SeccompFilters::for_each(Visit visit) const
{
    std::string_view rest = programs_.view();
    while (rest.size() >= sizeof(Header)) {
        Header header;
        __builtin_memcpy(&header, rest.data(), sizeof header);
        rest.remove_prefix(sizeof header);
        std::size_t bytes = header.length * sizeof(seccomp::Instruction);
        // A Buffer starts on a page, and headers and instructions are
        // multiples of 4 bytes: the instructions are as aligned as they need.
        static_assert(alignof(seccomp::Instruction) == 4 && sizeof(Header) % 4 == 0);
        visit(std::span(reinterpret_cast<const seccomp::Instruction*>(rest.data()), header.length), header.flags);
        rest.remove_prefix(bytes);
    }
}

}  // namespace nskit
