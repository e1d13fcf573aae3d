// The namespace model: one table of the kinds of namespace, shared by nsenter,
// unshare and docker-enter. Its order is the order nsenter enters them in:
// the user namespace first when a setns of another kind needs the privilege
// it grants (an unprivileged caller entering a container it owns), and last
// when entering it first would drop the privilege the others need (root
// entering a container whose user namespace it does not own). Either way,
// the others go in this order, and the mount namespace near the end so
// /proc of the caller stays usable for as long as possible.
#pragma once

#include <sched.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>


namespace nskit {

enum class NsKind : std::uint8_t { user, cgroup, ipc, uts, net, pid, mnt, time };

struct NsInfo {
    NsKind kind;
    int clone_flag;                // CLONE_NEW*
    std::string_view proc_name;    // under /proc/PID/ns/
    char short_option;             // nsenter's and unshare's -U, -C, ...
    std::string_view long_option;  // their --user, --mount, ...
    std::string_view description;  // "user namespace", also their options' help
};

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

inline constexpr std::array<NsInfo, 8> namespace_kinds = {{
    {NsKind::user, CLONE_NEWUSER, "user", 'U', "user", "user namespace"},
    {NsKind::cgroup, CLONE_NEWCGROUP, "cgroup", 'C', "cgroup", "cgroup namespace"},
    {NsKind::ipc, CLONE_NEWIPC, "ipc", 'i', "ipc", "System V IPC namespace"},
    {NsKind::uts, CLONE_NEWUTS, "uts", 'u', "uts", "UTS namespace (hostname etc)"},
    {NsKind::net, CLONE_NEWNET, "net", 'n', "net", "network namespace"},
    {NsKind::pid, CLONE_NEWPID, "pid", 'p', "pid", "pid namespace"},
    {NsKind::mnt, CLONE_NEWNS, "mnt", 'm', "mount", "mount namespace"},
    {NsKind::time, CLONE_NEWTIME, "time", 'T', "time", "time namespace"},
}};

constexpr bool table_is_indexed_by_kind()
{
    for (std::size_t i = 0; i < namespace_kinds.size(); ++i)
        if (static_cast<std::size_t>(namespace_kinds[i].kind) != i)
            return false;
    return true;
}
static_assert(table_is_indexed_by_kind(), "namespace_kinds[k] must describe NsKind k");

constexpr const NsInfo& info(NsKind kind) { return namespace_kinds[static_cast<std::size_t>(kind)]; }

constexpr std::optional<NsKind> kind_of_clone_flag(int flag)
{
    for (const NsInfo& ns : namespace_kinds)
        if (ns.clone_flag == flag)
            return ns.kind;
    return std::nullopt;
}

constexpr std::optional<NsKind> kind_of_proc_name(std::string_view name)
{
    for (const NsInfo& ns : namespace_kinds)
        if (ns.proc_name == name)
            return ns.kind;
    return std::nullopt;
}

// A set of kinds, as CLONE_NEW* flags.
constexpr int all_clone_flags()
{
    int flags = 0;
    for (const NsInfo& ns : namespace_kinds)
        flags |= ns.clone_flag;
    return flags;
}

}  // namespace nskit
