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
#include "applets/nsenter.h"
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

// What is read and opened before anything changes, and decided from it.
struct Prepared {
    NsSelection selection;
    bool entering_userns = false;
    std::optional<std::uint32_t> uid, gid;  // to switch to after entering
    Fd root, wd;
    std::optional<ExecLabel> label;
    Environment environment;
    std::optional<CgroupJoin> cgroups;
    std::optional<Toolbox> toolbox;
    bool groups_dropped = false;    // before entering
    bool setgroups_denied = false;  // by the target's user namespace, for good
};

Result<void> prepare(const Request& request, const Target* target, Prepared& prepared)
{
    TRY(select_namespaces(request, target, prepared.selection));
    prepared.entering_userns = prepared.selection.wants(NsKind::user);
    if (request.uid)
        prepared.uid = request.uid->follow ? TRY(follow_id(*target, true, prepared.entering_userns)) : request.uid->id;
    if (request.gid)
        prepared.gid = request.gid->follow ? TRY(follow_id(*target, false, prepared.entering_userns)) : request.gid->id;
    if (prepared.entering_userns && !request.preserve_credentials) {
        // In a user namespace nsenter always picks its ids: root by default.
        prepared.uid = prepared.uid.value_or(0);
        prepared.gid = prepared.gid.value_or(0);
    }
    if (request.root)
        prepared.root = TRY(open_directory(target, request.root_dir, "root"));
    if (request.wd)
        prepared.wd = TRY(open_directory(target, request.wd_dir, "cwd"));
    if (request.follow_context)
        prepared.label = TRY(read_exec_label(target->proc_dir(), target->pid()));
    if (request.inherit_env)
        TRY(take_environment(*target, prepared.environment));
    if (request.join_cgroup)
        prepared.cgroups = TRY(plan_cgroup_join(target->pid()));
    if (request.tools) {
        prepared.toolbox = TRY(Toolbox::open(request.tools));
        if (!request.inherit_env)
            for (char** entry = environ; *entry; ++entry)
                TRY(prepared.environment.set(*entry));
        TRY(add_toolbox_to_path(prepared.environment));
    }
    if (target)
        TRY(target->still_alive());
    return {};
}

// On the host still: cgroups, the label for the exec, supplementary groups.
Result<void> act_on_host(const Request& request, const Target* target, Prepared& prepared)
{
    // Cgroups are joined from here, where their file systems are mounted;
    // the forked program below inherits them.
    if (prepared.cgroups)
        TRY(prepared.cgroups->join(::getpid()));
    // The label is written now, by this task (the kernel takes it from no
    // other), while /proc is still ours; fork, setns and setuid keep it.
    if (prepared.label)
        TRY(apply_exec_label(*prepared.label));
    // Supplementary groups are dropped before entering and again after: one
    // of the two must work (a user namespace may deny setgroups).
    bool userns = prepared.entering_userns;
    prepared.groups_dropped = userns && !request.preserve_credentials && sys::setgroups({}).ok();
    // A user namespace made by an unprivileged user (unshare -r) denies
    // setgroups for good; its groups are then the caller's own, and unmapped.
    prepared.setgroups_denied = userns && target && !request.wish(NsKind::user).file && setgroups_is_denied(*target);
    return {};
}

// Enters, then takes the root and working directory the program gets.
Result<void> enter(const Request& request, const Target* target, Prepared& prepared)
{
    bool selection_had_mnt = prepared.selection.wants(NsKind::mnt);
    TRY(enter_namespaces(target, prepared.selection));
    Fd& root = prepared.root;
    Fd& wd = prepared.wd;
    // util-linux's --all re-enters our own mount namespace, which moves us to
    // its root; --all here leaves out namespaces we share, so do that part.
    if (request.all && !selection_had_mnt && !root && !wd && !request.wdns)
        TRY(sys::chdir("/"));
    if (prepared.toolbox) {
        // Over the root the program would have had: --root's, or the namespace's.
        if (!root)
            root = TRY(sys::open("/", O_PATH | O_DIRECTORY));
        TRY(prepared.toolbox->show_over(root.get()));
        prepared.toolbox.reset();
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
    return {};
}

// The program's own last steps: credentials, then exec. Its exit status
// when the exec fails (having said why).
int finish(std::string_view name, const Request& request, Prepared& prepared, int argc, char** argv,
           RelayWorker* relay)
{
    auto credentials = [&]() -> Result<void> {
        if (prepared.gid) {
            auto dropped = sys::setgroups({});
            if (!dropped.ok() && !prepared.groups_dropped && !prepared.setgroups_denied)
                return dropped.take_error();
            TRY(sys::setresgid(*prepared.gid).describe("cannot set gid ", *prepared.gid));
        }
        if (prepared.uid)
            TRY(sys::setresuid(*prepared.uid).describe("cannot set uid ", *prepared.uid));
        if (request.keep_caps && prepared.entering_userns)
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
        auto built = prepared.environment.envp();
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
}

// Everything up to the exec; returns the exit status when the exec fails or
// when this is the parent waiting for the forked program.
Result<int> run_pinned(std::string_view name, const Request& request, std::optional<Target>& target, int argc,
                       char** argv, RelayWorker* relay)
{
    const Target* pinned = target ? &*target : nullptr;
    Prepared prepared;
    TRY(prepare(request, pinned, prepared));
    TRY(act_on_host(request, pinned, prepared));
    // A new pid namespace applies to children only: fork so the program is in it.
    bool fork_into_pid_namespace = prepared.selection.wants(NsKind::pid) && !request.no_fork;
    TRY(enter(request, pinned, prepared));
    if (relay) {
        prepared.cgroups.reset();  // joined already
        target.reset();            // nothing more is read of it
        TRY(attach_relay(*relay));
    }
    if (!fork_into_pid_namespace)
        return finish(name, request, prepared, argc, argv, relay);

    auto spawned = spawn_child([&] { ::_exit(finish(name, request, prepared, argc, argv, relay)); });
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
    if (request.keep_caps)
        (void)sys::last_capability();
    if (!request.relay)
        return run_here(name, request, argc, argv, nullptr);
    Session session;
    TRY(session.prepare(*request.relay));
    pid_t worker = TRY(fork_child());
    if (worker) {
        auto end = session.relay(name, worker, {.admit = [](pid_t, std::string_view) -> Result<void> { return {}; }});
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
    auto request = parse_nsenter_command_line(argc, argv);
    if (!request.ok()) {
        report(name, request.error());
        Writer(2).put("Try '", name, " --help' for more information.\n");
        return 1;
    }
    if (request.value().help) {
        Writer out(1);
        print_help(out, name, nsenter_usage);
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
