// docker-enter: what is read before anything changes (see enter.h). The
// container is found by its engine or its runtime's state, its init pinned,
// and its context taken from the runtime's record (runtime/record.h): the
// capabilities, no_new_privs, resource limits, umask and security label an
// exec'd process gets, and how many of the init's seccomp filters are the
// container's own. What the container's processes show is used only where
// no record exists (pid:N, LXC, machined), and then never beyond the
// target's own bounding set, with its filters installed last; LXC's filter
// comes from its configuration instead (take_runtime_seccomp).
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "applets/enter.h"
#include "base/buffer.h"
#include "base/output.h"
#include "base/sys.h"
#include "ns/userns.h"

namespace nskit {

using namespace std::literals;

namespace {

// "container NAME: why" or "container NAME is paused: unpause it first".
Error refuse(const EnterPlan& plan, const char* why, std::string_view more = {})
{
    return Error::because(why, "container ", plan.shown, more);
}

Result<void> find(std::string_view name, const EnterRequest& request, EnterPlan& plan)
{
    FindReport report;
    ContainerInfo& found = plan.info;
    auto looked = find_container(request.container, request.find, report, found);
    bool ok = looked.ok();
    if (report.engine_failed && (request.verbose || !ok)) {
        const Error& e = report.engine_error;
        Writer err(2, Shown::visible);
        err.put(name, ": the engine did not help (", e.what, ": ", e.why(), "); ");
        if (ok)
            err.put("found the container in the state files", '\n');
        else
            err.put("looked in the state files too (", state::describe_places(request.find.places), ")", '\n');
    }
    if (!ok)
        return looked.take_error();
    plan.shown = found.name.empty() ? found.id.view() : found.name.view();
    if (!found.running)
        return refuse(plan, not_running);
    if (found.paused)
        return refuse(plan, "unpause it first", " is paused");
    if (found.pid <= 0)
        return refuse(plan, "the source gave no PID");
    return {};
}

// Before entering: --env-file names the caller's files, /proc/PID/environ is read through our /proc.
Result<void> build_environment(const EnterRequest& request, EnterPlan& plan, bool terminal)
{
    Environment& env = plan.env;
    if (plan.env_from == EnvFrom::process) {
        Buffer environ = TRY(read_file(plan.target->proc_dir(), "environ", 4 * 1024 * 1024)
                                 .describe("cannot read the environment of PID ", plan.info.pid));
        TRY(env.set_all(environ.view()));
    } else if (plan.env_from == EnvFrom::config) {
        // As the daemon builds an exec's environment: a default PATH,
        // HOSTNAME, TERM for a terminal, then the container's own settings.
        TRY(env.set("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"sv));
        if (!plan.info.hostname.empty())
            TRY(env.set("HOSTNAME"sv, plan.info.hostname.view()));
        if (terminal)
            TRY(env.set("TERM=xterm"sv));
        TRY(env.set_all(plan.info.env.view()));
    }
    for (std::size_t i = 0; i < request.env_count; ++i) {
        const auto& setting = request.env_settings[i];
        if (!setting.file) {
            TRY(set_from_option(env, setting.text));
            continue;
        }
        Buffer text = TRY(read_operator_file(setting.text, 16 * 1024 * 1024));
        TRY(set_from_env_file(env, text.view(), setting.text));
    }
    return {};
}

// The init is the container's: the start time its runtime recorded, else
// the container's ID in the init's cgroup paths, else, for a rootless
// container that has no cgroup of its own (a rootless engine that was
// delegated none), the start time in its runtime's state, a file of its
// owner's or root's.
Result<void> check_init(const EnterPlan& plan, const state::Places& places, uid_t rootless_owner)
{
    const ContainerInfo& info = plan.info;
    int proc = plan.target->proc_dir();
    if (info.start_time >= 0 && process_start_time(proc) != info.start_time)
        return Error::because("its PID now belongs to another process", "the init of ", plan.shown, " has exited");
    if (info.start_time < 0 && info.source != Source::pid && info.id.size() >= 12) {
        // "/docker/ID", "docker-ID.scope", "libpod-ID.scope": the PID still
        // is, and is seen from our PID namespace as, the container's init.
        char text[4096];
        auto cgroups = TRY(read_small_file(proc, "cgroup", text).describe("cannot read /proc/", info.pid, "/cgroup"));
        if (cgroups.find(info.id.view()) != std::string_view::npos)
            return {};
        if (!rootless_owner)
            return Error::because("its cgroups do not name the container (a recycled PID, or a daemon in another "
                                  "PID namespace)",
                                  "PID ", info.pid, " is not the init of ", plan.shown);
        // Root looks in the owner's runtime directory too, where its session has one.
        state::Places owners = places;
        Text<40> run_user("/run/user/", rootless_owner);
        if (!owners.user_runtime_dir)
            owners.user_runtime_dir = run_user.c_str();
        uid_t state_owner = 0;
        std::int64_t recorded = state::init_start_time(info.id.view(), owners, &state_owner);
        if (recorded < 0 || (state_owner != 0 && state_owner != rootless_owner) ||
            process_start_time(proc) != recorded)
            return Error::because("neither its cgroups nor its runtime's state name the container (a rootless one "
                                  "without a cgroup of its own: give its runtime's state with --state-dir)",
                                  "PID ", info.pid, " is not the init of ", plan.shown);
    }
    return {};
}

// The security label the init holds, for the command's exec; none when it is unconfined or unreadable.
std::optional<ExecLabel> init_label(const EnterPlan& plan)
{
    auto label = read_exec_label(plan.target->proc_dir(), plan.target->pid());
    if (!label.ok() || label.value().label.view() == "unconfined"sv)
        return std::nullopt;
    return label.take_value();
}

// Without root: only the user who owns the container's user namespace (a
// rootless container's), who holds every capability there and none outside.
Result<void> check_may_enter(EnterPlan& plan, const UserNamespaceOwner& owner)
{
    uid_t us = ::geteuid();
    if (owner.kernel_has_none)
        return Error::because("this kernel has no user namespaces: only root can enter a container",
                              "cannot enter container ", plan.shown, " as uid ", us);
    if (owner.ours)
        return Error::because("it shares the host's user namespace: only root can enter it", "cannot enter container ",
                              plan.shown, " as uid ", us);
    if (owner.known && owner.uid != us)
        return Error::because("only root or that user can enter it", "cannot enter container ", plan.shown,
                              " as uid ", us, ": its user namespace belongs to uid ", owner.uid);
    // Known to be ours, or a kernel before 4.11 that does not say: its setns decides.
    plan.as_owner = true;
    return {};
}

// The security context from the runtime's record: what `runc exec` applies.
Result<void> take_from_record(const EnterRequest& request, EnterPlan& plan)
{
    const RuntimeRecord& record = plan.record;
    const OciProcess& process = record.process;
    plan.caps = process.caps;
    if (request.privileged)
        plan.caps = full_capabilities(process.caps, TRY(current_capabilities()));
    // Docker 20.10.18 and later list the primary gid among the supplementary
    // groups of every process they start (creds.h); an engine before that
    // (Debian 11's 20.10.5) did not, for the init as for `docker exec -u`.
    // Its record says which: the init's primary gid among its own groups.
    if (plan.info.source == Source::engine || plan.info.source == Source::state) {
        plan.primary_in_groups = false;
        for (gid_t gid : process.additional())
            plan.primary_in_groups = plan.primary_in_groups || gid == process.gid;
    }
    // The runtime's process tree's filters, then config.json's, compiled:
    // the container's own at its first instruction, whatever it added since.
    TRY(plan.seccomp.add(record.monitor_filters));
    if (record.seccomp.count)
        TRY(plan.seccomp.add({record.seccomp.instructions(), record.seccomp.count}, record.seccomp.flags));
    // What config.json names, else what the runtime's process tree passes
    // on, open files as runc got them (limits.h: lower_open_files_to).
    ProcessLimits init;
    TRY(read_process_limits(plan.target->proc_dir(), init));
    plan.limits = record.monitor_limits;
    lower_open_files_to(plan.limits, init);
    for (std::size_t resource = 0; resource < limit_count; ++resource)
        if (process.rlimits[resource])
            plan.limits.limits[resource] = process.rlimits[resource];
    if (process.oom_score_adj)
        plan.limits.oom_score_adj = process.oom_score_adj;
    plan.umask = process.umask ? *process.umask : record.monitor_umask.value_or(022);
    if (!record.owners_word) {
        plan.label = exec_label_from_record(process.apparmor_profile.view(), process.selinux_label.view());
        return {};
    }
    // A rootless container's record is its owner's word (README: "Threat
    // model"): whatever it says, the command holds no limit beyond what the
    // owner's own processes hold, the monitor (when the init has one) and
    // the init (containerd's shim sets its OOM score one above the
    // container's), and the security label its init holds, not one the
    // record names.
    clamp_process_limits(plan.limits, record.monitor ? most_of(record.monitor_limits, init) : init);
    plan.label = init_label(plan);
    return {};
}

// LXC: the filters of the container's monitor (a host process, the init's
// parent, whose filters the init inherited), then the policy its
// configuration names, compiled (runtime/sources/lxc.cpp); installed as a
// record's are, before our privileges change, and no_new_privs as the
// configuration says, as lxc-attach gives them. The init is never traced.
Result<void> take_runtime_seccomp(EnterPlan& plan, std::string_view init_status)
{
    const RuntimeSeccomp& runtime = plan.info.runtime_seccomp;
    if (parent_pid(init_status) != runtime.monitor)
        return Error::because("its parent is no longer its runtime's monitor", "the init of ", plan.shown, " (PID ",
                              plan.info.pid, ")");
    Target monitor = TRY(pin_target(TargetSpec{runtime.monitor, std::nullopt})
                             .describe("cannot pin the monitor of ", plan.shown, " (PID ", runtime.monitor, ")"));
    char text[4096];
    auto status = TRY(read_small_file(monitor.proc_dir(), "status", text)
                          .describe("cannot read /proc/", runtime.monitor, "/status"));
    TRY(read_seccomp_filters(runtime.monitor, status, plan.seccomp));
    const seccomp::Program& policy = runtime.program;
    if (policy.count)
        TRY(plan.seccomp.add({policy.instructions(), policy.count}, policy.flags));
    plan.caps.no_new_privs = runtime.no_new_privs;
    return monitor.still_alive();
}

// No record (pid:N, LXC, machined): what the target carries, never more than its bounding set.
Result<void> take_from_target(const EnterRequest& request, EnterPlan& plan, std::string_view init_status)
{
    auto caps = parse_capability_status(init_status);
    if (!caps)
        return Error::because("unexpected format", "cannot read the capabilities in /proc/", plan.info.pid, "/status");
    plan.caps = request.privileged ? full_capabilities(*caps, TRY(current_capabilities())) : *caps;
    if (plan.info.runtime_seccomp.given) {
        TRY(take_runtime_seccomp(plan, init_status));
    } else {
        TRY(read_seccomp_filters(plan.info.pid, init_status, plan.seccomp));
        if (plan.seccomp.count()) {
            // Installed last, they cannot change how our privileges are set; the
            // kernel takes them from a process without CAP_SYS_ADMIN only with no_new_privs.
            plan.filters_last = true;
            plan.caps.no_new_privs = true;
        }
    }
    TRY(read_process_limits(plan.target->proc_dir(), plan.limits));
    plan.umask = status_umask(init_status).value_or(022);
    plan.label = init_label(plan);
    return {};
}

}  // namespace

Result<void> make_enter_plan(std::string_view name, const EnterRequest& request, EnterPlan& plan)
{
    // Which capabilities this kernel has, asked of the host's /proc now: the
    // worker needs it (become) after it has entered the container's mount
    // namespace, whose /proc a container with its own user namespace makes.
    (void)sys::last_capability();
    // --tools: the toolbox is checked and cloned on the host, first of all.
    if (request.tools)
        plan.toolbox = TRY(Toolbox::open(request.tools));
    TRY(find(name, request, plan));
    const ContainerInfo& info = plan.info;
    pid_t pid = info.pid;
    plan.target = TRY(pin_target(TargetSpec{pid, std::nullopt}).describe("cannot pin the init of ", plan.shown,
                                                                        " (PID ", pid, ")"));
    const Target& target = *plan.target;
    auto asked = user_namespace_owner(target.proc_dir());
    bool root = ::geteuid() == 0;
    // Without root, a namespace we may not even look at is not ours.
    if (!asked.ok() && !root && (asked.error().code == EACCES || asked.error().code == EPERM))
        return Error::because("only root, or the user who owns its user namespace, can enter it",
                              "cannot enter container ", plan.shown, " as uid ", ::geteuid());
    const UserNamespaceOwner owner = TRY(std::move(asked).describe("cannot enter container ", plan.shown));
    if (!root)
        TRY(check_may_enter(plan, owner));
    uid_t rootless_owner = !owner.ours && owner.known ? owner.uid : 0;
    // A user's runtime state names only that user's containers: not one of
    // root's, another user's, or a process of the host's.
    if (info.state_owner != 0 && info.state_owner != rootless_owner)
        return Error::because("a user's runtime state names only that user's containers", "cannot enter container ",
                              plan.shown, ": its runtime's state belongs to uid ", info.state_owner,
                              " and its init (PID ", pid, ") is not in a user namespace of that user's");
    TRY(check_init(plan, request.find.places, rootless_owner));
    if (info.source != Source::engine && info.source != Source::podman && TRY(cgroup_frozen(pid)))
        return refuse(plan, "unpause it first", " is paused");

    char status_text[4096];
    auto status = TRY(read_small_file(target.proc_dir(), "status", status_text)
                          .describe("cannot read /proc/", pid, "/status"));
    if (info.source != Source::pid && !info.context_from_init)
        plan.has_record =
            TRY(find_runtime_record(info, target, status, request.find.places, rootless_owner, plan.record));
    if (!plan.has_record && info.source != Source::pid && !info.context_from_init)
        warn(name, "no runtime record of container ", plan.shown,
             " was found, or none that root or its owner wrote: its context is taken from its init, with "
             "no_new_privs if it has seccomp filters");
    if (plan.has_record)
        TRY(take_from_record(request, plan));
    else
        TRY(take_from_target(request, plan, status));

    char own[4096];
    if (auto ours = read_small_file(AT_FDCWD, "/proc/self/status", own); ours.ok())
        plan.own_filters = TRY(count_seccomp_filters(::getpid(), ours.value()));
    char setgroups[16];
    if (auto text = read_small_file(target.proc_dir(), "setgroups", setgroups); text.ok())
        plan.setgroups_denied = trim(text.value()) == "deny"sv;

    plan.env_from = request.env_from != EnvFrom::unset ? request.env_from
                    : info.source == Source::pid      ? EnvFrom::process
                                                      : EnvFrom::config;
    bool terminal = request.terminal == Terminal::pty || (request.terminal == Terminal::automatic && stdin_is_our_terminal());
    TRY(build_environment(request, plan, terminal));
    if (plan.toolbox)
        TRY(add_toolbox_to_path(plan.env));

    // Every namespace of the init that is not already ours.
    for (const NsInfo& ns : namespace_kinds)
        if (compare_with_ours(target, ns.kind) == Shared::different)
            plan.namespaces.from_target(ns.kind);
    // Any process may live in a chroot of its own, which its mount namespace
    // does not say (a container's runtime makes its root the namespace's).
    if (info.source == Source::pid)
        plan.root = TRY(sys::openat(target.proc_dir(), "root", O_PATH | O_DIRECTORY)
                            .describe("cannot open /proc/", pid, "/root"));
    if (request.join_cgroup)
        TRY(plan_cgroup_join(pid, plan.cgroups, plan.as_owner ? CgroupAccess::where_writable : CgroupAccess::all));
    return target.still_alive();
}

void print_enter_plan(std::string_view name, const EnterRequest& request, const EnterPlan& plan)
{
    const ContainerInfo& info = plan.info;
    Writer err(2, Shown::visible);
    err.put(name, ": container ", info.name.empty() ? "-"sv : info.name.view(), " id ", info.id, " init PID ", info.pid,
            " (", &"docker\0podman\0state\0\0pid"[7 * static_cast<int>(info.source)], ": ", info.found_at, ')', '\n');
    if (plan.has_record)
        err.put(name, ": runtime record: ", plan.record.config_path, ", monitor PID ", plan.record.monitor, '\n');
    err.put(name, ": namespaces:");
    for (const NsInfo& ns : namespace_kinds)
        if (plan.namespaces.wants(ns.kind))
            err.put(' ', ns.proc_name);
    err.put('\n');
    if (request.join_cgroup) {
        err.put(name, ": cgroups: ", plan.cgroups.size(), " to join");
        for (std::size_t i = 0; i < plan.cgroups.size(); ++i)
            err.put(i ? ", " : " ", plan.cgroups.directory(i));
        if (plan.cgroups.not_ours())
            err.put(" (", plan.cgroups.not_ours(), " left as they are: uid ", ::geteuid(), " may not write them)");
        err.put('\n');
    }
    const CapabilityState& caps = plan.caps;
    const std::uint64_t sets[] = {caps.bounding, caps.permitted, caps.effective, caps.inheritable, caps.ambient};
    const char* set_names = "bounding\0permitted\0effective\0inheritable\0ambient";
    err.put(name, ": capabilities:");
    for (std::uint64_t set : sets) {
        err.put(' ', set_names, ' ', capability_mask(set));
        set_names += std::string_view(set_names).size() + 1;
    }
    err.put(" no_new_privs ", caps.no_new_privs ? '1' : '0', '\n');
    if (plan.label)
        err.put(name, ": security label: ", plan.label->label, '\n');
    if (plan.toolbox)
        err.put(name, ": toolbox: ", request.tools, " at ", toolbox_path, " in a private copy of the mount namespace", '\n');
    err.put(name, ": seccomp: ", plan.seccomp.count(), " filters, ", plan.seccomp.instructions(), " instructions",
            plan.filters_last ? " (the target's own, installed last)" : "");
    if (const RuntimeSeccomp& runtime = info.runtime_seccomp; runtime.given)
        err.put(" (monitor PID ", runtime.monitor, "'s, then ",
                runtime.policy_path.empty() ? "no lxc.seccomp.profile"sv : runtime.policy_path.view(),
                runtime.policy_path.empty() ? "" : " compiled", ')');
    err.put('\n');
}

Result<void> check_command(const EnterPlan& plan, std::string_view status)
{
    auto held = parse_capability_status(status);
    CapabilityState planned = known_capabilities(plan.caps);
    if (held && held->no_new_privs && !planned.no_new_privs)
        planned.no_new_privs = true;  // we may carry it from our caller: more restricted, not less
    if (!held || !(*held == planned))
        return Error::because("the process that would run it holds other capabilities than planned",
                              "refusing to run the command (CapEff ", capability_mask(held ? held->effective : 0),
                              ", planned ", capability_mask(planned.effective), ')');
    std::size_t filters = plan.own_filters + (plan.filters_last ? 0 : plan.seccomp.count());
    if (auto count = status_field(status, "Seccomp_filters"sv);
        count && parse_decimal(trim(*count)) != std::optional<std::uint64_t>(filters))
        return Error::because("the process that would run it holds other seccomp filters than planned",
                              "refusing to run the command (", trim(*count), ", planned ", filters, ')');
    return {};
}

}  // namespace nskit
