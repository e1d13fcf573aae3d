// nsenter: run a program in the namespaces of another process; a drop-in
// for util-linux's nsenter. The recipe: parse, pin the target, open what
// must be opened before entering (namespace files, root, cwd, environment,
// cgroups, security label), enter, fork when the pid namespace changed, set
// credentials, exec. With --relay, all that runs in a worker whose program
// gets pipes or a pty of its own (ns/session.h), relayed from outside.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <array>
#include <optional>

#include "applets/applets.h"
#include "base/buffer.h"
#include "base/exec.h"
#include "base/options.h"
#include "base/output.h"
#include "base/sys.h"
#include "context/accounts.h"
#include "context/ambient.h"
#include "context/cgroup.h"
#include "context/env.h"
#include "context/lsm.h"
#include "ns/enter.h"
#include "ns/process.h"
#include "ns/session.h"
#include "ns/target.h"
#include "ns/toolbox.h"
#include "ns/userns.h"
#include "version.h"

extern char** environ;

namespace nskit {

namespace {

enum OptionId : int {
    ALL = 1, TARGET, SETUID, SETGID, PRESERVE_CREDENTIALS, KEEP_CAPS, ROOT, WD, WDNS, ENV,
    JOIN_CGROUP, NO_FORK, NET_SOCKET, USER_PARENT, FOLLOW_CONTEXT, RELAY, TOOLS, HELP, VERSION,
    NAMESPACE = 100,  // NAMESPACE + NsKind: -U, -C, -i, -u, -n, -p, -m, -T
};

constexpr auto options = [] {
    std::array<Option, 19 + namespace_kinds.size()> table{};
    std::size_t i = 0;
    table[i++] = {ALL, 'a', Arg::none, "all", "", "enter all namespaces of the target"};
    table[i++] = {TARGET, 't', Arg::required, "target", "pid[:inode]", "target process to get namespaces from"};
    for (const NsInfo& ns : namespace_kinds)
        table[i++] = {static_cast<short>(NAMESPACE + static_cast<int>(ns.kind)), ns.short_option, Arg::optional, ns.long_option, "file", ns.description,
                      "enter "};
    table[i++] = {NET_SOCKET, 'N', Arg::required, "net-socket", "fd", "network namespace of the target's socket fd"};
    table[i++] = {USER_PARENT, '\0', Arg::none, "user-parent", "", "enter the parent user namespace"};
    table[i++] = {SETUID, 'S', Arg::required, "setuid", "uid|follow", "set uid in entered namespace"};
    table[i++] = {SETGID, 'G', Arg::required, "setgid", "gid|follow", "set gid in entered namespace"};
    table[i++] = {PRESERVE_CREDENTIALS, '\0', Arg::none, "preserve-credentials", "", "do not touch uids or gids"};
    table[i++] = {KEEP_CAPS, '\0', Arg::none, "keep-caps", "", "keep capabilities granted in the user namespace"};
    table[i++] = {ROOT, 'r', Arg::optional, "root", "dir", "set the root directory"};
    table[i++] = {WD, 'w', Arg::optional, "wd", "dir", "set the working directory"};
    table[i++] = {WDNS, 'W', Arg::required, "wdns", "dir", "set the working directory in namespace"};
    table[i++] = {ENV, 'e', Arg::none, "env", "", "inherit environment variables from target process"};
    table[i++] = {JOIN_CGROUP, 'c', Arg::none, "join-cgroup", "", "join the cgroups of the target process"};
    table[i++] = {NO_FORK, 'F', Arg::none, "no-fork", "", "do not fork before exec'ing <program>"};
    table[i++] = {FOLLOW_CONTEXT, 'Z', Arg::none, "follow-context", "", "set security context of the target"};
    table[i++] = {RELAY, '\0', Arg::optional, "relay", "pty|pipes",
                  "the program gets pipes or a pty of its own, in its own session, and no other descriptor"};
    table[i++] = {TOOLS, '\0', Arg::optional, "tools", "dir",
                  "show a toolbox of static programs at /.nskit/tools (default /usr/local/lib/nskit/tools)"};
    table[i++] = {HELP, 'h', Arg::none, "help", "", "display this help"};
    table[i++] = {VERSION, 'V', Arg::none, "version", "", "display version"};
    return table;
}();
static_assert(options.back().id == VERSION, "every slot of the option table is filled");

constexpr Usage usage{"[options] [<program> [<argument>...]]", "Run a program with namespaces of other processes.",
                      options, "nskit-nsenter"};

// -S/-G: a number, or "follow" (the target's own id).
struct IdChoice {
    bool follow = false;
    std::uint32_t id = 0;
};

struct Request {
    std::optional<TargetSpec> target;
    bool all = false;
    struct NamespaceWish {
        bool wanted = false;
        const char* file = nullptr;
    };
    std::array<NamespaceWish, namespace_kinds.size()> namespaces{};
    std::optional<int> net_socket;
    bool user_parent = false;
    std::optional<IdChoice> uid, gid;
    bool preserve_credentials = false, keep_caps = false, no_fork = false;
    bool inherit_env = false, join_cgroup = false, follow_context = false;
    std::optional<Terminal> relay;
    bool root = false, wd = false;
    const char* root_dir = nullptr;
    const char* wd_dir = nullptr;
    const char* wdns = nullptr;
    const char* tools = nullptr;  // --tools: the toolbox directory
    bool help = false, version = false;
    int program = 0;  // argv index of the program, argc when none

