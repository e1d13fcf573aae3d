// Who the command runs as inside the container: `-u USER[:GROUP]` resolved
// the way runc resolves it for `docker exec`, against the CONTAINER's
// /etc/passwd and /etc/group (read after entering its mount namespace):
//   USER    a name from passwd, or a number (in passwd or not); "" is uid 0
//   GROUP   a name from group, or a number; when given, it is the only group
//   groups  the primary gid (unless told otherwise, below), then (with no
//           GROUP) every group listing the user
//   home    the passwd entry's, else "/"
#pragma once

#include <sys/types.h>

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

#include "base/buffer.h"
#include "base/result.h"
#include "base/text.h"

namespace nskit {

struct Credentials {
    uid_t uid = 0;
    gid_t gid = 0;
    std::array<gid_t, 64> groups{};
    std::size_t group_count = 0;
    Text<512> home{"/"};
    Text<256> shell;  // "" when the user has no passwd entry or no shell
    bool in_passwd = false;
    // The container's user namespace denies setgroups (/proc/PID/setgroups,
    // a rootless or `unshare -r` one): the groups stay as they are, as runc leaves them.
    bool setgroups_denied = false;

    std::span<const gid_t> group_list() const { return {groups.data(), group_count}; }
};

// `extra_groups`: docker run --group-add, comma-separated names or numbers,
// added to whatever the user has. `primary_in_groups`: the primary gid
// heads the supplementary groups, as Docker 20.10.18 and later give them
// (CVE-2022-36109: a primary group left out of them let the process shed it
// where it was a restriction); before, only /etc/group and --group-add
// listed any.
Result<Credentials> resolve_user(std::string_view spec, std::string_view passwd, std::string_view group,
                                 std::string_view extra_groups = {}, bool primary_in_groups = true);

struct ContainerRoot;

// An account file of the container (/etc/passwd, /etc/group), opened inside
// its root (context/in_root.h); one that does not exist reads as empty.
Result<Buffer> read_account_file(const ContainerRoot& where, const char* path);

// The home and shell of `creds.uid` in a passwd text, for ids that come from
// the runtime's record; "/" and none when it has no entry.
void find_home(std::string_view passwd, Credentials& creds);

}  // namespace nskit
