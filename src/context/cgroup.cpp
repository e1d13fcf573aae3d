#include "context/cgroup.h"

#include <errno.h>
#include <fcntl.h>

#include "base/buffer.h"
#include "base/sys.h"

namespace nskit {

using namespace std::literals;

namespace {

constexpr std::size_t cgroup_file_limit = 64 * 1024;
constexpr std::size_t mountinfo_limit = 8 * 1024 * 1024;

bool has_token(std::string_view list, std::string_view token)
{
    while (!list.empty())
        if (split_first(list, ',') == token)
            return true;
    return false;
}

bool serves(const MountInfoLine& mount, const CgroupMembership& membership)
{
    if (membership.unified())
        return mount.fs_type == "cgroup2"sv;
    if (mount.fs_type != "cgroup"sv || membership.controllers.empty())
        return false;
    std::string_view wanted = membership.controllers;
    while (!wanted.empty())
        if (!has_token(mount.super_options, split_first(wanted, ',')))
            return false;
    return true;
}

// A path that climbs out of the hierarchy's visible part ("/../x": the target
// is outside our cgroup namespace) cannot be reached through our mounts.
bool climbs(std::string_view path)
{
    while (!path.empty())
        if (split_first(path, '/') == ".."sv)
            return true;
    return false;
}

std::optional<CgroupMembership> membership_in(std::string_view file, const CgroupMembership& like)
{
    while (!file.empty())
        if (auto m = parse_cgroup_line(split_first(file, '\n')))
            if (m->hierarchy == like.hierarchy && m->controllers == like.controllers)
                return m;
    return std::nullopt;
}

}  // namespace

std::optional<CgroupMembership> parse_cgroup_line(std::string_view line)
{
    CgroupMembership m;
    auto first = line.find(':');
    if (first == std::string_view::npos)
        return std::nullopt;
    auto second = line.find(':', first + 1);
    if (second == std::string_view::npos)
        return std::nullopt;
    m.hierarchy = line.substr(0, first);
    m.controllers = line.substr(first + 1, second - first - 1);
    m.path = line.substr(second + 1);  // a path may itself contain ':'
    if (!parse_decimal(m.hierarchy) || m.path.empty() || m.path[0] != '/')
        return std::nullopt;
    return m;
}

std::optional<MountInfoLine> parse_mountinfo_line(std::string_view line)
{
    // id parent major:minor root mount-point options [optional...] - type source super-options
    MountInfoLine m;
    std::string_view fields[5];
    for (auto& field : fields) {
        if (line.empty())
            return std::nullopt;
        field = split_first(line, ' ');
    }
    m.root = fields[3];
    m.mount_point = fields[4];
    for (;;) {
        if (line.empty())
            return std::nullopt;
        if (split_first(line, ' ') == "-"sv)
            break;
    }
    m.fs_type = split_first(line, ' ');
    split_first(line, ' ');  // source
    m.super_options = split_first(line, ' ');
    if (m.root.empty() || m.mount_point.empty() || m.fs_type.empty())
        return std::nullopt;
    return m;
}

bool locate_cgroup(std::string_view mountinfo, const CgroupMembership& membership, CgroupPath& directory)
{
    if (climbs(membership.path))
        return false;
    while (!mountinfo.empty()) {
        auto mount = parse_mountinfo_line(split_first(mountinfo, '\n'));
        if (!mount || !serves(*mount, membership))
            continue;
        CgroupPath root;
        append_unescaped(root, mount->root);
        std::string_view r = root.view();
        if (r == "/"sv)
            r = "";
        std::string_view path = membership.path;
        if (path.substr(0, r.size()) != r || (path.size() > r.size() && path[r.size()] != '/'))
            continue;
        directory.clear();
        append_unescaped(directory, mount->mount_point);
        std::string_view rest = path.substr(r.size());
        if (rest != "/"sv)
            directory.append(rest);
        return !directory.truncated();
    }
    return false;
}

Result<void> plan_cgroup_join(pid_t target, CgroupJoin& plan, CgroupAccess access)
{
    plan.only_writable_ = access == CgroupAccess::where_writable;
    Text<40> target_file("/proc/", target, "/cgroup");
    Buffer theirs = TRY(read_file(AT_FDCWD, target_file.c_str(), cgroup_file_limit));
    Buffer ours = TRY(read_file(AT_FDCWD, "/proc/self/cgroup", cgroup_file_limit));
    Buffer mountinfo = TRY(read_file(AT_FDCWD, "/proc/self/mountinfo", mountinfo_limit));

    std::string_view lines = theirs.view();
    while (!lines.empty()) {
        auto membership = parse_cgroup_line(split_first(lines, '\n'));
        if (!membership)
            continue;
        if (auto mine = membership_in(ours.view(), *membership); mine && mine->path == membership->path)
            continue;
        CgroupPath directory;
        if (!locate_cgroup(mountinfo.view(), *membership, directory)) {
            ++plan.unmounted_;
            continue;
        }
        if (plan.count_ == CgroupJoin::max_hierarchies)
            return Error::because("too many cgroup hierarchies", "cannot join the cgroups of ", target);
        // A cgroup v1 hierarchy is joined through "tasks": the process moves
        // itself by writing "0" (this thread; nskit has no other), which
        // unlike cgroup.procs skips the kernel's global threadgroup lock
        // (see cgroup.h). cgroup v2 has only cgroup.procs.
        auto& slot = plan.targets_[plan.count_];
        slot.unified = membership->unified();
        slot.pids = slot.unified || has_token(membership->controllers, "pids"sv);
        slot.memory = slot.unified || has_token(membership->controllers, "memory"sv);
        slot.dir = TRY(sys::open(directory.c_str(), O_PATH | O_DIRECTORY));
        auto procs = sys::openat(slot.dir.get(), slot.unified ? "cgroup.procs" : "tasks", O_WRONLY);
        if (!procs.ok() && access == CgroupAccess::where_writable &&
            (procs.error().code == EACCES || procs.error().code == EPERM)) {
            slot.dir.reset();
            ++plan.not_ours_;
            continue;
        }
        slot.procs = TRY(std::move(procs).describe("cannot open ", directory,
                                                   slot.unified ? "/cgroup.procs" : "/tasks"));
        slot.directory = directory;
        ++plan.count_;
    }
    return {};
}

Result<bool> cgroup_frozen(pid_t pid)
{
    Text<40> file("/proc/", pid, "/cgroup");
    Buffer memberships = TRY(read_file(AT_FDCWD, file.c_str(), cgroup_file_limit));
    Buffer mountinfo = TRY(read_file(AT_FDCWD, "/proc/self/mountinfo", mountinfo_limit));
    std::optional<CgroupMembership> v1, v2;
    std::string_view lines = memberships.view();
    while (!lines.empty())
        if (auto m = parse_cgroup_line(split_first(lines, '\n'))) {
            if (m->unified())
                v2 = m;
            else if (has_token(m->controllers, "freezer"sv))
                v1 = m;
        }
    CgroupPath directory;
    bool unified = false;
    if (!(v1 && locate_cgroup(mountinfo.view(), *v1, directory)) &&
        !(unified = v2 && locate_cgroup(mountinfo.view(), *v2, directory)))
        return false;
    char buffer[256];
    auto text = read_small_file(AT_FDCWD, Text<600>(directory, unified ? "/cgroup.events" : "/freezer.state").c_str(),
                                buffer);
    if (!text.ok())
        return false;  // the root cgroup has neither file: it cannot be frozen
    std::string_view rest = text.value();
    if (!unified)
        return trim(rest) != "THAWED"sv;
    while (!rest.empty())
        if (split_first(rest, '\n') == "frozen 1"sv)
            return true;
    return false;
}

Result<void> CgroupJoin::join(pid_t self, bool born_in_unified) const
{
    Text<24> pid(self);
    for (std::size_t i = 0; i < count_; ++i) {
        if (targets_[i].unified && born_in_unified)
            continue;
        auto written = sys::write_all(targets_[i].procs.get(), targets_[i].unified ? pid.view() : "0"sv);
        // Moving a process also takes write access to cgroup.procs of the
        // common ancestor of where it is and where it goes: a user's command
        // from a login session's cgroup cannot go into a subtree delegated to
        // that user's manager, and stays where it is, as with nothing delegated.
        if (!written.ok() && only_writable_ && (written.error().code == EACCES || written.error().code == EPERM))
            continue;
        TRY(std::move(written).describe("cannot join cgroup ", targets_[i].directory));
    }
    return {};
}

int CgroupJoin::unified_directory() const
{
    for (std::size_t i = 0; i < count_; ++i)
        if (targets_[i].unified)
            return targets_[i].dir.get();
    return -1;
}

std::size_t CgroupJoin::descriptors(std::span<Fd*> into)
{
    std::size_t n = 0;
    for (std::size_t i = 0; i < count_; ++i)
        for (Fd* fd : {&targets_[i].dir, &targets_[i].procs})
            if (*fd && n < into.size())
                into[n++] = fd;
    return n;
}

namespace {

// A cgroup file of one line, read through the cgroup's directory; "" when it is not there.
Result<std::string_view> read_cgroup_value(int dir, const char* name, std::span<char> into)
{
    auto text = read_small_file(dir, name, into);
    if (!text.ok() && text.error().code == ENOENT)
        return std::string_view();
    return text;
}

// "oom_kill N" among the lines of memory.events or memory.oom_control.
std::optional<std::uint64_t> oom_kill_line(std::string_view lines)
{
    while (!lines.empty()) {
        std::string_view line = split_first(lines, '\n');
        if (next_word(line) == "oom_kill"sv)
            return parse_decimal(trim(line));
    }
    return std::nullopt;
}

}  // namespace

Result<void> CgroupJoin::check_pids_room(unsigned processes) const
{
    for (std::size_t i = 0; i < count_; ++i) {
        if (!targets_[i].pids)
            continue;
        char max_text[32], current_text[32];
        std::string_view max = trim(TRY(read_cgroup_value(targets_[i].dir.get(), "pids.max", max_text)));
        if (max.empty() || max == "max"sv)
            continue;
        std::string_view current = trim(TRY(read_cgroup_value(targets_[i].dir.get(), "pids.current", current_text)));
        auto limit = parse_decimal(max), used = parse_decimal(current);
        if (limit && used && *used + processes > *limit)
            return Error::because("no room for the processes it takes",
                                  "the container is at its pids limit (", targets_[i].directory, "/pids.max is ",
                                  *limit, ", ", *used, " in use, ", processes, " needed)");
    }
    return {};
}

std::optional<std::uint64_t> CgroupJoin::oom_kills() const
{
    for (std::size_t i = 0; i < count_; ++i) {
        if (!targets_[i].memory)
            continue;
        char text[1024];
        auto events = read_small_file(targets_[i].dir.get(), targets_[i].unified ? "memory.events" : "memory.oom_control",
                                      text);
        if (events.ok())
            if (auto kills = oom_kill_line(events.value()))
                return kills;
    }
    return std::nullopt;
}

}  // namespace nskit
