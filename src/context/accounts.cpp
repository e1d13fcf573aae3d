#include "context/accounts.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/buffer.h"
#include "base/sys.h"

namespace nskit {

namespace {

std::optional<PasswdEntry> parse_passwd_line(std::string_view line)
{
    // name:password:uid:gid:gecos:home:shell
    PasswdEntry entry;
    entry.name = split_first(line, ':');
    split_first(line, ':');
    auto uid = parse_decimal(split_first(line, ':'), 0xffffffffu);
    auto gid = parse_decimal(split_first(line, ':'), 0xffffffffu);
    if (entry.name.empty() || !uid || !gid)
        return std::nullopt;
    split_first(line, ':');
    entry.uid = static_cast<uid_t>(*uid);
    entry.gid = static_cast<gid_t>(*gid);
    entry.home = split_first(line, ':');
    entry.shell = split_first(line, ':');
    return entry;
}

template <class Match>
std::optional<PasswdEntry> scan_passwd(std::string_view passwd, Match match)
{
    while (!passwd.empty())
        if (auto entry = parse_passwd_line(split_first(passwd, '\n')); entry && match(*entry))
            return entry;
    return std::nullopt;
}

template <class Match>
std::optional<GroupEntry> scan_group(std::string_view group, Match match)
{
    while (!group.empty())
        if (auto entry = parse_group_line(split_first(group, '\n')); entry && match(*entry))
            return entry;
    return std::nullopt;
}

}  // namespace

std::optional<GroupEntry> parse_group_line(std::string_view line)
{
    // name:password:gid:members
    GroupEntry entry;
    entry.name = split_first(line, ':');
    split_first(line, ':');
    auto gid = parse_decimal(split_first(line, ':'), 0xffffffffu);
    if (entry.name.empty() || !gid)
        return std::nullopt;
    entry.gid = static_cast<gid_t>(*gid);
    entry.members = trim(split_first(line, ':'));
    return entry;
}

std::optional<PasswdEntry> find_user(std::string_view passwd, uid_t uid)
{
    return scan_passwd(passwd, [uid](const PasswdEntry& e) { return e.uid == uid; });
}

std::optional<PasswdEntry> find_user(std::string_view passwd, std::string_view name)
{
    return scan_passwd(passwd, [name](const PasswdEntry& e) { return e.name == name; });
}

std::optional<GroupEntry> find_group(std::string_view group, gid_t gid)
{
    return scan_group(group, [gid](const GroupEntry& e) { return e.gid == gid; });
}

std::optional<GroupEntry> find_group(std::string_view group, std::string_view name)
{
    return scan_group(group, [name](const GroupEntry& e) { return e.name == name; });
}

const char* default_shell(Text<256>& storage)
{
    if (const char* shell = ::getenv("SHELL"); shell && *shell)
        return shell;
    if (auto passwd = read_file(AT_FDCWD, "/etc/passwd", 1 << 20); passwd.ok())
        if (auto user = find_user(passwd.value().view(), ::getuid()); user && !user->shell.empty()) {
            storage.clear();
            storage.append(user->shell);
            if (!storage.truncated())
                return storage.c_str();
        }
    return "/bin/sh";
}

Error exec_login_shell(char* const envp[])
{
    Text<256> storage;
    const char* shell = default_shell(storage);
    Text<64> arg0('-', base_name(shell));
    char* argv[] = {const_cast<char*>(arg0.c_str()), nullptr};
    return sys::execve(shell, argv, envp);
}

}  // namespace nskit
