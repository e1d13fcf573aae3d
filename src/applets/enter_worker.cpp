// docker-enter's worker and command (enter.h says why there are three
// processes). The worker does every step that needs the host's privilege
// while the container cannot see it, enters, reads what it needs of the
// container's files with nothing of the host's left to reach (in_root.h),
// and becomes the container's process. The command it then forks is the
// first process the container can see.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "applets/enter.h"
#include "base/exec.h"
#include "base/function_ref.h"
#include "base/output.h"
#include "base/sys.h"
#include "context/in_root.h"
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
};

// Everything from the worker's birth to the moment it may start the command.
// One list, kept whole on purpose: its order is the security argument (host
// privileges used, then namespaces entered, host descriptors dropped, the
// container's files read, filters installed, credentials changed), and it
// reads top to bottom as that order; cut into parts, the order would live in
// no one place.
Result<Ready> prepare(std::string_view name, const EnterRequest& request, EnterPlan& plan, Session& session)
{
    TRY(session.worker_begin());
    plan.cgroups = CgroupJoin();  // the relay's to use: the worker stays in our cgroups
    // Our own /proc/self/fd, for reopening what was found in the container's
    // root (in_root.h) and for closing descriptors on kernels before close_range.
    Fd proc_self_fd = TRY(sys::open("/proc/self/fd", O_PATH | O_DIRECTORY));

    // On the host, with the host's privilege: resource limits, the security
    // label for the exec, and no supplementary group of ours. A rootless
    // container's owner has no such privilege: its groups go when the
    // container's are set, where the container's user namespace lets them.
    apply_limits(name, plan.limits);
    if (plan.label)
        TRY(apply_exec_label(*plan.label));
    if (!plan.as_owner)
        TRY(sys::setgroups({}).describe("cannot drop our supplementary groups"));

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
    // Nothing of the host's is kept but the way to the relay and our /proc.
    plan.target.reset();
    Fd* keep[] = {&session.control(), &session.admission(), &proc_self_fd};
    TRY(keep_descriptors(keep, 3 + request.preserve_fds, &proc_self_fd));

    // The container's world, read with nothing to lose.
    Fd root = TRY(sys::open("/", O_PATH | O_DIRECTORY));
    ContainerRoot where{root.get(), proc_self_fd.get()};
    TRY(session.worker_attach(where));
    Ready ready;
    ready.creds = TRY(credentials(request, plan, session, where));
    Credentials& creds = ready.creds;
    if (plan.env_from == EnvFrom::config && !plan.env.has("HOME"sv))
        TRY(plan.env.set("HOME"sv, creds.home.view()));  // as runc does
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

    // The container's own filters go in while we still hold CAP_SYS_ADMIN,
    // as runc installs them without no_new_privs (and lxc-attach LXC's
    // policy, before it changes ids): what follows must pass them, as it
    // must for runc. They are the runtime's (enter_plan.cpp), so none of them
    // can fake what follows.
    if (!plan.filters_last)
        TRY(install_seccomp_filters(plan.seccomp));
    TRY(become(creds, plan.caps));
    sys::set_umask(plan.umask);
    // Changing credentials made us dumpable again; nobody may look inside until the exec.
    TRY(sys::prctl(PR_SET_DUMPABLE, 0));
    proc_self_fd.reset();
    return ready;
}

// Forks the command, which sets itself up (Session::command_begin), then
// waits until the relay has checked it from outside and put it into the
// container's cgroups (Hooks::admit), and runs only then, on the relay's
// word; if it is not admitted, it ends without running anything, and the
// worker with it (the relay has said why).
Result<pid_t> start_command(std::string_view name, Session& session, FunctionRef<void()> command)
{
    pid_t child = TRY(fork_child());
    if (child == 0) {
        session.control().reset();  // the way to the relay is the worker's alone
        if (auto begun = session.command_begin(); !begun.ok())
            give_up(name, begun.error());
        if (!session.command_admitted().ok())
            ::_exit(1);  // not admitted: said outside already
        command();
        ::_exit(1);  // not reached: `command` execs or exits
    }
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
    auto child = start_command(name, session, [&] {
        run_command(name, request, plan, ready.workdir_later, command, ready.envp, command == shell_argv);
    });
    if (!child.ok())
        give_up(name, child.error());
    // Nothing left here for the command's stdio to stay open for.
    (void)sys::close_from(0);
    ::_exit(wait_and_mirror(child.value(), {{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2}, {}, false}));
}

}  // namespace nskit
