#include "ns/idmap.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "base/exec.h"
#include "base/sys.h"
#include "base/text.h"

extern char** environ;

namespace nskit {

namespace {

// Ids are 32 bits and (uid_t)-1 is never a valid id: a range ends at or before it.
constexpr std::uint64_t id_limit = 0xffffffffu;

bool fits(std::uint64_t first, std::uint64_t count) { return count > 0 && first + count <= id_limit; }

bool overlaps(std::uint64_t a, std::uint64_t a_count, std::uint64_t b, std::uint64_t b_count)
{
    return a < b + b_count && b < a + a_count;
}

// Where `id` lies in [first, first+count), or count when outside.
std::uint64_t position(std::uint64_t id, std::uint64_t first, std::uint64_t count)
{
    return id >= first && id - first < count ? id - first : count;
}

}  // namespace

Result<void> IdMap::add(IdRange range)
{
    const char* problem = nullptr;
    if (!fits(range.inner, range.count) || !fits(range.outer, range.count))
        problem = "the range is empty or goes past the last id";
    for (const IdRange& other : ranges())
        if (overlaps(range.inner, range.count, other.inner, other.count) ||
            overlaps(range.outer, range.count, other.outer, other.count))
            problem = "it overlaps another range";
    if (size_ == capacity)
        problem = "more ranges than the kernel accepts";
    if (problem)
        return Error::because(problem, "invalid id range ", range.inner, ':', range.outer, ':', range.count);
    ranges_[size_++] = range;
    return {};
}

Result<Text<4096>> IdMap::text(char space, char newline) const
{
    Text<4096> text;
    for (const IdRange& r : ranges())
        text.append(r.inner, space, r.outer, space, r.count, newline);
    if (text.truncated())
        return Error::because("longer than the kernel accepts (4095 bytes)", "invalid id map");
    return text;
}

// `count` decimal ids separated by `sep`, and nothing else.
static bool parse_ids(std::string_view text, char sep, std::uint64_t* ids, int count)
{
    for (int i = 0; i < count; ++i) {
        auto id = parse_decimal(i + 1 < count ? split_first(text, sep) : text, id_limit);
        if (!id)
            return false;
        ids[i] = *id;
    }
    return true;
}

Result<IdRange> parse_id_range(std::string_view text)
{
    bool legacy = text.find(',') != std::string_view::npos;
    std::uint64_t f[3];
    if (!parse_ids(text, legacy ? ',' : ':', f, 3))
        return Error::because("expected inner:outer:count", "cannot parse id range '", text, '\'');
    // The old form names the outer id first.
    IdRange range{static_cast<std::uint32_t>(f[legacy]), static_cast<std::uint32_t>(f[!legacy]),
                  static_cast<std::uint32_t>(f[2])};
    if (!fits(range.inner, range.count) || !fits(range.outer, range.count))
        return Error::because("the range is empty or goes past the last id", "invalid id range '", text, '\'');
    return range;
}

Result<IdRange> find_subordinate_range(std::string_view subid_text, std::string_view name, std::uint32_t id)
{
    while (!subid_text.empty()) {
        std::string_view line = trim(split_first(subid_text, '\n'));
        std::string_view owner = split_first(line, ':');
        std::uint64_t f[2];
        if (parse_ids(line, ':', f, 2) && fits(f[0], f[1]) && (owner == name || parse_decimal(owner) == id))
            return IdRange{0, static_cast<std::uint32_t>(f[0]), static_cast<std::uint32_t>(f[1])};
    }
    return Error::because("no range for this user", "cannot find subordinate ids of ", name);
}

Result<void> add_identity_of(IdMap& map, std::string_view proc_map_text)
{
    while (!proc_map_text.empty()) {
        std::string_view line = split_first(proc_map_text, '\n');
        auto inner = parse_decimal(next_word(line), id_limit);
        next_word(line);
        auto count = parse_decimal(next_word(line), id_limit);
        if (!inner || !count)
            continue;
        TRY(map.add({static_cast<std::uint32_t>(*inner), static_cast<std::uint32_t>(*inner),
                     static_cast<std::uint32_t>(*count)}));
    }
    return {};
}

Result<IdMap> merge_single(const IdMap& ranges, IdRange single)
{
    IdMap merged;
    TRY(merged.add(single));
    for (const IdRange& r : ranges.ranges()) {
        // The j-th id left inside pairs with the j-th id left outside: past a
        // hole, a side's ids are one further on. The holes split the range.
        std::uint64_t hole_in = position(single.inner, r.inner, r.count);
        std::uint64_t hole_out = position(single.outer, r.outer, r.count);
        std::uint64_t pairs = r.count - (hole_in < r.count || hole_out < r.count);
        std::uint64_t start = 0;
        for (std::uint64_t end : {std::min(hole_in, hole_out), std::max(hole_in, hole_out), pairs}) {
            end = std::min(end, pairs);
            if (end > start)
                TRY(merged.add({static_cast<std::uint32_t>(r.inner + start + (start >= hole_in)),
                                static_cast<std::uint32_t>(r.outer + start + (start >= hole_out)),
                                static_cast<std::uint32_t>(end - start)}));
            start = std::max(start, end);
        }
    }
    return merged;
}

Result<void> write_proc_file(pid_t pid, const char* name, std::string_view text)
{
    Text<48> path("/proc/");
    if (pid > 0)
        path.append(pid);
    else
        path.append("self");
    path.append('/', name);
    Fd fd = TRY(sys::open(path.c_str(), O_WRONLY));
    return sys::write_all(fd.get(), text).describe("cannot write ", path);
}

Result<void> write_id_map(pid_t pid, IdKind kind, const IdMap& map)
{
    auto text = TRY(map.text());
    return write_proc_file(pid, kind == IdKind::user ? "uid_map" : "gid_map", text.view());
}

Result<void> run_id_map_helper(pid_t pid, IdKind kind, const IdMap& map)
{
    const char* program = kind == IdKind::user ? "newuidmap" : "newgidmap";
    Text<16> pid_text(pid);
    auto words = TRY(map.text('\0', '\0'));
    char* argv[2 + 3 * IdMap::capacity + 1];
    std::size_t count = 1 + 3 * map.ranges().size();
    argv[0] = const_cast<char*>(program);
    argv[1] = const_cast<char*>(pid_text.c_str());
    const char* word = words.c_str();
    for (std::size_t i = 1; i < count; ++i) {
        argv[1 + i] = const_cast<char*>(word);
        word += std::string_view(word).size() + 1;
    }
    argv[1 + count] = nullptr;

    pid_t child = TRY(sys::fork());
    if (child == 0) {
        ::_exit(exit_status_for(exec_program(argv, environ)));
    }
    auto waited = TRY(sys::waitpid(child, 0));
    int status = waited.status;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return {};
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return Error::because("not found (it comes with the uidmap package)", "cannot run ", program);
    return Error::because("it failed", program, ' ', pid, " could not write the map");
}

Result<void> write_setgroups(pid_t pid, Setgroups setting)
{
    if (setting == Setgroups::unchanged)
        return {};
    return write_proc_file(pid, "setgroups", setting == Setgroups::allow ? "allow" : "deny");
}

}  // namespace nskit
