#include "base/signals.h"

#include <signal.h>

#include "base/text.h"

namespace nskit {

namespace {

struct SignalName {
    const char* name;
    int number;
};

constexpr SignalName signal_names[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},       {"QUIT", SIGQUIT},     {"ILL", SIGILL},     {"TRAP", SIGTRAP},
    {"ABRT", SIGABRT}, {"IOT", SIGIOT},       {"BUS", SIGBUS},       {"FPE", SIGFPE},     {"KILL", SIGKILL},
    {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},     {"USR2", SIGUSR2},     {"PIPE", SIGPIPE},   {"ALRM", SIGALRM},
    {"TERM", SIGTERM}, {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},     {"CLD", SIGCHLD},    {"CONT", SIGCONT},
    {"STOP", SIGSTOP}, {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN},     {"TTOU", SIGTTOU},   {"URG", SIGURG},
    {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},   {"WINCH", SIGWINCH},
    {"IO", SIGIO},     {"POLL", SIGPOLL},     {"PWR", SIGPWR},       {"SYS", SIGSYS},
};

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

std::optional<int> parse_signal_name(std::string_view name)
{
    if (name.size() > 3 && same_letters(name.substr(0, 3), "SIG"))
        name.remove_prefix(3);
    for (const SignalName& s : signal_names)
        if (same_letters(name, s.name))
            return s.number;
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
