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

// Reads filter `index` (0 is the newest) into `out`, after its size.
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
    auto field = status_field(status, "Seccomp");
    if (!field)
        return std::nullopt;
    auto mode = parse_decimal(trim(*field), 2);
    if (!mode)
        return std::nullopt;
    return static_cast<int>(*mode);
}

Result<SeccompFilters> read_seccomp_filters(pid_t pid, std::string_view status)
{
    SeccompFilters filters;
    auto mode = seccomp_mode(status);
    if (!mode || *mode == 0)
        return filters;  // no seccomp here, or none on this process
    if (*mode == 1)
        return Error::because("it is in strict seccomp mode, which allows no exec", "cannot enter PID ", pid);
    std::size_t expected = 0;
    if (auto count = status_field(status, "Seccomp_filters"))
        expected = parse_decimal(trim(*count), max_filters).value_or(0);

    TRY(sys::ptrace(PTRACE_SEIZE, pid).describe("cannot trace PID ", pid, " to read its seccomp filters"));
    int pass_on = 0;  // a signal the stop caught, given back on detach
    auto read_all_filters = [&]() -> Result<void> {
        TRY(sys::ptrace(PTRACE_INTERRUPT, pid).describe("cannot stop PID ", pid, " to read its seccomp filters"));
        auto waited = TRY(sys::waitpid_traced(pid).describe("cannot wait for PID ", pid));
        if (!WIFSTOPPED(waited.status))
            return Error::because("it exited", "cannot read the seccomp filters of PID ", pid);
        if ((waited.status >> 16) != PTRACE_EVENT_STOP && WSTOPSIG(waited.status) != SIGTRAP)
            pass_on = WSTOPSIG(waited.status);
        // Newest first from the kernel; kept oldest first, the order to install them in.
        Buffer newest_first;
        std::size_t offsets[max_filters];
        for (std::size_t index = 0; index < max_filters; ++index) {
            offsets[index] = newest_first.size();
            auto n = read_filter(pid, index, newest_first);
            if (!n.ok()) {
                if (n.error().code == ENOENT)
                    break;  // past the oldest
                return n.take_error();
            }
            filters.instructions += n.value();
            ++filters.count;
        }
        for (std::size_t i = filters.count; i-- > 0;) {
            std::size_t end = i + 1 < filters.count ? offsets[i + 1] : newest_first.size();
            if (!filters.programs.append(newest_first.view().substr(offsets[i], end - offsets[i])))
                return Error::from_errno(ENOMEM, "cannot read the seccomp filters of PID ", pid);
        }
        return {};
    };
    auto read = read_all_filters();
    // The error lives in one slot (base/result.h): keep it across the detach.
    if (!read.ok()) {
        Error saved = read.take_error();
        (void)sys::ptrace(PTRACE_DETACH, pid, 0, static_cast<unsigned long>(pass_on));
        return saved;
    }
    (void)sys::ptrace(PTRACE_DETACH, pid, 0, static_cast<unsigned long>(pass_on));
    if (expected && filters.count != expected)
        return Error::because("not every filter could be read", "cannot read the seccomp filters of PID ", pid);
    return filters;
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
