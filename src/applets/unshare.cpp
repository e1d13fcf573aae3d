// unshare: run a program in new namespaces, a drop-in for util-linux's
// unshare(1). The recipe: parse into a plan, check everything that can be
// checked before anything is created, start the helpers that must stay
// outside (id maps, persistent bind mounts), unshare, map ids, set clock
// offsets, fork if asked, prepare the process (propagation, root, working
// directory, /proc, credentials, capabilities), persist, exec.
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "applets/applets.h"
#include "applets/unshare.h"
#include "base/exec.h"
#include "base/output.h"
#include "base/sys.h"
#include "context/accounts.h"
#include "context/ambient.h"
#include "ns/helper.h"
#include "ns/process.h"
#include "version.h"

extern char** environ;

namespace nskit {

namespace {

// Who writes which map. The caller writes a lone "inside caller-id 1" line
// itself after unshare(2), as an unprivileged user may; anything more (ranges,
// or --owner, where the caller is no longer the user the ids belong to) is
// written by the map helper from outside, with the privilege it has there.
// Decided before plan_maps() merges the single id into the ranges.
// Each kind's whole map: the ranges, with the single id (when there is one) cut in.
Result<void> plan_maps(UnsharePlan& plan)
{
    for (int kind = 0; kind < 2; ++kind) {
        plan.map_by_helper[kind] = plan.owner_uid || !plan.maps[kind].empty();
        if (plan.map_to[kind])
            plan.maps[kind] = TRY(merge_single(plan.maps[kind], {*plan.map_to[kind], plan.caller_ids[kind], 1}));
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
    const UnsharePlan& plan = *static_cast<const UnsharePlan*>(context);
    constexpr int cap_setuid = 7, cap_setgid = 6;
    for (IdKind kind : {IdKind::user, IdKind::group}) {
        const IdMap& map = plan.maps[int(kind)];
        if (!plan.map_by_helper[int(kind)] || map.empty())
            continue;
        if (has_capability(kind == IdKind::user ? cap_setuid : cap_setgid))
            TRY(write_id_map(caller, kind, map));
        else
            TRY(run_id_map_helper(caller, kind, map));
    }
    return {};
}

// The bind helper's job: persist the caller's namespaces.
Result<void> persist_from_outside(pid_t caller, const void* context)
{
    const UnsharePlan& plan = *static_cast<const UnsharePlan*>(context);
    return bind_namespaces(caller, {plan.persists, plan.persist_count});
}

// Right after unshare(2), in the unsharing process: setgroups, the maps, clock offsets.
Result<void> set_up_new_namespaces(const UnsharePlan& plan, Helper& map_helper)
{
    if (plan.clone_flags & CLONE_NEWUSER) {
        bool own_gid_map = !plan.map_by_helper[1] && !plan.maps[1].empty();
        // An unprivileged gid_map needs setgroups denied first (Linux 3.19+).
        TRY(write_setgroups(0, own_gid_map ? Setgroups::deny : plan.setgroups));
        for (IdKind kind : {IdKind::user, IdKind::group})
            if (!plan.map_by_helper[int(kind)] && !plan.maps[int(kind)].empty())
                TRY(write_id_map(0, kind, plan.maps[int(kind)]));
        if (map_helper.started())
            TRY(map_helper.run());
    }
    if (plan.monotonic || plan.boottime) {
        Text<200> offsets;  // an Error's size: its append functions are in the binary already
        if (plan.monotonic)
            offsets.append("monotonic ", *plan.monotonic, " 0\n");
        if (plan.boottime)
            offsets.append("boottime ", *plan.boottime, " 0\n");
        TRY(write_proc_file(0, "timens_offsets", offsets.view()));
    }
    return {};
}

// In the process that will exec: everything util-linux does after the maps.
Result<void> prepare_process(const UnsharePlan& plan)
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

[[noreturn]] void exec(const UnsharePlan& plan, std::string_view applet)
{
    // The program, or the user's shell as a login shell, as util-linux does.
    Error failed = plan.program ? exec_program(plan.program, environ) : exec_login_shell(environ);
    report(applet, failed);
    ::_exit(exit_status_for(failed));
}

// --fork: the child's pid in the parent, 0 in the child, which goes on
// with the recipe (and dies with the parent under --kill-child).
Result<pid_t> fork_for_program(const UnsharePlan& plan)
{
    pid_t parent = ::getpid();
    // Held from before the fork until wait_and_mirror handles them: a ^C or a
    // TERM in between must neither kill us (leaving the child) nor be lost.
    sigset_t held, previous;
    sigemptyset(&held);
    sigaddset(&held, SIGINT);
    sigaddset(&held, SIGTERM);
    ::sigprocmask(SIG_BLOCK, &held, &previous);
    pid_t child = TRY(fork_child());
    if (child > 0)
        return child;
    ::sigprocmask(SIG_SETMASK, &previous, nullptr);
    if (plan.kill_signal) {
        (void)sys::prctl(PR_SET_PDEATHSIG, static_cast<unsigned long>(plan.kill_signal));
        if (::getppid() != parent)  // the parent died before the prctl
            ::kill(::getpid(), plan.kill_signal);
    }
    return 0;
}

Result<void> check_before_anything(const UnsharePlan& plan)
{
    for (std::size_t i = 0; i < plan.persist_count; ++i)
        TRY(check_persist_target(plan.persists[i]));
    if (plan.clone_flags & CLONE_NEWTIME)
        TRY(sys::stat("/proc/self/ns/time").describe("cannot unshare the time namespace: the kernel has none"));
    return {};
}

// --owner: the user namespace belongs to whoever creates it.
Result<void> become_owner(const UnsharePlan& plan)
{
    gid_t gid = *plan.owner_gid;
    TRY(sys::setgroups({&gid, 1}));
    TRY(sys::setresgid(gid));
    TRY(sys::setresuid(*plan.owner_uid));
    // A change of credentials makes us undumpable, and /proc/self/* root's.
    TRY(sys::prctl(PR_SET_DUMPABLE, 1));
    return {};
}

Result<int> run(UnsharePlan& plan, std::string_view applet)
{
    TRY(check_before_anything(plan));
    TRY(plan_maps(plan));

    Helper map_helper, bind_helper;
    if ((plan.map_by_helper[0] && !plan.maps[0].empty()) || (plan.map_by_helper[1] && !plan.maps[1].empty()))
        TRY(map_helper.start(write_maps_from_outside, &plan));
    if (plan.persist_count)
        TRY(bind_helper.start(persist_from_outside, &plan));
    if (plan.owner_uid)
        TRY(become_owner(plan).describe("cannot become the owner ", *plan.owner_uid, ':', *plan.owner_gid));

    TRY(sys::unshare(plan.clone_flags));
    TRY(set_up_new_namespaces(plan, map_helper));

    if (plan.fork) {
        pid_t child = TRY(fork_for_program(plan));
        if (child > 0) {
            bind_helper.forget();  // the child asks it
            std::initializer_list<int> ours = {SIGINT, SIGTERM};
            return wait_and_mirror(child, plan.forward_signals ? SignalPolicy{ours, {}} : SignalPolicy{{}, ours});
        }
        bind_helper.disown();  // our parent's child: a failed wait would replace our error
    }
    // With --fork, in the child. Persisted only once the process is ready and
    // just before exec: a failure on either side leaves neither a program
    // running nor a mount behind.
    TRY(prepare_process(plan));
    if (bind_helper.started())
        TRY(bind_helper.run());
    exec(plan, applet);
}

// The plan holds id maps of the kernel's maximum size: keep it off the stack,
// in zero-filled memory that needs no constructor (nor a guard) at run time.
constinit UnsharePlan plan;

}  // namespace

int unshare_main(std::string_view program, int argc, char** argv)
{
    bool bad_usage = false;
    auto parsed = parse_unshare_options(plan, argc, argv, bad_usage);
    if (!parsed.ok()) {
        report(program, parsed.error());
        if (bad_usage)
            Writer(2).put("Try '", program, " --help' for more information.\n");
        return 1;
    }
    if (parsed.value() == Parsed::help) {
        Writer out(1);
        print_help(out, program, unshare_usage);
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
