#include "base/signals.h"

#include <signal.h>

#include "base/text.h"

namespace nskit {

namespace {

// Signals 1 to 31 in number order (x86-64 numbering), then the aliases.
constexpr std::string_view signal_names =
    "HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT CHLD CONT STOP TSTP TTIN TTOU "
    "URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS ";
static_assert(SIGSYS == 31 && SIGBUS == 7 && SIGIO == 29, "signal_names follows the x86-64 numbering");
struct Alias {
    char name[5];
    signed char number;
};
constexpr Alias aliases[] = {{"IOT", SIGABRT}, {"CLD", SIGCHLD}, {"POLL", SIGIO}};

bool same_letters(std::string_view a, std::string_view upper)
{
    if (a.size() != upper.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char c = a[i] >= 'a' && a[i] <= 'z' ? static_cast<char>(a[i] - 'a' + 'A') : a[i];
        if (c != upper[i])
            return false;
    }
    return true;
}

}  // namespace

[[gnu::noinline]] std::optional<int> parse_signal_name(std::string_view name)
{
    if (name.size() > 3 && same_letters(name.substr(0, 3), "SIG"))
        name.remove_prefix(3);
    std::string_view names = signal_names;
    for (int number = 1; !names.empty(); ++number)
        if (same_letters(name, split_first(names, ' ')))
            return number;
    for (const Alias& alias : aliases)
        if (same_letters(name, alias.name))
            return alias.number;
    // RTMIN, RTMIN+n, RTMAX, RTMAX-n
    if (name.size() >= 5 && (same_letters(name.substr(0, 5), "RTMIN") || same_letters(name.substr(0, 5), "RTMAX"))) {
        bool from_min = same_letters(name.substr(0, 5), "RTMIN");
        std::string_view rest = name.substr(5);
        std::uint64_t offset = 0;
        if (!rest.empty()) {
            if (rest[0] != (from_min ? '+' : '-'))
                return std::nullopt;
            auto n = parse_decimal(rest.substr(1), 64);
            if (!n)
                return std::nullopt;
            offset = *n;
        }
        int number = from_min ? SIGRTMIN + static_cast<int>(offset) : SIGRTMAX - static_cast<int>(offset);
        if (number < SIGRTMIN || number > SIGRTMAX)
            return std::nullopt;
        return number;
    }
    return std::nullopt;
}

}  // namespace nskit
