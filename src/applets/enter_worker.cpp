// docker-enter's worker, placer and command (enter.h says why there are
// these processes). The worker does every step that needs the host's
// privilege while the container cannot see it, enters, and reads what it
// needs of the container's files with nothing of the host's left to reach
// (in_root.h). The placer it forks, still unseen, joins the container's
// cgroups, pid and cgroup namespaces and becomes the container's process;
// the command it hands to the worker is the first process the container
// can see.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>

#include "applets/enter.h"
#include "base/exec.h"
#include "base/function_ref.h"
#include "base/output.h"
#include "base/sys.h"
#include "context/in_root.h"
#include "ns/enter.h"
#include "ns/process.h"

namespace nskit {

using namespace std::literals;

namespace {

[[noreturn]] void give_up(std::string_view name, const Error& error)
{
    report(name, error);
    ::_exit(1);
}

// Resource limits and the OOM score go with the process across fork and exec;
// what the kernel refuses us is said, not fatal (they bound, they grant nothing).
void apply_limits(std::string_view name, const ProcessLimits& wanted)
{
    LimitsApplied limits = apply_process_limits(wanted);
    if (!limits.failed)
        return;
    // One name per limit, in RLIMIT_* order, and the OOM score.
    std::string_view names = "cpu fsize data stack core rss nproc nofile memlock as locks sigpending msgqueue "
                             "nice rtprio rttime oom_score_adj"sv;
    std::string_view failed;
    for (int i = 0; i <= limits.first_failed_resource; ++i)
        failed = next_word(names);
    Error e;
    e.code = limits.first_error;
    warn(name, "could not give the command ", limits.failed, " of the container's resource limits (", failed, ": ",
         e.why(), "): it keeps ours");
}

// An account file of the container, read as a step of its own (session.h).
Result<Buffer> read_accounts(Session& session, const ContainerRoot& where, ContainerStep step)
{
    TRY(session.worker_step(step));
    return read_account_file(where, step == ContainerStep::passwd ? "/etc/passwd" : "/etc/group");
}

Result<Credentials> credentials(const EnterRequest& request, const EnterPlan& plan, Session& session,
                                const ContainerRoot& where)
{
    const ContainerInfo& info = plan.info;
    Credentials creds;
    if (!request.user && plan.has_record) {
        // The ids the runtime resolved when it started the container, as `docker exec` uses them.
        const OciProcess& process = plan.record.process;
        creds.uid = process.uid;
        creds.gid = process.gid;
        for (gid_t gid : process.additional()) {  // once each, as runc sets them
            bool seen = false;
            for (gid_t held : creds.group_list())
                seen = seen || held == gid;
            if (!seen)
                creds.groups[creds.group_count++] = gid;
        }
        // Only HOME and the shell come from passwd here: without one, "/" and /bin/sh.
        if (auto passwd = read_accounts(session, where, ContainerStep::passwd); passwd.ok())
            find_home(passwd.value().view(), creds);
    } else {
        Buffer passwd = TRY(read_accounts(session, where, ContainerStep::passwd));
        Buffer group = TRY(read_accounts(session, where, ContainerStep::group));
        std::string_view user = request.user ? std::string_view(request.user) : info.user.view();
        creds = TRY(resolve_user(user, passwd.view(), group.view(), info.group_add.view(), plan.primary_in_groups));
    }
    creds.setgroups_denied = plan.setgroups_denied;
    return creds;
}

// Changes to the working directory inside the root; false when only the
// user may enter it (runc then tries again as the user).
Result<bool> enter_workdir(const ContainerRoot& where, const char* workdir)
{
    auto found = find_in_root(where.root, workdir);
    if (!found.ok() && found.error().code == EACCES)
        return false;
    Fd dir = TRY(std::move(found).describe("cannot change directory to ", workdir));
    if (!S_ISDIR(TRY(sys::fstat(dir.get())).st_mode))
        return Error::from_errno(ENOTDIR, "cannot change directory to ", workdir);
    TRY(sys::fchdir(dir.get()).describe("cannot change directory to ", workdir));
    return true;
}

// The command's own process once admitted (start_command): the container
// sees it from its fork on.
[[noreturn]] void run_command(std::string_view name, const EnterRequest& request, const EnterPlan& plan,
                              const char* workdir_later, char** command, char* const* envp, bool shell_by_default)
{
    if (workdir_later) {
        auto root = sys::open("/", O_PATH | O_DIRECTORY);
        auto entered = root.ok() ? enter_workdir({root.value().get(), -1}, workdir_later) : Result<bool>(root.take_error());
        if (!entered.ok())
            give_up(name, entered.error());
        if (!entered.value())
            give_up(name, Error::from_errno(EACCES, "cannot change directory to ", workdir_later));
    }
    if (plan.filters_last)
        if (auto installed = install_seccomp_filters(plan.seccomp); !installed.ok())
            give_up(name, installed.error());
    Error failed = exec_program(command, envp);
    if (shell_by_default && failed.code == ENOENT && !request.tools)
        warn(name, "no ", command[0], " in container ", plan.shown, " (distroless?): try ", name, " --tools ",
             plan.shown);
    else
        report(name, failed);
    ::_exit(exit_status_for(failed));
}

struct Ready {
    Credentials creds;
    char* const* envp = nullptr;
    const char* workdir_later = nullptr;
    // What the placer does: the namespaces that make the command visible
    // (pid, for its children) or that its cgroups are seen through (cgroup),
    // entered after it is in the container's cgroups; and our /proc/self/fd.
    NsSelection later;
    Fd proc_self_fd;
};

// Everything from the worker's birth to the moment it forks the placer. One
// list with the placer's (become_container_process), kept whole on purpose:
// the order is the security argument (host privileges used, then
// namespaces entered, host descriptors dropped, the container's files read;
// in the placer cgroups joined, the last namespaces entered, filters
// installed, credentials changed), and it reads top to bottom as that
// order; cut into more parts, the order would live in no one place.
Result<Ready> prepare(std::string_view name, const EnterRequest& request, EnterPlan& plan, Session& session)
{
    TRY(session.worker_begin());
    Ready ready;
    // Our own /proc/self/fd, for reopening what was found in the container's
    // root (in_root.h) and for closing descriptors on kernels before close_range.
    ready.proc_self_fd = TRY(sys::open("/proc/self/fd", O_PATH | O_DIRECTORY));
    Fd& proc_self_fd = ready.proc_self_fd;

    // On the host, with the host's privilege: resource limits, the security
    // label for the exec, and no supplementary group of ours. A rootless
    // container's owner has no such privilege: its groups go when the
    // container's are set, where the container's user namespace lets them.
    apply_limits(name, plan.limits);
    if (plan.label)
        TRY(apply_exec_label(*plan.label));
    if (!plan.as_owner)
        TRY(sys::setgroups({}).describe("cannot drop our supplementary groups"));

    // The pid namespace (for children) and the cgroup namespace are the
    // placer's: a child of ours would be born visible in the first, and
    // clone3 puts nobody into a cgroup outside the second.
    for (NsKind kind : {NsKind::pid, NsKind::cgroup}) {
        if (!plan.namespaces.wants(kind))
            continue;
        if (plan.namespaces.file(kind))
            ready.later.from_file(kind, static_cast<Fd&&>(plan.namespaces.file(kind)));
        else
            ready.later.from_target(kind);
        plan.namespaces.drop(kind);
    }
    TRY(open_target_namespaces(*plan.target, ready.later));
    bool own_user_namespace = plan.namespaces.wants(NsKind::user);
    TRY(enter_namespaces(&*plan.target, plan.namespaces));
    if (own_user_namespace) {
        // Root of the container's user namespace, as the runtime is when it
        // makes the container's files (the pty); unmapped otherwise.
        (void)sys::setresgid(0);
        (void)sys::setresuid(0);
    }
    if (plan.toolbox) {
        // Over the root the command would have had: the namespace's, or the target's chroot.
        Fd old_root = plan.root ? std::move(plan.root) : TRY(sys::open("/", O_PATH | O_DIRECTORY));
        TRY(session.worker_step(ContainerStep::toolbox));
        TRY(plan.toolbox->show_over(old_root.get()));
        plan.toolbox.reset();
    } else if (plan.root) {
        TRY(sys::fchdir(plan.root.get()).describe("cannot change directory to the root of PID ", plan.info.pid));
        TRY(sys::chroot("."));
        plan.root.reset();
    }
    // Nothing of the host's is kept but the way to the relay, our /proc,
    // and what the placer needs: the container's cgroups and last
    // namespaces (none of them a way into the host's files).
    plan.target.reset();
    std::array<Fd*, 5 + 2 * CgroupJoin::max_hierarchies> keep{&session.control(), &session.admission(),
                                                             &proc_self_fd};
    std::size_t kept = 3;
    for (NsKind kind : {NsKind::pid, NsKind::cgroup})
        if (ready.later.file(kind))
            keep[kept++] = &ready.later.file(kind);
    kept += plan.cgroups.descriptors(std::span(keep).subspan(kept));
    TRY(keep_descriptors(std::span(keep.data(), kept), 3 + request.preserve_fds, &proc_self_fd));

    // The container's world, read with nothing to lose.
    Fd root = TRY(sys::open("/", O_PATH | O_DIRECTORY));
    ContainerRoot where{root.get(), proc_self_fd.get()};
    TRY(session.worker_attach(where));
    ready.creds = TRY(credentials(request, plan, session, where));
    Credentials& creds = ready.creds;
    if (plan.env_from == EnvFrom::config)
        TRY(default_home(plan.env, creds.home.view()));
    // exec_program searches the command in envp's PATH: the container's, as runc does.
    ready.envp = TRY(plan.env.envp());
    const ContainerInfo& info = plan.info;
    const char* workdir = request.workdir ? request.workdir : info.workdir.empty() ? "/" : info.workdir.c_str();
    TRY(session.worker_step(ContainerStep::workdir));
    if (!TRY(enter_workdir(where, workdir)))
        ready.workdir_later = workdir;
    if (auto given = session.give_stdio_to(creds.uid); !given.ok() && given.error().code != EPERM &&
                                                       given.error().code != EINVAL)
        return given.take_error();
    root.reset();

    if (request.verbose) {
        Writer err(2, Shown::visible);
        err.put(name, ": user: uid ", creds.uid, " gid ", creds.gid, " groups");
        for (gid_t gid : creds.group_list())
            err.put(' ', gid);
        err.put(", cwd ", workdir, ", ", plan.env.count(), " environment variables", '\n');
    }

    return ready;
}

// The placer's part, in its order: into the container's cgroups (born in
// the v2 one when the kernel let it), then its pid and cgroup namespaces,
// nothing of the host's kept; the container's own filters while we still
// hold CAP_SYS_ADMIN, as runc installs them without no_new_privs (and
// lxc-attach LXC's policy, before it changes ids): what follows must pass
// them, as it must for runc. They are the runtime's (enter_plan.cpp), so
// none of them can fake what follows. Then the container's credentials.
Result<void> become_container_process(EnterPlan& plan, Ready& ready, bool born_in_unified)
{
    TRY(plan.cgroups.join(::getpid(), born_in_unified));
    TRY(enter_namespaces(nullptr, ready.later));
    // Descriptors of the cgroups and namespaces: gone now.
    plan.cgroups = CgroupJoin();
    ready.later = NsSelection();
    if (!plan.filters_last)
        TRY(install_seccomp_filters(plan.seccomp));
    TRY(become(ready.creds, plan.caps));
    sys::set_umask(plan.umask);
    // Changing credentials made us dumpable again; nobody may look inside until the exec.
    TRY(sys::prctl(PR_SET_DUMPABLE, 0));
    ready.proc_self_fd.reset();
    return {};
}

// The placer, born: becomes the container's process, forks the command
// with fork(2) (which runc's profiles allow where they deny clone(2)),
// hands its pid to the worker on `handed` and exits. The command sets
// itself up (Session::command_begin), then waits until the relay has
// checked it from outside (Hooks::admit), and runs only then, on the
// relay's word; if it is not admitted, it ends without running anything,
// and the worker with it (the relay has said why).
[[noreturn]] void run_placer(std::string_view name, EnterPlan& plan, Ready& ready, Session& session,
                             bool born_in_unified, Fd& handed, FunctionRef<void()> command)
{
    if (auto became = become_container_process(plan, ready, born_in_unified); !became.ok())
        give_up(name, became.error());
    auto child = fork_child();
    if (!child.ok())
        give_up(name, child.error().code == EAGAIN
                          ? Error::because("the container filled its pids limit meanwhile",
                                           "cannot start the command in container ", plan.shown)
                          : child.error());
    if (child.value() == 0) {
        session.control().reset();  // the way to the relay is the worker's alone
        handed.reset();
        if (auto begun = session.command_begin(); !begun.ok())
            give_up(name, begun.error());
        if (!session.command_admitted().ok())
            ::_exit(1);  // not admitted: said outside already
        command();
        ::_exit(1);  // not reached: `command` execs or exits
    }
    pid_t command_pid = child.value();
    // Named to the relay by the worker once it is the worker's child (the
    // relay checks that), which it is when we have exited.
    ::_exit(sys::write_all(handed.get(), {reinterpret_cast<const char*>(&command_pid), sizeof command_pid}).ok() ? 0 : 1);
}

// In the worker: the command's pid as the placer handed it, once the placer
// has exited; gives up, the command gone, when the placer failed (it said
// why, unless it was killed: the container's out-of-memory killer, someone
// with the right to).
pid_t handed_command(std::string_view name, const EnterPlan& plan, pid_t placer, const Fd& handed)
{
    pid_t child = 0;
    auto got = sys::read(handed.get(), reinterpret_cast<char*>(&child), sizeof child);
    bool have_child = got.ok() && got.value() == sizeof child;
    auto placed = sys::waitpid(placer, 0);
    if (have_child && placed.ok() && WIFEXITED(placed.value().status) && WEXITSTATUS(placed.value().status) == 0)
        return child;
    if (have_child) {
        (void)sys::kill(child, SIGKILL);
        (void)sys::waitpid(child, 0);
    }
    if (placed.ok() && WIFSIGNALED(placed.value().status))
        give_up(name, Error::because("it was killed there (by the container's out-of-memory killer?)",
                                     "cannot start the command in container ", plan.shown,
                                     ": the process of ours that joined its cgroups got signal ",
                                     WTERMSIG(placed.value().status)));
    ::_exit(1);
}

// Forks the placer (run_placer) into the container's v2 cgroup when the
// kernel lets it, else as it is (it then moves itself there), and returns
// the command it started, the worker's child (the worker is a child
// subreaper): the container's cgroups hold it alone.
Result<pid_t> start_command(std::string_view name, EnterPlan& plan, Ready& ready, Session& session,
                            FunctionRef<void()> command)
{
    TRY(plan.cgroups.check_pids_room(2));  // the placer and the command, for a moment
    TRY(sys::prctl(PR_SET_CHILD_SUBREAPER, 1));
    sys::Pipe handed = TRY(sys::pipe());  // the command's pid, from the placer
    bool born_in_unified = false;
    pid_t placer = -1;
    if (int unified = plan.cgroups.unified_directory(); unified >= 0)
        if (auto born = fork_into_cgroup(unified); born.ok()) {
            placer = born.value();
            born_in_unified = true;
        }
    if (placer < 0)
        placer = TRY(fork_child());
    if (placer == 0) {
        handed.read.reset();
        run_placer(name, plan, ready, session, born_in_unified, handed.write, command);
    }
    handed.write.reset();
    plan.cgroups = CgroupJoin();
    ready.later = NsSelection();
    pid_t child = handed_command(name, plan, placer, handed.read);
    auto named = session.command_named(child);
    session.worker_end();
    if (!named.ok()) {
        (void)sys::kill(child, SIGKILL);  // it waits for a word that cannot come
        (void)sys::waitpid(child, 0);
        return named.take_error();
    }
    return child;
}

}  // namespace

void run_worker(std::string_view name, const EnterRequest& request, EnterPlan& plan, Session& session, int argc,
                char** argv)
{
    auto prepared = prepare(name, request, plan, session);
    if (!prepared.ok())
        give_up(name, prepared.error());
    Ready& ready = prepared.value();
    char* shell_argv[2] = {nullptr, nullptr};
    char** command = argv + request.command;
    if (request.command >= argc) {
        // The user's shell, as the container's passwd names it; with --tools, the toolbox's.
        const char* shell = ready.creds.shell.empty() ? "/bin/sh" : ready.creds.shell.c_str();
        shell_argv[0] = const_cast<char*>(request.tools ? toolbox_shell : shell);
        command = shell_argv;
    }
    auto child = start_command(name, plan, ready, session, [&] {
        run_command(name, request, plan, ready.workdir_later, command, ready.envp, command == shell_argv);
    });
    if (!child.ok())
        give_up(name, child.error());
    // Nothing left here for the command's stdio to stay open for.
    (void)sys::close_from(0);
    ::_exit(wait_and_mirror(child.value(), {{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2}, {}, false}));
}

}  // namespace nskit
