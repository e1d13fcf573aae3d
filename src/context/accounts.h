// Reading /etc/passwd and /etc/group ourselves: a static binary has no NSS,
// and inside a container the files that count are the container's own.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string_view>

#include "base/result.h"
#include "base/text.h"

namespace nskit {

struct PasswdEntry {
    std::string_view name;
    uid_t uid = 0;
    gid_t gid = 0;
    std::string_view home;
    std::string_view shell;
};

struct GroupEntry {
    std::string_view name;
    gid_t gid = 0;
    std::string_view members;  // comma-separated user names
};

// Look-ups in the text of a passwd or group file. Malformed lines are skipped.
std::optional<PasswdEntry> find_user(std::string_view passwd, uid_t uid);
std::optional<PasswdEntry> find_user(std::string_view passwd, std::string_view name);
std::optional<GroupEntry> find_group(std::string_view group, gid_t gid);
std::optional<GroupEntry> find_group(std::string_view group, std::string_view name);

// Calls visit(gid) for every group whose member list names `user`.
template <class Visit>
void for_each_group_of(std::string_view group, std::string_view user, Visit visit);

std::optional<GroupEntry> parse_group_line(std::string_view line);

// The program to run when none was given: $SHELL, else the shell of the
// calling user in /etc/passwd, else /bin/sh (util-linux's order).
const char* default_shell(Text<256>& storage);

// Runs the default shell as a login shell (argv[0] "-sh"), as util-linux's
// nsenter and unshare do when no program is given; returns only on failure.
Error exec_login_shell(char* const envp[]);

template <class Visit>
void for_each_group_of(std::string_view group, std::string_view user, Visit visit)
{
    while (!group.empty()) {
        std::string_view line = split_first(group, '\n');
        auto entry = parse_group_line(line);
        if (!entry)
            continue;
        std::string_view members = entry->members;
        while (!members.empty())
            if (split_first(members, ',') == user) {
                visit(entry->gid);
                break;
            }
    }
}

}  // namespace nskit
