// User namespaces seen from outside. /proc/PID/status shows a process's ids
// as the reader's user namespace sees them, and /proc/PID/uid_map pairs
// "inside outside count" from the reader's view too: together they give the
// id to use after entering the target's namespace. And who, besides root,
// may enter a process's user namespace: the user who owns it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>

#include "base/proc_status.h"
#include "base/result.h"

namespace nskit {

// The inside id that `outside` maps to in a uid_map or gid_map text.
std::optional<std::uint32_t> id_inside(std::string_view map, std::uint32_t outside);

// Whose the user namespace of a process (its /proc directory) is, seen from ours.
// The kernel gives every capability in a user namespace, and in all those
// nested in it, to the user whose process made it while in our user
// namespace (user_namespaces(7)): that user, not the ids the namespace
// maps, is who may enter it without root.
struct UserNamespaceOwner {
    bool ours = false;  // the process is in our own user namespace: nobody owns it but the host
    bool kernel_has_none = false;  // and so is every process: the kernel has no user namespaces
    bool known = false;  // the kernel said whose it is (NS_GET_OWNER_UID, Linux 4.11)
    uid_t uid = 0;  // when known: the owner, the euid of the process that made the outermost one below ours
};
Result<UserNamespaceOwner> user_namespace_owner(int proc_dir);

}  // namespace nskit
