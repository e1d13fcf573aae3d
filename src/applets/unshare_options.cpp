// unshare's command line: the option table (the namespace options derived
// from the kind table), and parsing it into a checked plan.
#include <fcntl.h>
#include <sys/mount.h>
#include <signal.h>
#include <unistd.h>

#include <array>

#include "applets/unshare.h"
#include "base/buffer.h"
#include "base/signals.h"
#include "context/accounts.h"

namespace nskit {

namespace {

// Option ids: one per namespace kind (namespace_base + NsKind), then the rest.
enum : int {
    namespace_base = 100,
    FORK = 1,
    KILL_CHILD,
    FORWARD_SIGNALS,
    MOUNT_PROC,
    PROPAGATION,
    SETGROUPS,
    MAP_ROOT,
    MAP_CURRENT,
    MAP_USER,
    MAP_GROUP,
    MAP_USERS,
    MAP_GROUPS,
    MAP_AUTO,
    MAP_SUBIDS,
    OWNER,
    KEEP_CAPS,
    ROOT,
    WD,
    SETUID,
    SETGID,
    MONOTONIC,
    BOOTTIME,
    HELP,
    VERSION,
};

constexpr Option other_options[] = {
    {FORK, 'f', Arg::none, "fork", "", "fork before launching <program>"},
    {KILL_CHILD, '\0', Arg::optional, "kill-child", "signame", "when dying, kill the forked child (implies --fork)"},
    {FORWARD_SIGNALS, '\0', Arg::none, "forward-signals", "", "forward SIGTERM and SIGINT to the child (implies --fork)"},
    {MOUNT_PROC, '\0', Arg::optional, "mount-proc", "dir", "mount proc filesystem first (implies --mount)"},
    {PROPAGATION, '\0', Arg::required, "propagation", "slave|shared|private|unchanged",
     "modify mount propagation in mount namespace"},
    {SETGROUPS, '\0', Arg::required, "setgroups", "allow|deny", "control the setgroups syscall in user namespaces"},
    {MAP_ROOT, 'r', Arg::none, "map-root-user", "", "map current user to root (implies --user)"},
    {MAP_CURRENT, 'c', Arg::none, "map-current-user", "", "map current user to itself (implies --user)"},
    {MAP_USER, '\0', Arg::required, "map-user", "uid|name", "map current user to uid (implies --user)"},
    {MAP_GROUP, '\0', Arg::required, "map-group", "gid|name", "map current group to gid (implies --user)"},
    {MAP_USERS, '\0', Arg::required, "map-users", "inner:outer:count",
     "map count users from outeruid to inneruid (implies --user); also auto, subids, all"},
    {MAP_GROUPS, '\0', Arg::required, "map-groups", "inner:outer:count",
     "map count groups from outergid to innergid (implies --user); also auto, subids, all"},
    {MAP_AUTO, '\0', Arg::none, "map-auto", "", "map users and groups automatically (implies --user)"},
    {MAP_SUBIDS, '\0', Arg::none, "map-subids", "", "identity map the subordinate ids (implies --user)"},
    {OWNER, '\0', Arg::required, "owner", "uid:gid", "owner of the new user namespace (implies --user)"},
    {KEEP_CAPS, '\0', Arg::none, "keep-caps", "", "retain capabilities granted in user namespaces"},
    {ROOT, 'R', Arg::required, "root", "dir", "run the command with root directory set to <dir>"},
    {WD, 'w', Arg::required, "wd", "dir", "change working directory to <dir>"},
    {SETUID, 'S', Arg::required, "setuid", "uid", "set uid in entered namespace"},
    {SETGID, 'G', Arg::required, "setgid", "gid", "set gid in entered namespace"},
    {MONOTONIC, '\0', Arg::required, "monotonic", "offset", "set clock monotonic offset (seconds) in time namespaces"},
    {BOOTTIME, '\0', Arg::required, "boottime", "offset", "set clock boottime offset (seconds) in time namespaces"},
    {HELP, 'h', Arg::none, "help", "", "display this help"},
    {VERSION, 'V', Arg::none, "version", "", "display version"},
};

// The namespace options come from the kind table: -U/--user[=FILE] and so on.
constexpr auto make_options()
{
    std::array<Option, namespace_kinds.size() + std::size(other_options)> table{};
    std::size_t i = 0;
    for (const NsInfo& ns : namespace_kinds)
        table[i++] = {static_cast<short>(namespace_base + static_cast<int>(ns.kind)), ns.short_option, Arg::optional_long,
                      ns.long_option, "file", ns.description, "unshare "};
    for (const Option& option : other_options)
        table[i++] = option;
    return table;
}
constexpr auto options = make_options();

}  // namespace

constexpr Usage unshare_usage = {"[options] [<program> [<argument>...]]", "Run a program with some namespaces unshared from the parent.",
                         options, "nskit-unshare"};


namespace {

// "invalid --option 'value': reason", built in one place rather than at every call.
Error invalid(const char* option, std::string_view value, const char* reason)
{
    return Error::because(reason, "invalid ", option, " '", value, '\'');
}

std::optional<std::int64_t> parse_offset(std::string_view text)
{
    bool negative = !text.empty() && text[0] == '-';
    if (negative)
        text.remove_prefix(1);
    auto value = parse_decimal(text, INT64_MAX);
    if (!value)
        return std::nullopt;
    return negative ? -static_cast<std::int64_t>(*value) : static_cast<std::int64_t>(*value);
}

// An id given as a number or, looked up in /etc/passwd or /etc/group, a name.
Result<std::uint32_t> parse_id_or_name(std::string_view text, IdKind kind)
{
    const char* option = kind == IdKind::user ? "--map-user" : "--map-group";
    if (auto id = parse_decimal(text, 0xfffffffeu))
        return static_cast<std::uint32_t>(*id);
    const char* file = kind == IdKind::user ? "/etc/passwd" : "/etc/group";
    auto contents = read_file(AT_FDCWD, file, 16 << 20);
    if (contents.ok()) {
        if (kind == IdKind::user) {
            if (auto user = find_user(contents.value().view(), text))
                return static_cast<std::uint32_t>(user->uid);
        } else if (auto group = find_group(contents.value().view(), text)) {
            return static_cast<std::uint32_t>(group->gid);
        }
    }
    return invalid(option, text, kind == IdKind::user ? "no such user" : "no such group");
}

Result<std::uint32_t> parse_number(std::string_view text, const char* option)
{
    if (auto id = parse_decimal(text, 0xfffffffeu))
        return static_cast<std::uint32_t>(*id);
    return invalid(option, text, "not a number");
}

// The name of the effective user, for /etc/subuid and /etc/subgid.
Text<64> caller_name(uid_t uid)
{
    Text<64> name;
    if (auto passwd = read_file(AT_FDCWD, "/etc/passwd", 16 << 20); passwd.ok())
        if (auto user = find_user(passwd.value().view(), uid))
            name.append(user->name);
    return name;
}

// /etc/subuid's (/etc/subgid's) range for the caller.
Result<IdRange> subordinate_range(IdKind kind, uid_t caller_uid)
{
    const char* file = kind == IdKind::user ? "/etc/subuid" : "/etc/subgid";
    Buffer subids = TRY(read_file(AT_FDCWD, file, 16 << 20));
    auto name = caller_name(caller_uid);
    return find_subordinate_range(subids.view(), name.view(), caller_uid)
        .describe("cannot find subordinate ids of ", name.empty() ? "the user" : name.c_str(), " in ", file);
}

// Adds a --map-users/--map-groups argument: a range, or auto, subids, all.
Result<void> add_ranges(IdMap& map, std::string_view text, IdKind kind, uid_t caller_uid)
{
    int word = word_index(text, "auto subids all ");
    Result<void> added;
    if (word == 2) {
        Buffer current = TRY(read_file(AT_FDCWD, kind == IdKind::user ? "/proc/self/uid_map" : "/proc/self/gid_map", 1 << 20));
        added = add_identity_of(map, current.view());
    } else if (word < 0) {
        auto range = parse_id_range(text);
        added = range.ok() ? map.add(range.value()) : Result<void>(range.take_error());
    } else {
        IdRange range = TRY(subordinate_range(kind, caller_uid));  // its error says where it looked
        if (word == 1)
            range.inner = range.outer;
        added = map.add(range);
    }
    return std::move(added).describe("invalid ", kind == IdKind::user ? "--map-users" : "--map-groups", " '", text, '\'');
}

Result<void> add_persist(UnsharePlan& plan, NsKind kind, const char* file)
{
    for (std::size_t i = 0; i < plan.persist_count; ++i)
        if (plan.persists[i].kind == kind) {
            plan.persists[i].file = file;
            return {};
        }
    plan.persists[plan.persist_count++] = {kind, file};
    return {};
}

// What one option asks of the plan. `map_group_single` notes -r, -c and
// --map-group, which --setgroups=allow may not join. One case per option,
// read as a table: longer than a recipe, and clearer whole than cut.
Result<void> apply_option(UnsharePlan& plan, const OptionHit& hit, bool& map_group_single)
{
    std::string_view value = hit.value ? hit.value : "";
    if (hit.id >= namespace_base) {
        NsKind kind = static_cast<NsKind>(hit.id - namespace_base);
        plan.clone_flags |= info(kind).clone_flag;
        if (hit.value)
            TRY(add_persist(plan, kind, hit.value));
        return {};
    }
    switch (hit.id) {
    case FORK: plan.fork = true; break;
    case KILL_CHILD:
        plan.fork = true;
        plan.kill_signal = SIGKILL;
        if (hit.value) {
            auto signal = parse_signal_name(value);
            if (!signal)
                return invalid("--kill-child", value, "unknown signal");
            plan.kill_signal = *signal;
        }
        break;
    case FORWARD_SIGNALS:
        plan.fork = true;
        plan.forward_signals = true;
        break;
    case MOUNT_PROC:
        plan.clone_flags |= CLONE_NEWNS;
        plan.proc_dir = hit.value ? hit.value : "/proc";
        break;
    case PROPAGATION: {
        constexpr unsigned long flags[] = {MS_REC | MS_SLAVE, MS_REC | MS_SHARED, MS_REC | MS_PRIVATE, 0};
        int i = word_index(value, "slave shared private unchanged ");
        if (i < 0)
            return invalid("--propagation", value, "expected slave, shared, private or unchanged");
        plan.propagation = flags[i];
        break;
    }
    case SETGROUPS: {
        int i = word_index(value, "allow deny ");
        if (i < 0)
            return invalid("--setgroups", value, "expected allow or deny");
        plan.setgroups = static_cast<Setgroups>(i + 1);
        break;
    }
    case MAP_ROOT:
    case MAP_CURRENT:
        for (int kind = 0; kind < 2; ++kind)
            plan.map_to[kind] = hit.id == MAP_ROOT ? 0 : plan.caller_ids[kind];
        map_group_single = true;
        break;
    case MAP_USER:
    case MAP_GROUP: {
        IdKind kind = hit.id == MAP_USER ? IdKind::user : IdKind::group;
        plan.map_to[int(kind)] = TRY(parse_id_or_name(value, kind));
        map_group_single |= kind == IdKind::group;
        break;
    }
    case MAP_USERS:
    case MAP_GROUPS: {
        IdKind kind = hit.id == MAP_USERS ? IdKind::user : IdKind::group;
        TRY(add_ranges(plan.maps[int(kind)], value, kind, plan.caller_ids[0]));
        break;
    }
    case MAP_AUTO:
    case MAP_SUBIDS:
        for (IdKind kind : {IdKind::user, IdKind::group})
            TRY(add_ranges(plan.maps[int(kind)], hit.id == MAP_AUTO ? "auto" : "subids", kind, plan.caller_ids[0]));
        break;
    case OWNER: {
        std::string_view rest = value;
        auto uid = parse_decimal(split_first(rest, ':'), 0xfffffffeu);
        auto gid = parse_decimal(rest, 0xfffffffeu);
        if (!uid || !gid)
            return invalid("--owner", value, "expected uid:gid");
        plan.owner_uid = static_cast<uid_t>(*uid);
        plan.owner_gid = static_cast<gid_t>(*gid);
        break;
    }
    case KEEP_CAPS: plan.keep_caps = true; break;
    case ROOT: plan.root = hit.value; break;
    case WD: plan.wd = hit.value; break;
    case SETUID: plan.setuid = TRY(parse_number(value, "--setuid")); break;
    case SETGID: plan.setgid = TRY(parse_number(value, "--setgid")); break;
    case MONOTONIC:
    case BOOTTIME: {
        auto offset = parse_offset(value);
        if (!offset)
            return invalid(hit.id == MONOTONIC ? "--monotonic" : "--boottime", value,
                           "not a whole number of seconds");
        (hit.id == MONOTONIC ? plan.monotonic : plan.boottime) = offset;
        break;
    }
    }
    return {};
}

// What the options ask together, refused before anything is made.
Result<void> check_combinations(UnsharePlan& plan, bool map_group_single)
{
    bool maps = plan.map_to[0] || plan.map_to[1] || !plan.maps[0].empty() || !plan.maps[1].empty();
    if (maps || plan.owner_uid)
        plan.clone_flags |= CLONE_NEWUSER;
    // util-linux writes /proc/self/setgroups anyway and fails with EPERM.
    if (plan.setgroups != Setgroups::unchanged && !(plan.clone_flags & CLONE_NEWUSER))
        return Error::because("it needs a new user namespace (-U)", "option --setgroups");
    if (map_group_single && plan.setgroups == Setgroups::allow)
        return Error::because("they are mutually exclusive", "options --setgroups=allow and --map-group");
    if ((plan.monotonic || plan.boottime) && !(plan.clone_flags & CLONE_NEWTIME))
        return Error::because("they require unsharing a time namespace (-T)", "options --monotonic and --boottime");
    for (std::size_t i = 0; i < plan.persist_count; ++i)
        if (plan.persists[i].kind == NsKind::pid && !plan.fork)
            return Error::because("a pid namespace lives only with a process in it: add --fork",
                                  "cannot persist the pid namespace");
    return {};
}

}  // namespace

Result<Parsed> parse_unshare_options(UnsharePlan& plan, int argc, char** argv, bool& bad_usage)
{
    plan.caller_ids[0] = ::geteuid();
    plan.caller_ids[1] = ::getegid();
    OptionParser parser(options, argc, argv);
    OptionHit hit;
    bool map_group_single = false;
    for (;;) {
        auto more = parser.next(hit);
        if (!more.ok()) {
            bad_usage = true;
            return more.take_error();
        }
        if (!more.value())
            break;
        if (hit.id == HELP)
            return Parsed::help;
        if (hit.id == VERSION)
            return Parsed::version;
        TRY(apply_option(plan, hit, map_group_single));
    }
    if (parser.index() < argc)
        plan.program = argv + parser.index();
    TRY(check_combinations(plan, map_group_single));
    return Parsed::run;
}

}  // namespace nskit
