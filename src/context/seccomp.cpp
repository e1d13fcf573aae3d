#include "context/seccomp.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include <cstdint>

#include "base/sys.h"
#include "ns/userns.h"

namespace nskit {

using namespace std::literals;

namespace {

#ifndef PTRACE_SECCOMP_GET_FILTER
#define PTRACE_SECCOMP_GET_FILTER 0x420c
#endif
#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP 128
#endif

struct Instruction {  // struct sock_filter
    std::uint16_t code;
    std::uint8_t jt, jf;
    std::uint32_t k;
};
struct Program {  // struct sock_fprog
    unsigned short length;
    const Instruction* filter;
};
constexpr std::size_t max_instructions = 4096;  // BPF_MAXINSNS
constexpr std::size_t max_filters = 64;

// Reads filter `index` (0 is the oldest: the kernel's get_nth_filter counts
// back from the newest) into `out`, after its size.
Result<std::size_t> read_filter(pid_t pid, std::size_t index, Buffer& out)
{
    long count = TRY(sys::ptrace(PTRACE_SECCOMP_GET_FILTER, pid, index, 0));
    if (count <= 0 || static_cast<std::size_t>(count) > max_instructions)
        return Error::because("the kernel gave an unexpected filter size", "cannot read the seccomp filter of PID ", pid);
    std::uint32_t n = static_cast<std::uint32_t>(count);
    std::size_t bytes = n * sizeof(Instruction);
    if (!out.append({reinterpret_cast<const char*>(&n), sizeof n}) || !out.reserve_more(bytes))
        return Error::from_errno(ENOMEM, "cannot read the seccomp filter of PID ", pid);
    long again = TRY(sys::ptrace(PTRACE_SECCOMP_GET_FILTER, pid, index, reinterpret_cast<unsigned long>(out.spare().data())));
    if (again != count)
        return Error::because("the filter changed while it was read", "cannot read the seccomp filter of PID ", pid);
    out.commit(bytes);
    return static_cast<std::size_t>(n);
}

}  // namespace

std::optional<int> seccomp_mode(std::string_view status)
{
    auto field = status_field(status, "Seccomp"sv);
    if (!field)
        return std::nullopt;
    auto mode = parse_decimal(trim(*field), 2);
    if (!mode)
        return std::nullopt;
    return static_cast<int>(*mode);
}

namespace {

// Stops `pid` (a PTRACE_SEIZE and PTRACE_INTERRUPT), runs `work` while it is
// stopped, and lets it go, giving back any signal the stop caught.
template <class Work>
Result<void> while_stopped(pid_t pid, Work work)
{
    TRY(sys::ptrace(PTRACE_SEIZE, pid).describe("cannot trace PID ", pid, " to read its seccomp filters"));
    int pass_on = 0;
    auto stopped = [&]() -> Result<void> {
        TRY(sys::ptrace(PTRACE_INTERRUPT, pid).describe("cannot stop PID ", pid, " to read its seccomp filters"));
        auto waited = TRY(sys::waitpid_traced(pid).describe("cannot wait for PID ", pid));
        if (!WIFSTOPPED(waited.status))
            return Error::because("it exited", "cannot read the seccomp filters of PID ", pid);
        if ((waited.status >> 16) != PTRACE_EVENT_STOP && WSTOPSIG(waited.status) != SIGTRAP)
            pass_on = WSTOPSIG(waited.status);
        return work();
    }();
    // The error lives in one slot (base/result.h): keep it across the detach.
    Error saved;
    if (!stopped.ok())
        saved = stopped.take_error();
    (void)sys::ptrace(PTRACE_DETACH, pid, 0, static_cast<unsigned long>(pass_on));
    if (!stopped.ok())
        return saved;
    return {};
}

// The number of filters of a stopped process: the first index past the
// newest answers ENOENT.
Result<std::size_t> count_stopped(pid_t pid)
{
    for (std::size_t count = 0;; ++count) {
        auto probe = sys::ptrace(PTRACE_SECCOMP_GET_FILTER, pid, count, 0);
        if (probe.ok() && count < max_filters)
            continue;
        if (!probe.ok() && probe.error().code != ENOENT)
            return Failure{};
        return count;
    }
}

}  // namespace

Result<void> read_seccomp_filters(pid_t pid, std::string_view status, SeccompFilters& filters, std::size_t oldest)
{
    auto mode = seccomp_mode(status);
    if (!mode || oldest == 0)
        return {};  // no seccomp in this kernel, or none wanted
    if (*mode == 0) {
        if (oldest != all_filters)
            return Error::because("it has none, where its runtime gave it some", "cannot read the seccomp filters of PID ",
                                  pid);
        return {};
    }
    if (*mode == 1)
        return Error::because("it is in strict seccomp mode, which allows no exec", "cannot enter PID ", pid);
    auto read = while_stopped(pid, [&]() -> Result<void> {
        std::size_t count = TRY(count_stopped(pid));
        if (oldest != all_filters && oldest > count)
            return Error::because("it has fewer than its runtime gave it", "cannot read the seccomp filters of PID ",
                                  pid, " (", count, " of ", oldest, ')');
        // Oldest first, the order to install them in.
        for (std::size_t index = 0; index < count && filters.count < oldest; ++index) {
            filters.instructions += TRY(read_filter(pid, index, filters.programs));
            ++filters.count;
        }
        return {};
    });
    // Unprivileged (a rootless container's owner), the filters cannot be read,
    // and nskit does not compile a config.json's linux.seccomp into one.
    if (!read.ok() && (read.error().code == EPERM || read.error().code == EACCES))
        redescribe_error("cannot read the seccomp filters of PID ", pid,
                         " (only root can, and no command runs without them)");
    return read;
}

Result<std::size_t> count_seccomp_filters(pid_t pid, std::string_view status)
{
    auto mode = seccomp_mode(status);
    if (!mode || *mode == 0)
        return std::size_t(0);
    if (auto field = status_field(status, "Seccomp_filters"sv))
        if (auto count = parse_decimal(trim(*field), max_filters))
            return static_cast<std::size_t>(*count);
    std::size_t count = 0;
    TRY(while_stopped(pid, [&]() -> Result<void> {
        count = TRY(count_stopped(pid));
        return {};
    }));
    return count;
}

Result<void> install_seccomp_filters(const SeccompFilters& filters)
{
    std::string_view rest = filters.programs.view();
    while (rest.size() >= sizeof(std::uint32_t)) {
        std::uint32_t n;
        ::memcpy(&n, rest.data(), sizeof n);
        rest.remove_prefix(sizeof n);
        std::size_t bytes = n * sizeof(Instruction);
        if (bytes > rest.size())
            return Error::because("corrupt filter list", "cannot install the seccomp filters");
        // A Buffer starts on a page and every count and instruction is a
        // multiple of 4 bytes: the instructions are as aligned as they need.
        static_assert(alignof(Instruction) == 4 && sizeof(Instruction) == 8);
        Program fprog{static_cast<unsigned short>(n), reinterpret_cast<const Instruction*>(rest.data())};
        TRY(sys::seccomp_set_filter(&fprog).describe("cannot install the container's seccomp filter"));
        rest.remove_prefix(bytes);
    }
    return {};
}

}  // namespace nskit