    NamespaceWish& wish(NsKind kind) { return namespaces[static_cast<std::size_t>(kind)]; }
    const NamespaceWish& wish(NsKind kind) const { return namespaces[static_cast<std::size_t>(kind)]; }
    bool any_namespace() const
    {
        for (const NamespaceWish& w : namespaces)
            if (w.wanted)
                return true;
        return all || net_socket.has_value();
    }
};

Result<IdChoice> parse_id(const char* text, const char* what)
{
    if (std::string_view(text) == "follow")
        return IdChoice{true, 0};
    auto id = parse_decimal(text, 0xfffffffeu);
    if (!id)
        return Error::because("not a number or 'follow'", "invalid ", what, " '", text, "'");
    return IdChoice{false, static_cast<std::uint32_t>(*id)};
}

Result<Request> parse_command_line(int argc, char** argv)
{
    Request request;
    OptionParser parser(options, argc, argv);
    OptionHit hit;
    while (TRY(parser.next(hit))) {
        switch (hit.id) {
        case ALL: request.all = true; break;
        case TARGET: request.target = TRY(parse_target(hit.value)); break;
        case NET_SOCKET: {
            auto fd = parse_decimal(hit.value, 0x7fffffff);
            if (!fd)
                return Error::because("not a file descriptor number", "invalid --net-socket '", hit.value, "'");
            request.net_socket = static_cast<int>(*fd);
            break;
        }
        case USER_PARENT: request.user_parent = true; break;
        case SETUID: request.uid = TRY(parse_id(hit.value, "uid")); break;
        case SETGID: request.gid = TRY(parse_id(hit.value, "gid")); break;
        case PRESERVE_CREDENTIALS: request.preserve_credentials = true; break;
        case KEEP_CAPS: request.keep_caps = true; break;
        case ROOT: request.root = true; request.root_dir = hit.value; break;
        case WD: request.wd = true; request.wd_dir = hit.value; break;
        case WDNS: request.wdns = hit.value; break;
        case ENV: request.inherit_env = true; break;
        case JOIN_CGROUP: request.join_cgroup = true; break;
        case NO_FORK: request.no_fork = true; break;
        case FOLLOW_CONTEXT: request.follow_context = true; break;
        case RELAY: {
            int mode = hit.value ? word_index(hit.value, "pty pipes ") : -1;
            if (hit.value && mode < 0)
                return Error::because("expected pty or pipes", "bad --relay '", hit.value, "'");
            request.relay = mode < 0 ? Terminal::automatic : mode == 0 ? Terminal::pty : Terminal::pipes;
            break;
        }
        case TOOLS: request.tools = hit.value ? hit.value : default_toolbox; break;
        case HELP: request.help = true; return request;
        case VERSION: request.version = true; return request;
        default: {
            auto& wish = request.wish(static_cast<NsKind>(hit.id - NAMESPACE));
            wish.wanted = true;
            wish.file = hit.value;
        }
        }
    }
    request.program = parser.index();

    // Combinations that cannot work are refused before anything is opened.
    if (request.wd && request.wdns)
        return Error::because("mutually exclusive options", "--wd and --wdns");
    if (request.net_socket && request.wish(NsKind::net).wanted)
        return Error::because("mutually exclusive options", "--net and --net-socket");
    // The toolbox is shown in a copy of the entered mount namespace; a
    // directory opened before entering would lie outside that view.
    if (request.tools && !request.all && !request.wish(NsKind::mnt).wanted)
        return Error::because("it is shown in the entered mount namespace: add -m or --all", "cannot use --tools");
    if (request.tools && request.wd)
        return Error::because("the directory is opened before the view is made: use --wdns", "cannot use --tools with --wd");
    if (!request.target) {
        for (const NsInfo& ns : namespace_kinds)
            if (request.wish(ns.kind).wanted && !request.wish(ns.kind).file)
                return Error::because("neither a file nor --target given", "cannot enter the ", ns.description);
        const char* needs_target = request.all                              ? "--all"
                                   : request.net_socket                     ? "--net-socket"
                                   : request.root && !request.root_dir      ? "--root without a directory"
                                   : request.wd && !request.wd_dir          ? "--wd without a directory"
                                   : request.inherit_env                    ? "--env"
                                   : request.join_cgroup                    ? "--join-cgroup"
                                   : request.follow_context                 ? "--follow-context"
                                   : request.uid && request.uid->follow     ? "--setuid follow"
                                   : request.gid && request.gid->follow     ? "--setgid follow"
                                                                            : nullptr;
        if (needs_target)
            return Error::because("it needs --target", "cannot use ", needs_target);
    }
    bool does_something = request.any_namespace() || request.root || request.wd || request.wdns || request.uid ||
                          request.gid || request.inherit_env || request.join_cgroup || request.follow_context;
    if (!does_something)
        return Error::because("use --all, or one of -m -u -i -n -p -U -C -T (see --help)", "no namespace selected");
    return request;
}

// Turns the request's namespace wishes into open files or target kinds.
Result<void> select_namespaces(const Request& request, const Target* target, NsSelection& selection)
{
    for (const NsInfo& ns : namespace_kinds) {
        const auto& wish = request.wish(ns.kind);
        if (wish.wanted && wish.file)
            selection.from_file(ns.kind, TRY(open_namespace_file(wish.file, ns.kind)));
        else if (wish.wanted)
            selection.from_target(ns.kind);
        else if (request.all && compare_with_ours(*target, ns.kind) == Shared::different) {
            // --all leaves out what we share with the target (and what the
            // kernel lacks): setns(2) refuses to re-enter one's own user
            // namespace (it would give back dropped capabilities), and
            // re-entering any other is at best a no-op and at worst refused to
            // an unprivileged caller inside a user namespace.
            selection.from_target(ns.kind);
        }
    }
    if (request.net_socket) {
        if (target->pidfd() < 0)
            return Error::because("it needs pidfd_getfd (Linux 5.6 or later)", "cannot use --net-socket");
        Fd socket = TRY(sys::pidfd_getfd(target->pidfd(), *request.net_socket));
        int netns = TRY(sys::ioctl(socket.get(), sys::siocgskns)
                            .describe("cannot get the network namespace of socket ", *request.net_socket, " of PID ",
                                      target->pid()));
        selection.from_file(NsKind::net, Fd(netns));
    }
    if (request.user_parent) {
        if (target)
            TRY(open_target_namespaces(*target, selection));
        if (selection.wants(NsKind::user)) {
            int parent = TRY(sys::ioctl(selection.file(NsKind::user).get(), sys::ns_get_parent)
                                 .describe("cannot get the parent user namespace"));
            selection.from_file(NsKind::user, Fd(parent));
        } else {
            for (const NsInfo& ns : namespace_kinds) {
                if (!selection.wants(ns.kind))
                    continue;
                int owner = TRY(sys::ioctl(selection.file(ns.kind).get(), sys::ns_get_userns)
                                    .describe("cannot get the user namespace that owns the ", ns.description));
                selection.from_file(NsKind::user, Fd(owner));
                break;
            }
            if (!selection.wants(NsKind::user))
                return Error::because("no other namespace selected to take it from", "cannot use --user-parent");
        }
    }
    return {};
}

// The id to switch to for -S/-G follow: the target's effective id, as seen
// from inside its user namespace when we are about to enter that.
Result<std::uint32_t> follow_id(const Target& target, bool uid, bool entering_userns)
{
    char status_buffer[4096];
    auto status = TRY(read_small_file(target.proc_dir(), "status", status_buffer)
                          .describe("cannot read /proc/", target.pid(), "/status"));
    auto id = effective_id(status, uid ? "Uid" : "Gid");
    if (!id)
        return Error::because("unexpected format", "cannot parse /proc/", target.pid(), "/status");
    if (!entering_userns)
        return *id;
    char map_buffer[4096];
    auto map = TRY(read_small_file(target.proc_dir(), uid ? "uid_map" : "gid_map", map_buffer)
                       .describe("cannot read /proc/", target.pid(), uid ? "/uid_map" : "/gid_map"));
    auto inside = id_inside(map, *id);
    if (!inside)
        return Error::because("it is not mapped in the target's user namespace", "cannot follow ", uid ? "uid " : "gid ",
                              *id);
    return *inside;
}

Result<Fd> open_directory(const Target* target, const char* dir, const char* target_entry)
{
    if (dir)
        return sys::open(dir, O_RDONLY | O_DIRECTORY);
    return sys::openat(target->proc_dir(), target_entry, O_RDONLY | O_DIRECTORY)
        .describe("cannot open /proc/", target->pid(), '/', target_entry);
}

// --env: the target's environment instead of ours. An empty one is refused:
// it means a process that cleared it, or a kernel thread-like target, and
// running a program with nothing at all (no PATH) is never what was meant.
Result<void> take_environment(const Target& target, Environment& environment)
{
    Buffer block = TRY(read_process_environ(target.pid()));
    if (block.empty())
        return Error::because("it is empty", "cannot use the environment of PID ", target.pid());
    return environment.set_all(block.view());
}

bool setgroups_is_denied(const Target& target)
{
    char buffer[16];
    auto text = read_small_file(target.proc_dir(), "setgroups", buffer);
    return text.ok() && trim(text.value()) == "deny";
}

// --relay: the worker's way to the relay outside, and its /proc/self/fd
// (opened before entering) for opening the pty inside.
struct RelayWorker {
    Session& session;
    Fd proc_self_fd;
};

// Once entered: nothing of the caller's passes but what the relay gives, and
// with a pty it comes from the entered root.
Result<void> attach_relay(RelayWorker& relay)
{
    Fd* keep[] = {&relay.session.control(), &relay.proc_self_fd};
    TRY(keep_descriptors(keep, 3, &relay.proc_self_fd));
    Fd root = TRY(sys::open("/", O_PATH | O_DIRECTORY));
    TRY(relay.session.worker_attach({root.get(), relay.proc_self_fd.get()}));
    relay.session.worker_end();
    relay.proc_self_fd.reset();
    return {};
}

// Everything up to the exec; returns the exit status when the exec fails or
// when this is the parent waiting for the forked program.
Result<int> run_pinned(std::string_view name, const Request& request, std::optional<Target>& target, int argc,
                       char** argv, RelayWorker* relay)
{
    const Target* pinned = target ? &*target : nullptr;

    NsSelection selection;
    TRY(select_namespaces(request, pinned, selection));
    bool entering_userns = selection.wants(NsKind::user);

    std::optional<std::uint32_t> uid, gid;
    if (request.uid)
        uid = request.uid->follow ? TRY(follow_id(*target, true, entering_userns)) : request.uid->id;
    if (request.gid)
        gid = request.gid->follow ? TRY(follow_id(*target, false, entering_userns)) : request.gid->id;
    if (entering_userns && !request.preserve_credentials) {
        // In a user namespace nsenter always picks its ids: root by default.
        uid = uid.value_or(0);
        gid = gid.value_or(0);
    }

    Fd root, wd;
    if (request.root)
        root = TRY(open_directory(pinned, request.root_dir, "root"));
    if (request.wd)
        wd = TRY(open_directory(pinned, request.wd_dir, "cwd"));
    std::optional<ExecLabel> label;
    if (request.follow_context)
        label = TRY(read_exec_label(*target));
    Environment environment;
    if (request.inherit_env)
        TRY(take_environment(*target, environment));
    std::optional<CgroupJoin> cgroups;
    if (request.join_cgroup)
        cgroups = TRY(plan_cgroup_join(target->pid()));
    std::optional<Toolbox> toolbox;
    if (request.tools) {
        toolbox = TRY(Toolbox::open(request.tools));
        if (!request.inherit_env)
            for (char** entry = environ; *entry; ++entry)
                TRY(environment.set(*entry));
        TRY(add_toolbox_to_path(environment));
    }
    if (target)
        TRY(target->still_alive());

    // Cgroups are joined from here, where their file systems are mounted;
    // the forked program below inherits them.
    if (cgroups)
        TRY(cgroups->join(::getpid()));

    // The label is written now, by this task (the kernel takes it from no
    // other), while /proc is still ours; fork, setns and setuid keep it.
    if (label)
        TRY(apply_exec_label(*label));

    // Supplementary groups are dropped before entering and again after: one
    // of the two must work (a user namespace may deny setgroups).
    bool groups_dropped = entering_userns && !request.preserve_credentials && sys::setgroups({}).ok();
    // A user namespace made by an unprivileged user (unshare -r) denies
    // setgroups for good; its groups are then the caller's own, and unmapped.
    bool setgroups_denied = entering_userns && target && !request.wish(NsKind::user).file &&
                            setgroups_is_denied(*target);

    // A new pid namespace applies to children only: fork so the program is in it.
    bool fork_into_pid_namespace = selection.wants(NsKind::pid) && !request.no_fork;
    bool selection_had_mnt = selection.wants(NsKind::mnt);
    TRY(enter_namespaces(pinned, selection));

    // util-linux's --all re-enters our own mount namespace, which moves us to
    // its root; --all here leaves out namespaces we share, so do that part.
    if (request.all && !selection_had_mnt && !root && !wd && !request.wdns)
        TRY(sys::chdir("/"));
    if (toolbox) {
        // Over the root the program would have had: --root's, or the namespace's.
        if (!root)
            root = TRY(sys::open("/", O_PATH | O_DIRECTORY));
        TRY(toolbox->show_over(root.get()));
        toolbox.reset();
        root.reset();
    }
    if (root && !wd && !request.wdns)
        wd = TRY(sys::open(".", O_RDONLY | O_DIRECTORY));  // keep the cwd across the chroot
    if (root) {
        TRY(sys::fchdir(root.get()).describe("cannot change directory to the new root"));
        TRY(sys::chroot("."));
    }
    if (request.wdns)
        TRY(sys::chdir(request.wdns));
    else if (wd)
        TRY(sys::fchdir(wd.get()).describe("cannot change directory to ", request.wd_dir ? request.wd_dir : "the target's"));
    root.reset();
    wd.reset();
    if (relay) {
        cgroups.reset();  // joined already
        target.reset();   // nothing more is read of it
        TRY(attach_relay(*relay));
    }

    // The program's own last steps: credentials, then exec. Its exit status
    // when the exec fails (having said why).
    auto finish = [&]() -> int {
        auto credentials = [&]() -> Result<void> {
            if (gid) {
                auto dropped = sys::setgroups({});
                if (!dropped.ok() && !groups_dropped && !setgroups_denied)
                    return dropped.take_error();
                TRY(sys::setresgid(*gid).describe("cannot set gid ", *gid));
            }
            if (uid)
                TRY(sys::setresuid(*uid).describe("cannot set uid ", *uid));
            if (request.keep_caps && entering_userns)
                TRY(raise_ambient_capabilities());
            if (relay)
                TRY(relay->session.command_begin());
            return {};
        }();
        if (!credentials.ok()) {
            report(name, credentials.error());
            return 1;
        }
        char* const* envp = environ;
        if (request.inherit_env || request.tools) {
            auto built = environment.envp();
            if (!built.ok()) {
                report(name, built.error());
                return 1;
            }
            envp = built.value();
        }
        char* toolbox_argv[] = {const_cast<char*>(toolbox_shell), nullptr};
        Error failed = request.program < argc ? exec_program(argv + request.program, envp)
                       : request.tools        ? exec_program(toolbox_argv, envp)
                                              : exec_login_shell(envp);
        report(name, failed);
        return exit_status_for(failed);
    };
    if (!fork_into_pid_namespace)
        return finish();

    auto spawned = spawn_child([&] { ::_exit(finish()); });
    if (!spawned.ok() && spawned.error().code == ENOMEM)  // what fork says in a pid namespace without init
        return Error::because("its init (pid 1) has exited, so it takes no new process",
                              "cannot fork into the pid namespace");
    pid_t child = TRY(std::move(spawned));
    if (relay)  // the program has its own session: its stops are its own, its signals come from us
        return wait_and_mirror(child, {{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2}, {}, false});
    return wait_and_mirror(child);
}

Result<int> run_here(std::string_view name, const Request& request, int argc, char** argv, RelayWorker* relay)
{
    std::optional<Target> target;
    if (request.target)
        target = TRY(pin_target(*request.target));
    auto status = run_pinned(name, request, target, argc, argv, relay);
    // A /proc file that vanished under us means the target exited: say that.
    if (!status.ok() && target)
        TRY(target->still_alive_after_failure());
    return status;
}

Result<int> run(std::string_view name, const Request& request, int argc, char** argv)
{
    // Nothing of ours may be looked into from inside (/proc/PID/fd, exe,
    // mem) until the exec, which undoes this.
    TRY(sys::prctl(PR_SET_DUMPABLE, 0));
    // How many capabilities this kernel has, asked of our own /proc now:
    // --keep-caps needs it after entering, where /proc is the target's.
    (void)sys::last_capability();
    if (!request.relay)
        return run_here(name, request, argc, argv, nullptr);
    Session session;
    TRY(session.prepare(*request.relay));
    pid_t worker = TRY(fork_child());
    if (worker) {
        auto end = session.relay(name, worker,
                                 {.ready = [](pid_t) -> Result<void> { return {}; },
                                  .place = [](pid_t) -> Result<void> { return {}; }});
        if (end.refused)
            return 1;
        return end.gave_up ? 128 + end.gave_up : mirror_exit(end.status);
    }
    auto status = [&]() -> Result<int> {
        TRY(session.worker_begin());
        RelayWorker relay{session, TRY(sys::open("/proc/self/fd", O_PATH | O_DIRECTORY))};
        return run_here(name, request, argc, argv, &relay);
    }();
    if (!status.ok())
        report(name, status.error());
    ::_exit(status.ok() ? status.value() : 1);
}

}  // namespace

int nsenter_main(std::string_view name, int argc, char** argv)
{
    auto request = parse_command_line(argc, argv);
    if (!request.ok()) {
        report(name, request.error());
        Writer(2).put("Try '", name, " --help' for more information.\n");
        return 1;
    }
    if (request.value().help) {
        Writer out(1);
        print_help(out, name, usage);
        return 0;
    }
    if (request.value().version) {
        Writer(1).put(name, " from nskit ", version, '\n');
        return 0;
    }
    auto status = run(name, request.value(), argc, argv);
    if (status.ok())
        return status.value();
    report(name, status.error());
    return 1;
}

}  // namespace nskit
