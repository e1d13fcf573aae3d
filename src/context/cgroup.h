// The cgroups of another process, as `docker exec` puts its process in the
// container's: every cgroup v1 hierarchy the target belongs to, and the v2
// one. Done in two steps so that a failure to open any of them leaves
// everything as it was: plan_cgroup_join() opens each cgroup first (in our
// own mount namespace, where the cgroup file systems are mounted), then the
// process joins them itself (join: nsenter --join-cgroup; docker-enter's
// placer, which is born in the v2 one when the kernel lets it, see
// enter.h).
//
// Why a process joins by itself and is not put there from outside: writing
// another process's PID, or any PID to v2's cgroup.procs, takes the
// kernel's global threadgroup lock, whose first taking waits for an RCU
// grace period, several milliseconds on a kernel of HZ=250 (bench/run's
// cgroup table; 5.7 ms for v1 and 7.4 ms for v2 in one run, where the rest
// of a docker-enter took 6). A process that writes "0" to a v1 "tasks"
// file moves only itself and skips that lock, and one born in its v2
// cgroup (clone3's CLONE_INTO_CGROUP) takes it only to read.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "base/fd.h"
#include "base/result.h"
#include "base/text.h"

namespace nskit {

// One line of /proc/PID/cgroup: "4:memory:/docker/abc" or "0::/user.slice".
struct CgroupMembership {
    std::string_view hierarchy;    // "4", "0" for the v2 hierarchy
    std::string_view controllers;  // "cpu,cpuacct", "name=systemd", "" for v2
    std::string_view path;         // relative to the hierarchy's root
    bool unified() const { return hierarchy == "0" && controllers.empty(); }
};
std::optional<CgroupMembership> parse_cgroup_line(std::string_view line);

// The fields of one /proc/self/mountinfo line that locate a cgroup hierarchy.
// Paths are still octal-escaped as the kernel writes them ("\040" for space).
struct MountInfoLine {
    std::string_view root;         // the directory of the file system mounted here
    std::string_view mount_point;
    std::string_view fs_type;      // "cgroup", "cgroup2"
    std::string_view super_options;  // "rw,cpu,cpuacct"
};
std::optional<MountInfoLine> parse_mountinfo_line(std::string_view line);

// Appends the mountinfo-escaped `path` to `out`, decoding "\ooo".
template <std::size_t N>
void append_unescaped(Text<N>& out, std::string_view path);

using CgroupPath = Text<512>;

// Where `membership`'s cgroup directory is in our mount namespace, given the
// text of /proc/self/mountinfo; false when the hierarchy is not mounted here
// (or only a part of it that does not contain the cgroup).
bool locate_cgroup(std::string_view mountinfo, const CgroupMembership& membership, CgroupPath& directory);

// Which of the target's cgroups to join: all, or (a user who is not root:
// the owner of a rootless container) those whose cgroup.procs we may write,
// such as the ones systemd delegated to that user, and may move into (place
// says when the kernel refuses); the others are left as they are, as the
// user's own runtime leaves them.
enum class CgroupAccess : unsigned char { all, where_writable };

class CgroupJoin {
public:
    static constexpr std::size_t max_hierarchies = 16;

    // Moves this (single-threaded) process into every cgroup of the plan,
    // the v2 one too unless it was born there (`born_in_unified`). A
    // failure part-way leaves us in some of the cgroups: harmless, because
    // every caller gives up and exits on it, and the process is all there
    // is. With CgroupAccess::where_writable, a cgroup the kernel will not
    // move us into (EACCES, EPERM) is left as it is.
    Result<void> join(pid_t self, bool born_in_unified = false) const;
    // Refused when a pids limit of the plan leaves no room for `processes`
    // more (a race with the container's own forks can still fill it after
    // this look). docker-enter needs two for a moment: its placer and the
    // command (a process moved in at the limit could fork nothing).
    Result<void> check_pids_room(unsigned processes) const;
    // The v2 cgroup's directory (for clone3's CLONE_INTO_CGROUP); -1 when
    // the plan has none.
    int unified_directory() const;
    // Every descriptor the plan holds, for keeping them across a close of
    // all others; returns how many went into `into`.
    std::size_t descriptors(std::span<Fd*> into);

    // Kills by the out-of-memory killer so far in the plan's memory cgroup
    // (v2 memory.events, v1 memory.oom_control: "oom_kill N"); nullopt when
    // neither says (no memory controller, or a kernel before 4.13).
    std::optional<std::uint64_t> oom_kills() const;

    std::size_t size() const { return count_; }
    std::string_view directory(std::size_t i) const { return targets_[i].directory.view(); }
    // Hierarchies of the target that are not mounted here and so are left alone.
    std::size_t unmounted() const { return unmounted_; }
    // Cgroups left alone because we may not write them (CgroupAccess::where_writable).
    std::size_t not_ours() const { return not_ours_; }

private:
    friend Result<void> plan_cgroup_join(pid_t target, CgroupJoin& plan, CgroupAccess access);
    struct Target {
        Fd dir;                // the cgroup's directory
        Fd procs;              // cgroup.procs (v2), or tasks (v1: see plan_cgroup_join)
        bool unified = false;  // v2
        bool pids = false;     // it may have pids.max (v1: the pids hierarchy; v2)
        bool memory = false;   // it may count OOM kills (v1: the memory hierarchy; v2)
        CgroupPath directory;
    };

    std::array<Target, max_hierarchies> targets_;
    std::size_t count_ = 0;
    std::size_t unmounted_ = 0;
    std::size_t not_ours_ = 0;
    bool only_writable_ = false;  // CgroupAccess::where_writable
};

// Opens cgroup.procs of every cgroup `target` is in and we are not, into
// `plan` (an empty one), or as a value.
Result<void> plan_cgroup_join(pid_t target, CgroupJoin& plan, CgroupAccess access = CgroupAccess::all);
inline Result<CgroupJoin> plan_cgroup_join(pid_t target)
{
    CgroupJoin plan;
    TRY(plan_cgroup_join(target, plan));
    return plan;
}

// True when the freezer holds `pid` (a paused container): v1's freezer.state
// says FROZEN or FREEZING, or v2's cgroup.events says "frozen 1".
Result<bool> cgroup_frozen(pid_t pid);

template <std::size_t N>
void append_unescaped(Text<N>& out, std::string_view path)
{
    auto octal = [&](std::size_t k) { return path[k] >= '0' && path[k] <= '7'; };
    for (std::size_t i = 0; i < path.size(); ++i) {
        char c = path[i];
        if (c == '\\' && i + 3 < path.size() && octal(i + 1) && octal(i + 2) && octal(i + 3)) {
            c = static_cast<char>((path[i + 1] - '0') * 64 + (path[i + 2] - '0') * 8 + (path[i + 3] - '0'));
            i += 3;
        }
        out.append(c);
    }
}

}  // namespace nskit
