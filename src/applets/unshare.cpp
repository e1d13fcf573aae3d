// unshare: run a program in new namespaces, a drop-in for util-linux's
// unshare(1). The recipe: parse into a plan, check everything that can be
// checked before anything is created, start the helpers that must stay
// outside (id maps, persistent bind mounts), unshare, map ids, set clock
// offsets, fork if asked, prepare the process (propagation, root, working
// directory, /proc, credentials, capabilities), persist, exec.
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <array>

#include "applets/applets.h"
#include "base/buffer.h"
#include "base/exec.h"
#include "base/options.h"
#include "base/output.h"
#include "base/signals.h"
#include "base/sys.h"
#include "context/accounts.h"
#include "context/ambient.h"
#include "ns/helper.h"
#include "ns/idmap.h"
#include "ns/kinds.h"
#include "ns/persist.h"
#include "ns/process.h"
#include "version.h"

extern char** environ;

namespace nskit {

namespace {

// prctl(2) options (linux/prctl.h; <sys/prctl.h> clashes with base/sys.h's names).
constexpr int set_parent_death_signal = 1;  // PR_SET_PDEATHSIG
constexpr int set_dumpable = 4;             // PR_SET_DUMPABLE

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
    {FORK, 'f', "fork", Arg::none, "", "fork before launching <program>"},
    {KILL_CHILD, '\0', "kill-child", Arg::optional, "signame", "when dying, kill the forked child (implies --fork)"},
    {FORWARD_SIGNALS, '\0', "forward-signals", Arg::none, "", "forward SIGTERM and SIGINT to the child (implies --fork)"},
    {MOUNT_PROC, '\0', "mount-proc", Arg::optional, "dir", "mount proc filesystem first (implies --mount)"},
    {PROPAGATION, '\0', "propagation", Arg::required, "slave|shared|private|unchanged",
     "modify mount propagation in mount namespace"},
    {SETGROUPS, '\0', "setgroups", Arg::required, "allow|deny", "control the setgroups syscall in user namespaces"},
    {MAP_ROOT, 'r', "map-root-user", Arg::none, "", "map current user to root (implies --user)"},
    {MAP_CURRENT, 'c', "map-current-user", Arg::none, "", "map current user to itself (implies --user)"},
    {MAP_USER, '\0', "map-user", Arg::required, "uid|name", "map current user to uid (implies --user)"},
    {MAP_GROUP, '\0', "map-group", Arg::required, "gid|name", "map current group to gid (implies --user)"},
    {MAP_USERS, '\0', "map-users", Arg::required, "inner:outer:count",
     "map count users from outeruid to inneruid (implies --user); also auto, subids, all"},
    {MAP_GROUPS, '\0', "map-groups", Arg::required, "inner:outer:count",
     "map count groups from outergid to innergid (implies --user); also auto, subids, all"},
    {MAP_AUTO, '\0', "map-auto", Arg::none, "", "map users and groups automatically (implies --user)"},
    {MAP_SUBIDS, '\0', "map-subids", Arg::none, "", "identity map the subordinate ids (implies --user)"},
    {OWNER, '\0', "owner", Arg::required, "uid:gid", "owner of the new user namespace (implies --user)"},
    {KEEP_CAPS, '\0', "keep-caps", Arg::none, "", "retain capabilities granted in user namespaces"},
    {ROOT, 'R', "root", Arg::required, "dir", "run the command with root directory set to <dir>"},
    {WD, 'w', "wd", Arg::required, "dir", "change working directory to <dir>"},
    {SETUID, 'S', "setuid", Arg::required, "uid", "set uid in entered namespace"},
    {SETGID, 'G', "setgid", Arg::required, "gid", "set gid in entered namespace"},
    {MONOTONIC, '\0', "monotonic", Arg::required, "offset", "set clock monotonic offset (seconds) in time namespaces"},
    {BOOTTIME, '\0', "boottime", Arg::required, "offset", "set clock boottime offset (seconds) in time namespaces"},
    {HELP, 'h', "help", Arg::none, "", "display this help"},
    {VERSION, 'V', "version", Arg::none, "", "display version"},
};

// The namespace options come from the kind table: -U/--user[=FILE] and so on.
constexpr auto make_options()
{
    std::array<Option, namespace_kinds.size() + std::size(other_options)> table{};
    std::size_t i = 0;
    for (const NsInfo& ns : namespace_kinds)
        table[i++] = {namespace_base + static_cast<int>(ns.kind), ns.short_option, ns.long_option, Arg::optional,
                      "file", ns.description};
    for (const Option& option : other_options)
        table[i++] = option;
    return table;
}
constexpr auto options = make_options();

constexpr Usage usage = {"[options] [<program> [<argument>...]]", "Run a program with some namespaces unshared from the parent.",
                         options};

struct Plan {
    int clone_flags = 0;
    Persist persists[namespace_kinds.size()];
    std::size_t persist_count = 0;
    bool fork = false;
    int kill_signal = 0;
    bool forward_signals = false;
    const char* proc_dir = nullptr;
    unsigned long propagation = MS_REC | MS_PRIVATE;
    Setgroups setgroups = Setgroups::unchanged;
    // The inside ids the caller's effective uid and gid become (-r, -c, --map-user/group).
    std::optional<std::uint32_t> map_user, map_group;
    IdMap user_ranges, group_ranges;
    // Whole maps written by the map helper, when it writes them.
    IdMap helper_uid_map, helper_gid_map;
    bool keep_caps = false;
    const char* root = nullptr;
    const char* wd = nullptr;
    std::optional<uid_t> setuid;
    std::optional<gid_t> setgid;
    std::optional<std::int64_t> monotonic, boottime;
    std::optional<uid_t> owner_uid;
    std::optional<gid_t> owner_gid;
    uid_t caller_uid = 0;  // effective ids before anything changed them
    gid_t caller_gid = 0;
    char** program = nullptr;  // null: the user's shell
};

// "invalid --option 'value': reason", built in one place rather than at every call.
[[gnu::noinline]] Error invalid(const char* option, std::string_view value, const char* reason)
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
Result<std::uint32_t> parse_id_or_name(std::string_view text, IdKind kind, const char* option)
{
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

// Adds a --map-users/--map-groups argument: a range, or auto, subids, all.
Result<void> add_ranges(IdMap& map, std::string_view text, IdKind kind, uid_t caller_uid)
{
    const char* option = kind == IdKind::user ? "--map-users" : "--map-groups";
    if (text == "auto" || text == "subids") {
        const char* file = kind == IdKind::user ? "/etc/subuid" : "/etc/subgid";
        Buffer subids = TRY(read_file(AT_FDCWD, file, 16 << 20));
        auto name = caller_name(caller_uid);
        IdRange range = TRY(find_subordinate_range(subids.view(), name.view(), caller_uid)
                                .describe("cannot find subordinate ids of ", name.empty() ? "the user" : name.c_str(),
                                          " in ", file));
        if (text == "subids")
            range.inner = range.outer;
        return map.add(range).describe("invalid ", option, ' ', text);
    }
    if (text == "all") {
        const char* file = kind == IdKind::user ? "/proc/self/uid_map" : "/proc/self/gid_map";
        Buffer current = TRY(read_file(AT_FDCWD, file, 1 << 20));
        return add_identity_of(map, current.view()).describe("invalid ", option, " all");
    }
    IdRange range = TRY(parse_id_range(text).describe("invalid ", option, " '", text, '\''));
    return map.add(range).describe("invalid ", option, " '", text, '\'');
}

Result<void> add_persist(Plan& plan, NsKind kind, const char* file)
{
    for (std::size_t i = 0; i < plan.persist_count; ++i)
        if (plan.persists[i].kind == kind) {
            plan.persists[i].file = file;
            return {};
        }
    plan.persists[plan.persist_count++] = {kind, file};
    return {};
}

enum class Parsed { run, help, version };

bool bad_usage = false;  // the command line itself was wrong: point to --help

Result<Parsed> parse(Plan& plan, int argc, char** argv)
{
    plan.caller_uid = ::geteuid();
    plan.caller_gid = ::getegid();
    OptionParser parser(options, argc, argv);
    OptionHit hit;
    bool map_group_single_by_option = false;
    for (;;) {
        auto more = parser.next(hit);
        if (!more.ok()) {
            bad_usage = true;
            return more.take_error();
        }
        if (!more.value())
            break;
        std::string_view value = hit.value ? hit.value : "";
        if (hit.id >= namespace_base) {
            NsKind kind = static_cast<NsKind>(hit.id - namespace_base);
            plan.clone_flags |= info(kind).clone_flag;
            if (hit.value)
                TRY(add_persist(plan, kind, hit.value));
            continue;
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
            auto flags = parse_propagation(value);
            if (!flags)
                return invalid("--propagation", value, "expected slave, shared, private or unchanged");
            plan.propagation = *flags;
            break;
        }
        case SETGROUPS:
            if (value == "allow")
                plan.setgroups = Setgroups::allow;
            else if (value == "deny")
                plan.setgroups = Setgroups::deny;
            else
                return invalid("--setgroups", value, "expected allow or deny");
            break;
        case MAP_ROOT:
            plan.map_user = 0, plan.map_group = 0;
            map_group_single_by_option = true;
            break;
        case MAP_CURRENT:
            plan.map_user = plan.caller_uid, plan.map_group = plan.caller_gid;
            map_group_single_by_option = true;
            break;
        case MAP_USER: plan.map_user = TRY(parse_id_or_name(value, IdKind::user, "--map-user")); break;
        case MAP_GROUP:
            plan.map_group = TRY(parse_id_or_name(value, IdKind::group, "--map-group"));
            map_group_single_by_option = true;
            break;
        case MAP_USERS: TRY(add_ranges(plan.user_ranges, value, IdKind::user, plan.caller_uid)); break;
        case MAP_GROUPS: TRY(add_ranges(plan.group_ranges, value, IdKind::group, plan.caller_uid)); break;
        case MAP_AUTO:
        case MAP_SUBIDS: {
            const char* which = hit.id == MAP_AUTO ? "auto" : "subids";
            TRY(add_ranges(plan.user_ranges, which, IdKind::user, plan.caller_uid));
            TRY(add_ranges(plan.group_ranges, which, IdKind::group, plan.caller_uid));
            break;
        }
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
        case HELP: return Parsed::help;
        case VERSION: return Parsed::version;
        }
    }
    if (parser.index() < argc)
        plan.program = argv + parser.index();

    bool maps = plan.map_user || plan.map_group || !plan.user_ranges.empty() || !plan.group_ranges.empty();
    if (maps || plan.owner_uid)
        plan.clone_flags |= CLONE_NEWUSER;
    if (map_group_single_by_option && plan.setgroups == Setgroups::allow)
        return Error::because("they are mutually exclusive", "options --setgroups=allow and --map-group");
    if ((plan.monotonic || plan.boottime) && !(plan.clone_flags & CLONE_NEWTIME))
        return Error::because("they require unsharing a time namespace (-T)", "options --monotonic and --boottime");
    for (std::size_t i = 0; i < plan.persist_count; ++i)
        if (plan.persists[i].kind == NsKind::pid && !plan.fork)
            return Error::because("a pid namespace lives only with a process in it: add --fork",
                                  "cannot persist the pid namespace");
    return Parsed::run;
}

// Who writes which map. The caller writes a lone "inside caller-id 1" line
// itself after unshare(2), as an unprivileged user may; anything more (ranges,
// or --owner, where the caller is no longer the user the ids belong to) is
// written by the map helper from outside, with the privilege it has there.
bool uid_map_by_helper(const Plan& plan) { return plan.owner_uid || !plan.user_ranges.empty(); }
bool gid_map_by_helper(const Plan& plan) { return plan.owner_uid || !plan.group_ranges.empty(); }

Result<void> plan_helper_maps(Plan& plan)
{
    if (uid_map_by_helper(plan)) {
        if (plan.map_user)
            plan.helper_uid_map = TRY(merge_single(plan.user_ranges, {*plan.map_user, plan.caller_uid, 1}));
        else
            plan.helper_uid_map = plan.user_ranges;
    }
    if (gid_map_by_helper(plan)) {
        if (plan.map_group)
            plan.helper_gid_map = TRY(merge_single(plan.group_ranges, {*plan.map_group, plan.caller_gid, 1}));
        else
            plan.helper_gid_map = plan.group_ranges;
    }
    return {};
}

bool has_capability(int cap)
{
    auto caps = sys::capget();
    return caps.ok() && (caps.value().effective & (std::uint64_t(1) << cap));
}

// The map helper's job: write the caller's maps, directly with CAP_SETUID /
// CAP_SETGID here, through newuidmap/newgidmap without.
Result<void> write_maps_from_outside(pid_t caller, const void* context)
{
    const Plan& plan = *static_cast<const Plan*>(context);
    constexpr int cap_setgid = 6, cap_setuid = 7;
    if (!plan.helper_uid_map.empty()) {
        if (has_capability(cap_setuid))
            TRY(write_id_map(caller, IdKind::user, plan.helper_uid_map));
        else
            TRY(run_id_map_helper(caller, IdKind::user, plan.helper_uid_map));
    }
    if (!plan.helper_gid_map.empty()) {
        if (has_capability(cap_setgid))
            TRY(write_id_map(caller, IdKind::group, plan.helper_gid_map));
        else
            TRY(run_id_map_helper(caller, IdKind::group, plan.helper_gid_map));
    }
    return {};
}

// The bind helper's job: persist the caller's namespaces.
Result<void> persist_from_outside(pid_t caller, const void* context)
{
    const Plan& plan = *static_cast<const Plan*>(context);
    return bind_namespaces(caller, {plan.persists, plan.persist_count});
}

// Right after unshare(2), in the unsharing process: setgroups, the maps, clock offsets.
Result<void> set_up_new_namespaces(const Plan& plan, Helper& map_helper)
{
    if (plan.clone_flags & CLONE_NEWUSER) {
        Setgroups setgroups = plan.setgroups;
        // An unprivileged gid_map needs setgroups denied first (Linux 3.19+).
        if (plan.map_group && !gid_map_by_helper(plan))
            setgroups = Setgroups::deny;
        TRY(write_setgroups(0, setgroups));
        if (plan.map_user && !uid_map_by_helper(plan)) {
            IdMap map;
            TRY(map.add({*plan.map_user, plan.caller_uid, 1}));
            TRY(write_id_map(0, IdKind::user, map));
        }
        if (plan.map_group && !gid_map_by_helper(plan)) {
            IdMap map;
            TRY(map.add({*plan.map_group, plan.caller_gid, 1}));
            TRY(write_id_map(0, IdKind::group, map));
        }
        if (map_helper.started())
            TRY(map_helper.run());
    }
    if (plan.monotonic || plan.boottime) {
        Text<96> offsets;
        if (plan.monotonic)
            offsets.append("monotonic ", *plan.monotonic, " 0\n");
        if (plan.boottime)
            offsets.append("boottime ", *plan.boottime, " 0\n");
        Fd fd = TRY(sys::open("/proc/self/timens_offsets", O_WRONLY));
        TRY(sys::write_all(fd.get(), offsets.view()).describe("cannot set the clock offsets"));
    }
    return {};
}

// In the process that will exec: everything util-linux does after the maps.
Result<void> prepare_process(const Plan& plan)
{
    if (plan.clone_flags & CLONE_NEWNS)
        TRY(set_propagation(plan.propagation));
    if (plan.root) {
        TRY(sys::chroot(plan.root));
        TRY(sys::chdir("/"));
    }
    if (plan.wd)
        TRY(sys::chdir(plan.wd));
    if (plan.proc_dir) {
        bool tree_private = plan.root || plan.propagation == (MS_REC | MS_PRIVATE);
        TRY(mount_proc(plan.proc_dir, tree_private));
    }
    if (plan.setgid) {
        // Dropping supplementary groups may be denied in a user namespace; only insist when allowed.
        auto dropped = sys::setgroups({});
        if (!dropped.ok() && plan.setgroups == Setgroups::allow)
            return dropped.take_error();
        TRY(sys::setresgid(*plan.setgid));
    }
    if (plan.setuid)
        TRY(sys::setresuid(*plan.setuid));
    if (plan.keep_caps && (plan.clone_flags & CLONE_NEWUSER))
        TRY(raise_ambient_capabilities());
    return {};
}

[[noreturn]] void exec(const Plan& plan, std::string_view applet)
{
    Error failed;
    if (plan.program) {
        failed = exec_program(plan.program, environ);
    } else {
        // No program: the user's shell, as a login shell ("-bash"), as util-linux does.
        Text<256> storage;
        const char* shell = default_shell(storage);
        Text<64> arg0('-', base_name(shell));
        char* argv[] = {const_cast<char*>(arg0.c_str()), nullptr};
        failed = sys::execve(shell, argv, environ);
    }
    report(applet, failed);
    ::_exit(exit_status_for(failed));
}

// --fork: the child prepares itself, then (when namespaces are persisted)
// tells the parent it is ready and waits until they are bound, so that a
// failure on either side leaves neither a program running nor a mount behind.
int run_forked(const Plan& plan, std::string_view applet, Helper& bind_helper)
{
    bool barrier = bind_helper.started();
    sys::Pipe ready, go;
    if (barrier) {
        auto made_ready = sys::pipe();
        auto made_go = sys::pipe();
        if (!made_ready.ok() || !made_go.ok()) {
            report(applet, made_ready.ok() ? made_go.error() : made_ready.error());
            return 1;
        }
        ready = made_ready.take_value();
        go = made_go.take_value();
    }
    pid_t parent = ::getpid();
    if (!plan.forward_signals) {
        // Ignored from before the fork: a ^C must not kill us and leave the child.
        ::signal(SIGINT, SIG_IGN);
        ::signal(SIGTERM, SIG_IGN);
    }
    auto forked = fork_child();
    if (!forked.ok()) {
        report(applet, forked.error());
        return 1;
    }
    pid_t child = forked.value();
    if (child == 0) {
        bind_helper.forget();
        ::signal(SIGINT, SIG_DFL);
        ::signal(SIGTERM, SIG_DFL);
        if (plan.kill_signal) {
            (void)sys::prctl(set_parent_death_signal, static_cast<unsigned long>(plan.kill_signal));
            if (::getppid() != parent)  // the parent died before the prctl
                ::kill(::getpid(), plan.kill_signal);
        }
        if (auto prepared = prepare_process(plan); !prepared.ok()) {
            report(applet, prepared.error());
            ::_exit(1);
        }
        if (barrier) {
            ready.read.reset();
            go.write.reset();
            (void)sys::write_all(ready.write.get(), "r");
            char byte;
            auto told = sys::read(go.read.get(), &byte, 1);
            if (!told.ok() || told.value() != 1)
                ::_exit(1);
        }
        exec(plan, applet);
    }
    if (barrier) {
        ready.write.reset();
        go.read.reset();
        char byte;
        auto child_ready = sys::read(ready.read.get(), &byte, 1);
        if (child_ready.ok() && child_ready.value() == 1) {
            if (auto bound = bind_helper.run(); !bound.ok()) {
                ::kill(child, SIGKILL);
                (void)sys::waitpid(child, 0);
                report(applet, bound.error());
                return 1;
            }
            (void)sys::write_all(go.write.get(), "g");
        }
        // Otherwise the child failed and said why; its exit status is ours.
    }
    if (plan.forward_signals)
        return wait_and_mirror(child, {{SIGINT, SIGTERM}, {}});
    return wait_and_mirror(child, {{}, {SIGINT, SIGTERM}});
}

Result<void> check_before_anything(const Plan& plan)
{
    for (std::size_t i = 0; i < plan.persist_count; ++i)
        TRY(check_persist_target(plan.persists[i]));
    if (plan.clone_flags & CLONE_NEWTIME)
        TRY(sys::stat("/proc/self/ns/time").describe("cannot unshare the time namespace: the kernel has none"));
    return {};
}

// --owner: the user namespace belongs to whoever creates it.
Result<void> become_owner(const Plan& plan)
{
    gid_t gid = *plan.owner_gid;
    TRY(sys::setgroups({&gid, 1}));
    TRY(sys::setresgid(gid));
    TRY(sys::setresuid(*plan.owner_uid));
    // A change of credentials makes us undumpable, and /proc/self/* root's.
    TRY(sys::prctl(set_dumpable, 1));
    return {};
}

Result<int> run(Plan& plan, std::string_view applet)
{
    TRY(check_before_anything(plan));
    TRY(plan_helper_maps(plan));

    Helper map_helper, bind_helper;
    if (!plan.helper_uid_map.empty() || !plan.helper_gid_map.empty())
        map_helper = TRY(Helper::start(write_maps_from_outside, &plan));
    if (plan.persist_count)
        bind_helper = TRY(Helper::start(persist_from_outside, &plan));
    if (plan.owner_uid)
        TRY(become_owner(plan).describe("cannot become the owner ", *plan.owner_uid, ':', *plan.owner_gid));

    TRY(sys::unshare(plan.clone_flags));
    TRY(set_up_new_namespaces(plan, map_helper));

    if (plan.fork)
        return run_forked(plan, applet, bind_helper);
    TRY(prepare_process(plan));
    if (bind_helper.started())
        TRY(bind_helper.run());
    exec(plan, applet);
}

}  // namespace

int unshare_main(std::string_view program, int argc, char** argv)
{
    // The plan holds four id maps of the kernel's maximum size: keep it off the stack.
    static Plan plan;
    auto parsed = parse(plan, argc, argv);
    if (!parsed.ok()) {
        report(program, parsed.error());
        if (bad_usage)
            Writer(2).put("Try '", program, " --help' for more information.\n");
        return 1;
    }
    if (parsed.value() == Parsed::help) {
        Writer out(1);
        print_help(out, program, usage);
        return 0;
    }
    if (parsed.value() == Parsed::version) {
        Writer(1).put(program, " from nskit ", version, '\n');
        return 0;
    }
    auto ran = run(plan, program);
    if (!ran.ok()) {
        report(program, ran.error());
        return 1;
    }
    return ran.value();
}

}  // namespace nskit
