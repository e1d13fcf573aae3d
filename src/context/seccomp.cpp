#include "context/seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "base/sys.h"
#include "base/proc_status.h"

namespace nskit {

using namespace std::literals;

namespace {

#ifndef PTRACE_SECCOMP_GET_FILTER
#define PTRACE_SECCOMP_GET_FILTER 0x420c
#endif
#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP 128
#endif

using seccomp::Instruction;
constexpr std::size_t max_filters = 64;
// How long an entry waits for another one reading the same process's filters.
constexpr int trace_lock_wait_ms = 5000;

struct Program {  // struct sock_fprog
    unsigned short length;
    const Instruction* filter;
};

// Filter `index` of a stopped, traced `pid` (0 is the oldest: the kernel's
// get_nth_filter counts back from the newest), appended to `into`.
Result<void> read_filter(pid_t pid, std::size_t index, SeccompFilters& into)
{
    long count = TRY(sys::ptrace(PTRACE_SECCOMP_GET_FILTER, pid, index, 0));
    if (count <= 0 || static_cast<std::size_t>(count) > seccomp::max_instructions)
        return Error::because("the kernel gave an unexpected filter size", "cannot read the seccomp filter of PID ", pid);
    Instruction program[seccomp::max_instructions];
    long again = TRY(sys::ptrace(PTRACE_SECCOMP_GET_FILTER, pid, index, reinterpret_cast<unsigned long>(program)));
    if (again != count)
        return Error::because("the filter changed while it was read", "cannot read the seccomp filter of PID ", pid);
    // The flags a filter was installed with are not given back; a copy gets none.
    return into.add({program, static_cast<std::size_t>(count)}, 0);
}

// "PID N is traced by PID M", when another process traces `pid`.
Result<void> say_who_traces(pid_t pid)
{
    char text[4096];
    auto status = read_small_file(AT_FDCWD, Text<40>("/proc/", pid, "/status").c_str(), text);
    auto tracer = status.ok() ? status_field(status.value(), "TracerPid"sv) : std::nullopt;
    auto number = tracer ? parse_decimal(trim(*tracer)) : std::nullopt;
    if (number && *number != 0)
        return Error::because("one process at a time may trace another", "cannot read the seccomp filters of PID ",
                              pid, ": PID ", pid, " is traced by PID ", *number);
    return {};
}

// Stops `pid` (a PTRACE_SEIZE and PTRACE_INTERRUPT), runs `work` while it is
// stopped, and lets it go, giving back any signal the stop caught. One
// docker-enter at a time per process (the lock): a second tracer would be refused.
template <class Work>
Result<void> while_stopped(pid_t pid, Work work)
{
    Fd lock = TRY(sys::abstract_lock(Text<48>("nskit/trace/", pid).view(), trace_lock_wait_ms)
                      .describe("cannot read the seccomp filters of PID ", pid, " (another entry has held it for 5 s)"));
    if (auto seized = sys::ptrace(PTRACE_SEIZE, pid); !seized.ok()) {
        TRY(say_who_traces(pid));
        return Error::from_errno(seized.error().code, "cannot trace PID ", pid, " to read its seccomp filters");
    }
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
    (void)sys::ptrace(PTRACE_DETACH, pid, 0, static_cast<unsigned long>(pass_on));
    return stopped;
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
            return probe.take_error();
        return count;
    }
}

}  // namespace

Result<void> SeccompFilters::add(std::span<const Instruction> program, std::uint32_t flags)
{
    Header header{flags, static_cast<std::uint32_t>(program.size())};
    if (!programs_.append({reinterpret_cast<const char*>(&header), sizeof header}) ||
        !programs_.append({reinterpret_cast<const char*>(program.data()), program.size_bytes()}))
        return Error::from_errno(ENOMEM, "cannot keep a seccomp filter");
    ++count_;
    instructions_ += program.size();
    return {};
}

Result<void> SeccompFilters::add(const SeccompFilters& other)
{
    Result<void> added;
    other.for_each([&](std::span<const Instruction> program, std::uint32_t flags) {
        if (added.ok())
            added = add(program, flags);
    });
    return added;
}

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

Result<void> read_seccomp_filters(pid_t pid, std::string_view status, SeccompFilters& into)
{
    auto mode = seccomp_mode(status);
    if (!mode || *mode == 0)
        return {};  // no seccomp in this kernel, or no filter
    if (*mode == 1)
        return Error::because("it is in strict seccomp mode, which allows no exec", "cannot enter PID ", pid);
    auto read = while_stopped(pid, [&]() -> Result<void> {
        std::size_t count = TRY(count_stopped(pid));
        for (std::size_t index = 0; index < count; ++index)  // oldest first, the order to install them in
            TRY(read_filter(pid, index, into));
        return {};
    });
    if (!read.ok() && (read.error().code == EPERM || read.error().code == EACCES))
        return read.take_error().describe("cannot read the seccomp filters of PID ", pid, " (only root can)");
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
    Result<void> installed;
    filters.for_each([&](std::span<const Instruction> program, std::uint32_t flags) {
        Program fprog{static_cast<unsigned short>(program.size()), program.data()};
        if (installed.ok())
            installed = sys::seccomp_set_filter(&fprog, flags).describe("cannot install the container's seccomp filter");
    });
    return installed;
}

}  // namespace nskit
