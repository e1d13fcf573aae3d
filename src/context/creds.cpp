#include "context/creds.h"

#include <errno.h>
#include <fcntl.h>

#include "base/buffer.h"
#include "base/sys.h"
#include "context/accounts.h"
#include "context/in_root.h"

namespace nskit {

using namespace std::literals;

namespace {

constexpr std::uint64_t max_id = 0x7fffffff;  // runc's upper bound for a numeric id

void add_group(Credentials& creds, gid_t gid)
{
    for (std::size_t i = 0; i < creds.group_count; ++i)
        if (creds.groups[i] == gid)
            return;
    if (creds.group_count < creds.groups.size())
        creds.groups[creds.group_count++] = gid;
}

// A group by name or number, as runc resolves it: a number need not be in the file.
Result<gid_t> find_gid(std::string_view group, std::string_view name)
{
    auto number = parse_decimal(name, max_id);
    auto found = number ? find_group(group, static_cast<gid_t>(*number)) : find_group(group, name);
    if (found)
        return found->gid;
    if (number)
        return static_cast<gid_t>(*number);
    return Error::because("no matching entries in group file", "unable to find group ", name);
}

}  // namespace

// The user and its own groups, before --group-add.
static Result<Credentials> resolve_user_only(std::string_view spec, std::string_view passwd, std::string_view group,
                                             bool primary_in_groups)
{
    Credentials creds;
    auto colon = spec.find(':');
    std::string_view user_part = spec.substr(0, colon);
    bool group_given = colon != std::string_view::npos && colon + 1 < spec.size();
    std::string_view group_part = group_given ? spec.substr(colon + 1) : std::string_view();

    auto uid_number = parse_decimal(user_part, max_id);
    // "" is uid 0.
    auto entry = user_part.empty() || uid_number ? find_user(passwd, static_cast<uid_t>(uid_number.value_or(0)))
                                                 : find_user(passwd, user_part);

    if (entry) {
        creds.uid = entry->uid;
        creds.gid = entry->gid;
        creds.home.clear();
        creds.home.append(entry->home.empty() ? "/"sv : entry->home);
        creds.shell.append(entry->shell);
        creds.in_passwd = true;
    } else if (uid_number) {
        creds.uid = static_cast<uid_t>(*uid_number);
    } else if (!user_part.empty()) {
        return Error::because("no matching entries in passwd file", "unable to find user ", user_part);
    }

    if (group_given)
        creds.gid = TRY(find_gid(group, group_part));
    if (primary_in_groups)
        add_group(creds, creds.gid);
    if (group_given)
        return creds;
    if (entry)
        for_each_group_of(group, entry->name, [&](gid_t gid) { add_group(creds, gid); });
    return creds;
}

Result<Credentials> resolve_user(std::string_view spec, std::string_view passwd, std::string_view group,
                                 std::string_view extra_groups, bool primary_in_groups)
{
    Credentials creds = TRY(resolve_user_only(spec, passwd, group, primary_in_groups));
    while (!extra_groups.empty())
        if (std::string_view name = split_first(extra_groups, ','); !name.empty())
            add_group(creds, TRY(find_gid(group, name)));
    return creds;
}

Result<Buffer> read_account_file(const ContainerRoot& where, const char* path)
{
    auto text = read_container_file(where, path, 16 * 1024 * 1024);
    if (!text.ok() && (text.error().code == ENOENT || text.error().code == ENOTDIR))
        return Buffer();
    return text;
}

void find_home(std::string_view passwd, Credentials& creds)
{
    if (auto entry = find_user(passwd, creds.uid)) {
        creds.home.clear();
        creds.home.append(entry->home.empty() ? "/"sv : entry->home);
        creds.shell.clear();
        creds.shell.append(entry->shell);
        creds.in_passwd = true;
    }
}

}  // namespace nskit
