#include "context/limits.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "base/buffer.h"

namespace nskit {

using namespace std::literals;

namespace {

constexpr std::size_t name_width = 26;  // "Max cpu time              "

std::optional<std::uint64_t> parse_limit(std::string_view word)
{
    if (word == "unlimited"sv)
        return ~std::uint64_t(0);
    return parse_decimal(word);
}

}  // namespace

std::optional<std::array<std::optional<sys::Limit>, limit_count>> parse_proc_limits(std::string_view text)
{
    std::array<std::optional<sys::Limit>, limit_count> limits;
    std::string_view header = split_first(text, '\n');
    if (!starts_with(header, "Limit"sv))
        return std::nullopt;
    for (std::size_t resource = 0; resource < limit_count && !text.empty(); ++resource) {
        std::string_view line = split_first(text, '\n');
        if (line.size() <= name_width || !starts_with(line, "Max "sv))
            return std::nullopt;
        std::string_view rest = line.substr(name_width);
        auto soft = parse_limit(next_word(rest));
        auto hard = parse_limit(next_word(rest));
        if (!soft || !hard)
            return std::nullopt;
        limits[resource] = sys::Limit{*soft, *hard};
    }
    return limits;
}

Result<void> read_process_limits(int proc_dir, ProcessLimits& result)
{
    char buffer[4096];
    auto text = TRY(read_small_file(proc_dir, "limits", buffer).describe("cannot read the resource limits of the container"));
    auto limits = parse_proc_limits(text);
    if (!limits)
        return Error::because("unexpected format", "cannot parse the resource limits of the container");
    result.limits = *limits;
    char score[32];
    if (auto adj = read_small_file(proc_dir, "oom_score_adj", score); adj.ok()) {
        std::string_view value = trim(adj.value());
        bool negative = starts_with(value, "-"sv);
        if (auto magnitude = parse_decimal(value.substr(negative ? 1 : 0), 1000))
            result.oom_score_adj = negative ? -static_cast<int>(*magnitude) : static_cast<int>(*magnitude);
    }
    return {};
}

void clamp_process_limits(ProcessLimits& limits, const ProcessLimits& bound)
{
    for (std::size_t resource = 0; resource < limit_count; ++resource) {
        std::optional<sys::Limit>& limit = limits.limits[resource];
        const std::optional<sys::Limit>& most = bound.limits[resource];
        if (!most)
            continue;
        if (!limit) {
            limit = most;
            continue;
        }
        limit->hard = limit->hard < most->hard ? limit->hard : most->hard;
        limit->soft = limit->soft < limit->hard ? limit->soft : limit->hard;
    }
    if (bound.oom_score_adj && (!limits.oom_score_adj || *limits.oom_score_adj < *bound.oom_score_adj))
        limits.oom_score_adj = bound.oom_score_adj;
}

ProcessLimits most_of(const ProcessLimits& a, const ProcessLimits& b)
{
    ProcessLimits most = a;
    for (std::size_t resource = 0; resource < limit_count; ++resource) {
        const std::optional<sys::Limit>& other = b.limits[resource];
        if (other && (!most.limits[resource] || other->hard > most.limits[resource]->hard))
            most.limits[resource] = other;
    }
    if (b.oom_score_adj && (!most.oom_score_adj || *b.oom_score_adj < *most.oom_score_adj))
        most.oom_score_adj = b.oom_score_adj;
    return most;
}

void lower_open_files_to(ProcessLimits& limits, const ProcessLimits& init)
{
    std::optional<sys::Limit>& ours = limits.limits[RLIMIT_NOFILE];
    const std::optional<sys::Limit>& theirs = init.limits[RLIMIT_NOFILE];
    if (ours && theirs && theirs->soft < ours->soft)
        ours->soft = theirs->soft;
}

LimitsApplied apply_process_limits(const ProcessLimits& wanted)
{
    LimitsApplied applied;
    auto note = [&](int resource, const Error& error) {
        if (applied.failed++ == 0) {
            applied.first_failed_resource = resource;
            applied.first_error = error.code;
        }
    };
    for (std::size_t resource = 0; resource < limit_count; ++resource) {
        if (!wanted.limits[resource])
            continue;
        // Setting a limit to what it already is always succeeds: no need to compare first.
        int r = static_cast<int>(resource);
        if (auto set = sys::setrlimit(r, *wanted.limits[resource]); !set.ok())
            note(r, set.error());
    }
    if (wanted.oom_score_adj) {
        char current[32];
        auto ours = read_small_file(AT_FDCWD, "/proc/self/oom_score_adj", current);
        Text<16> value(*wanted.oom_score_adj);
        if (!ours.ok() || trim(ours.value()) != value.view()) {
            // A process that is not dumpable has its /proc/self files owned by
            // root: a user who is not root opens its own for writing only
            // while it is dumpable (it holds nothing yet that others of its
            // user could not have; it is made undumpable again at once).
            auto dumpable = sys::prctl(PR_GET_DUMPABLE);
            bool reopen = ::geteuid() != 0 && dumpable.ok() && dumpable.value() == 0;
            if (reopen)
                (void)sys::prctl(PR_SET_DUMPABLE, 1);
            auto file = sys::open("/proc/self/oom_score_adj", O_WRONLY);
            if (reopen)
                (void)sys::prctl(PR_SET_DUMPABLE, 0);
            auto written = file.ok() ? sys::write_all(file.value().get(), value.view()) : Result<void>(file.take_error());
            if (!written.ok())
                note(static_cast<int>(limit_count), written.error());
        }
    }
    return applied;
}

}  // namespace nskit
