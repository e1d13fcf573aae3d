#include "base/signals.h"

#include <signal.h>

#include "base/text.h"

namespace nskit {

namespace {

// Signals 1 to 31 in number order, then the aliases. The numbering is the one
// x86, arm, powerpc and s390 share (alpha, mips, parisc and sparc differ).
constexpr std::string_view signal_names =
    "HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT CHLD CONT STOP TSTP TTIN TTOU "
    "URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS IOT CLD POLL ";
constexpr signed char alias_numbers[] = {SIGABRT, SIGCHLD, SIGIO};
static_assert(SIGSYS == 31 && SIGBUS == 7 && SIGIO == 29, "signal_names follows the common Linux numbering");

}  // namespace

std::optional<int> parse_signal_name(std::string_view name)
{
    // Case does not matter: compare in upper case. No name is this long.
    char upper[16];
    if (name.size() >= sizeof upper)
        return std::nullopt;
    for (std::size_t i = 0; i < name.size(); ++i)
        upper[i] = name[i] >= 'a' && name[i] <= 'z' ? static_cast<char>(name[i] - 'a' + 'A') : name[i];
    std::string_view s(upper, name.size());
    if (s.size() > 3 && starts_with(s, "SIG"))
        s.remove_prefix(3);
    if (int i = word_index(s, signal_names); i >= 0)
        return i < 31 ? i + 1 : alias_numbers[i - 31];
    // RTMIN, RTMIN+n, RTMAX, RTMAX-n
    bool from_min = starts_with(s, "RTMIN");
    if (!from_min && !starts_with(s, "RTMAX"))
        return std::nullopt;
    // musl's SIGRTMIN and SIGRTMAX are calls: once each.
    int min = SIGRTMIN, max = SIGRTMAX;
    std::string_view rest = s.substr(5);
    int offset = 0;
    if (!rest.empty()) {
        auto n = parse_decimal(rest.substr(1), static_cast<std::uint64_t>(max - min));
        if (rest[0] != (from_min ? '+' : '-') || !n)
            return std::nullopt;
        offset = static_cast<int>(*n);
    }
    return from_min ? min + offset : max - offset;
}

}  // namespace nskit
