// docker-enter: run a command in a running container with the container's
// own context, as `docker exec` does, without the docker CLI and also when the
// daemon does not answer. The recipe: parse, find the container, pin its
// init, read what the init carries (capabilities, environment), join its
// cgroups, enter its namespaces, fork when the pid namespace changed, become
// its user with its capabilities, change directory, exec.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <optional>

#include "applets/applets.h"
#include "base/buffer.h"
#include "base/exec.h"
#include "base/options.h"
#include "base/output.h"
#include "base/sys.h"
#include "context/caps.h"
#include "context/cgroup.h"
#include "context/creds.h"
#include "context/env.h"
#include "context/limits.h"
#include "context/lsm.h"
#include "context/seccomp.h"
#include "ns/enter.h"
#include "ns/process.h"
#include "ns/target.h"
#include "runtime/find.h"
#include "version.h"

namespace nskit {

using namespace std::literals;

namespace {

enum OptionId : int {
    USER = 1, WORKDIR, ENV, ENV_FILE, PRIVILEGED, RUNTIME, ENV_FROM, NO_CGROUP, VERBOSE, TIMEOUT, STATE_DIR,
    DATA_ROOT, INTERACTIVE, TTY, HELP, VERSION,
};

constexpr Option options[] = {
    {USER, 'u', "user", Arg::required, "user[:group]", "user and group, names from the container's /etc/passwd"},
    {WORKDIR, 'w', "workdir", Arg::required, "dir", "working directory inside the container"},
    {ENV, 'e', "env", Arg::required, "name[=value]", "set an environment variable (repeatable)"},
    {ENV_FILE, '\0', "env-file", Arg::required, "file", "read environment variables from a file (repeatable)"},
    {PRIVILEGED, '\0', "privileged", Arg::none, "", "keep every capability (as docker exec --privileged)"},
    {RUNTIME, '\0', "runtime", Arg::required, "source", "ask only docker, podman, state (files) or pid"},
    {ENV_FROM, '\0', "env-from", Arg::required, "where", "environment from: config, process or none"},
    {NO_CGROUP, '\0', "no-cgroup", Arg::none, "", "do not join the container's cgroups"},
    {VERBOSE, 'v', "verbose", Arg::none, "", "print what was resolved and applied"},
    {TIMEOUT, '\0', "timeout", Arg::required, "seconds", "how long the engine may take (default 2)"},
    {STATE_DIR, '\0', "state-dir", Arg::required, "dir", "also look for runtime state here (repeatable)"},
    {DATA_ROOT, '\0', "data-root", Arg::required, "dir", "Docker's data root (default /var/lib/docker)"},
    {INTERACTIVE, 'i', "interactive", Arg::none, "", "accepted for docker exec habits: stdin is always passed"},
    {TTY, 't', "tty", Arg::none, "", "accepted for docker exec habits: the terminal is always passed"},
    {HELP, 'h', "help", Arg::none, "", "display this help"},
    {VERSION, 'V', "version", Arg::none, "", "display version"},
};

constexpr Usage usage{"[options] <container> [<command> [<argument>...]]",
                      "Run a command in a running container with its own user, capabilities, cgroups,\n"
                      "environment and namespaces. <container> is a name, an ID, a unique ID prefix, or pid:N.",
                      options};

enum class EnvFrom : std::uint8_t { config, process, none, unset };

struct Request {
    const char* user = nullptr;
    const char* workdir = nullptr;
    struct EnvSetting {
        const char* text;  // -e NAME[=VALUE], or the file of --env-file
        bool file;
    };
    std::array<EnvSetting, 64> env_settings{};  // in the order given: a later one wins
    std::size_t env_count = 0;
    bool privileged = false, join_cgroup = true, verbose = false;
    EnvFrom env_from = EnvFrom::unset;
    FindOptions find;
    std::array<const char*, 8> state_dirs{};
    std::size_t state_dir_count = 0;
    const char* container = nullptr;
    int command = 0;  // argv index of the command, argc when none
};

Result<int> parse_timeout(std::string_view text)
{
    // Seconds, with up to three decimals: "2", "0.5".
    std::string_view whole = split_first(text, '.');
    auto seconds = parse_decimal(whole.empty() ? "0"sv : whole, 3600);
    std::uint64_t millis = 0;
    if (!text.empty()) {
        if (text.size() > 3 || !parse_decimal(text))
            seconds.reset();
        else
            for (std::size_t i = 0; i < 3; ++i)
                millis = millis * 10 + (i < text.size() ? static_cast<std::uint64_t>(text[i] - '0') : 0);
    }
    if (!seconds || *seconds * 1000 + millis == 0)
        return Error::because("not a number of seconds between 0.001 and 3600", "bad --timeout");
    return static_cast<int>(*seconds * 1000 + millis);
}

// The position of `value` among `words` ("a\0b\0c\0"), for --runtime and --env-from.
Result<int> choose(const OptionHit& hit, const char* words, const char* expected)
{
    std::string_view value = hit.value;
    for (int index = 0; *words; ++index, words += std::string_view(words).size() + 1)
        if (value == words)
            return index;
    return Error::because(expected, "bad --", hit.option->long_name, " '", value, "'");
}

// False when --help or --version was answered.
Result<bool> parse_command_line(std::string_view name, int argc, char** argv, Request& request)
{
    OptionParser parser(options, argc, argv);
    OptionHit hit;
    while (TRY(parser.next(hit))) {
        switch (hit.id) {
        case USER: request.user = hit.value; break;
        case WORKDIR: request.workdir = hit.value; break;
        case ENV:
        case ENV_FILE:
            if (request.env_count == request.env_settings.size())
                return Error::because("too many", "-e and --env-file options");
            request.env_settings[request.env_count++] = {hit.value, hit.id == ENV_FILE};
            break;
        case PRIVILEGED: request.privileged = true; break;
        case RUNTIME:  // in the order of Source
            request.find.only = static_cast<Source>(
                TRY(choose(hit, "docker\0podman\0state\0pid\0", "expected docker, podman, state or pid")));
            break;
        case ENV_FROM:  // in the order of EnvFrom
            request.env_from = static_cast<EnvFrom>(
                TRY(choose(hit, "config\0process\0none\0", "expected config, process or none")));
            break;
        case NO_CGROUP: request.join_cgroup = false; break;
        case VERBOSE: request.verbose = true; break;
        case TIMEOUT: request.find.timeout_ms = TRY(parse_timeout(hit.value)); break;
        case STATE_DIR:
            if (request.state_dir_count == request.state_dirs.size())
                return Error::because("at most 8", "too many --state-dir options");
            request.state_dirs[request.state_dir_count++] = hit.value;
            break;
        case DATA_ROOT: request.find.places.data_root = hit.value; break;
        case INTERACTIVE: case TTY: break;
        case HELP: {
            Writer out(1);
            print_help(out, name, usage);
            return false;
        }
        case VERSION: Writer(1).put(name, " from nskit ", version, '\n'); return false;
        }
    }
    if (parser.index() >= argc)
        return Error::because("see --help", "no container given");
    request.container = argv[parser.index()];
    request.command = parser.index() + 1;
    request.find.places.state_dirs = {request.state_dirs.data(), request.state_dir_count};
    return true;
}

// Everything read from the container's init before anything changes.
struct Plan {
    ContainerInfo info;
    std::string_view shown;  // its name, else its ID
    std::optional<Target> target;
    CapabilityState caps;
    EnvFrom env_from;
    Environment env;  // all but HOME, which depends on the user
    NsSelection namespaces;
    CgroupJoin cgroups;  // none unless request.join_cgroup
    std::optional<ExecLabel> label;
    SeccompFilters seccomp;
    ProcessLimits limits;
    bool setgroups_denied = false;
    Credentials creds;  // resolved inside the container
};

// "container NAME: why" or "container NAME is paused: unpause it first".
const Error& refuse(const Plan& plan, const char* why, std::string_view more = {})
{
    return Error::because(why, "container ", plan.shown, more);
}

Result<void> find(std::string_view name, const Request& request, Plan& plan)
{
    FindReport report;
    ContainerInfo& found = plan.info;
    bool ok = find_container(request.container, request.find, report, found).ok();
    if (report.engine_failed && (request.verbose || !ok)) {
        const Error& e = report.engine_error;
        Writer err(2);
        err.put(name, ": the engine did not help (", e.what, ": ", e.why(), "); ");
        if (ok)
            err.put("found the container in the state files\n");
        else
            err.put("looked in the state files too (", state::describe_places(request.find.places), ")\n");
    }
    if (!ok)
        return Failure{};
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
Result<void> build_environment(const Request& request, Plan& plan)
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
        if (::isatty(0))
            TRY(env.set("TERM=xterm"sv));
        TRY(env.set_all(plan.info.env.view()));
    }
    for (std::size_t i = 0; i < request.env_count; ++i) {
        const auto& setting = request.env_settings[i];
        if (!setting.file) {
            TRY(set_from_option(env, setting.text));
            continue;
        }
        Buffer text = TRY(read_file(AT_FDCWD, setting.text, 16 * 1024 * 1024));
        TRY(set_from_env_file(env, text.view(), setting.text));
    }
    return {};
}

Result<void> make_plan(std::string_view name, const Request& request, Plan& plan)
{
    TRY(find(name, request, plan));
    const ContainerInfo& info = plan.info;
    pid_t pid = info.pid;

    plan.target = TRY(pin_target(TargetSpec{pid, std::nullopt}).describe("cannot pin the init of ", plan.shown,
                                                                        " (PID ", pid, ")"));
    const Target& target = *plan.target;
    int proc = target.proc_dir();
    if (info.start_time >= 0 && process_start_time(proc) != info.start_time)
        return Error::because("its PID now belongs to another process", "the init of ", plan.shown, " has exited");
    char text[4096];
    if (info.start_time < 0 && info.source != Source::pid && info.id.size() >= 12) {
        // Without a start time to compare, the container's ID in the init's
        // cgroup paths ("/docker/ID", "docker-ID.scope", "libpod-ID.scope")
        // says the PID still is, and is seen from our PID namespace as, its init.
        auto cgroups = TRY(read_small_file(proc, "cgroup", text).describe("cannot read /proc/", pid, "/cgroup"));
        if (cgroups.find(info.id.view()) == std::string_view::npos)
            return Error::because("its cgroups do not name the container (a recycled PID, or a daemon in another "
                                  "PID namespace)",
                                  "PID ", pid, " is not the init of ", plan.shown);
    }
    if (info.source != Source::engine && info.source != Source::podman && TRY(cgroup_frozen(pid)))
        return refuse(plan, "unpause it first", " is paused");

    auto status = TRY(read_small_file(proc, "status", text).describe("cannot read /proc/", pid, "/status"));
    auto caps = parse_capability_status(status);
    if (!caps)
        return Error::because("unexpected format", "cannot read the capabilities in /proc/", pid, "/status");
    plan.caps = request.privileged ? full_capabilities(*caps, TRY(current_capabilities())) : *caps;
    // As docker exec, --privileged included: the filter belongs to the container, not to the exec.
    TRY(read_seccomp_filters(pid, status, plan.seccomp));
    TRY(read_process_limits(proc, plan.limits));
    if (auto setgroups = read_small_file(proc, "setgroups", text); setgroups.ok())
        plan.setgroups_denied = trim(setgroups.value()) == "deny"sv;

    plan.env_from = request.env_from != EnvFrom::unset ? request.env_from
                    : info.source == Source::pid      ? EnvFrom::process
                                                      : EnvFrom::config;
    TRY(build_environment(request, plan));

    // Every namespace of the init that is not already ours.
    for (const NsInfo& ns : namespace_kinds)
        if (compare_with_ours(target, ns.kind) == Shared::different)
            plan.namespaces.from_target(ns.kind);

    if (request.join_cgroup)
        TRY(plan_cgroup_join(pid, plan.cgroups));
    if (auto label = read_exec_label(target); label.ok() && label.value().label.view() != "unconfined"sv) {
        // AppArmor shows "profile (enforce)" and takes "exec profile" for the
        // next exec; SELinux takes its context as it shows it.
        std::string_view shown = label.value().label.view();
        if (auto mode = shown.rfind(" ("sv); mode != std::string_view::npos && shown.back() == ')') {
            Text<512> onexec("exec ", shown.substr(0, mode));
            label.value().label = onexec;
        }
        plan.label = label.take_value();
    }
    return target.still_alive();
}

void print_plan(std::string_view name, const Request& request, const Plan& plan)
{
    const ContainerInfo& info = plan.info;
    Writer err(2);
    err.put(name, ": container ", info.name.empty() ? "-"sv : info.name.view(), " id ", info.id, " init PID ", info.pid,
            " (", "docker\0podman\0state\0\0pid" + 7 * static_cast<int>(info.source), ": ", info.found_at, ")\n");
    err.put(name, ": namespaces:");
    for (const NsInfo& ns : namespace_kinds)
        if (plan.namespaces.wants(ns.kind))
            err.put(' ', ns.proc_name);
    err.put('\n');
    if (request.join_cgroup) {
        err.put(name, ": cgroups: ", plan.cgroups.size(), " to join");
        for (std::size_t i = 0; i < plan.cgroups.size(); ++i)
            err.put(i ? ", " : " ", plan.cgroups.directory(i));
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
    err.put(" no_new_privs ", caps.no_new_privs ? "1\n" : "0\n");
    if (plan.label)
        err.put(name, ": security label: ", plan.label->label, '\n');
    err.put(name, ": seccomp: ", plan.seccomp.count, " filters, ", plan.seccomp.instructions, " instructions\n");
}

// In the process that will exec: who, where, with what; then the caller execs.
Result<char* const*> become_container_process(std::string_view name, const Request& request, Plan& plan)
{
    const ContainerInfo& info = plan.info;
    std::string_view user = request.user ? std::string_view(request.user) : info.user.view();
    plan.creds = TRY(resolve_user_here(user, info.group_add.view()));
    Credentials& creds = plan.creds;
    creds.setgroups_denied = plan.setgroups_denied;
    Environment& env = plan.env;
    if (plan.env_from == EnvFrom::config && !env.has("HOME"sv))
        TRY(env.set("HOME"sv, creds.home.view()));  // as runc does
    // exec_program searches the command in envp's PATH: the container's, as runc does.
    char* const* envp = TRY(env.envp());

    const char* workdir = request.workdir ? request.workdir : info.workdir.empty() ? "/" : info.workdir.c_str();
    // As runc: change directory as root when we can, else as the user.
    bool changed = sys::chdir(workdir).ok();

    if (request.verbose) {
        Writer err(2);
        err.put(name, ": user: uid ", creds.uid, " gid ", creds.gid, " groups");
        for (gid_t gid : creds.group_list())
            err.put(' ', gid);
        err.put(", cwd ", workdir, ", ", env.count(), " environment variables\n");
    }

    if (plan.label)
        TRY(apply_exec_label(*plan.label));
    // Installed while we still hold CAP_SYS_ADMIN, as runc does without
    // no_new_privs: what follows must pass the filter, as it must for runc.
    TRY(install_seccomp_filters(plan.seccomp));
    TRY(become(creds, plan.caps));
    if (!changed)
        TRY(sys::chdir(workdir));
    return envp;
}

// The child that runs the command, started in the cgroup v2 directory when
// there is one; without clone3 into a cgroup (before Linux 5.7) we move
// ourselves first, which works as we are still in our own cgroup namespace.
Result<pid_t> start_child(CgroupJoin& cgroups, int cgroup_v2)
{
    if (cgroup_v2 < 0)
        return fork_child();
    if (auto child = fork_child_into_cgroup(cgroup_v2); child.ok())
        return child;
    TRY(cgroups.join_unified(::getpid()));
    return fork_child();
}

Result<int> run(std::string_view name, const Request& request, int argc, char** argv)
{
    Plan plan;
    TRY(make_plan(name, request, plan));
    if (request.verbose)
        print_plan(name, request, plan);

    // The cgroups first: their files are found through our own mounts, and
    // moving into them is checked against our own cgroup namespace.
    // cgroup v1 now; cgroup v2 at the fork below when there is one: a child
    // started in its cgroup (clone3) spares us the kernel's RCU grace period
    // that moving a process in cgroup v2 waits for (5-20 ms).
    bool forking = plan.namespaces.wants(NsKind::pid) || plan.namespaces.wants(NsKind::time);
    int cgroup_v2 = forking ? plan.cgroups.unified_directory() : -1;
    TRY(plan.cgroups.join(::getpid(), cgroup_v2 >= 0 ? CgroupJoin::Unified::later : CgroupJoin::Unified::now));
    // Resource limits and the OOM score go with the process across fork and exec.
    if (LimitsApplied limits = apply_process_limits(plan.limits); limits.failed) {
        // One name per limit, in RLIMIT_* order, and the OOM score.
        std::string_view names = "cpu fsize data stack core rss nproc nofile memlock as locks sigpending msgqueue "
                                 "nice rtprio rttime oom_score_adj"sv;
        std::string_view failed;
        for (int i = 0; i <= limits.first_failed_resource; ++i)
            failed = next_word(names);
        Error e;
        e.code = limits.first_error;
        warn(name, "could not give the command ", limits.failed, " of the container's resource limits (", failed,
             ": ", e.why(), "): it keeps ours");
    }
    // Moving into a cgroup is checked against our cgroup namespace: when the
    // child is to start in the v2 cgroup, the cgroup namespace is entered
    // after the fork, by the child.
    Fd cgroup_namespace;
    if (cgroup_v2 >= 0 && plan.namespaces.wants(NsKind::cgroup)) {
        cgroup_namespace = TRY(open_target_namespace(*plan.target, NsKind::cgroup));
        plan.namespaces.drop(NsKind::cgroup);
    }
    TRY(enter_namespaces(&*plan.target, plan.namespaces));
    plan.target.reset();

    // A new pid (or time) namespace is for the children we make.
    if (forking) {
        pid_t child = TRY(start_child(plan.cgroups, cgroup_v2));
        if (child > 0)
            return wait_and_mirror(child);
        if (cgroup_namespace)
            TRY(sys::setns(cgroup_namespace.get(), CLONE_NEWCGROUP).describe("cannot enter the cgroup namespace of ", plan.shown));
        cgroup_namespace.reset();
    }
    char* const* envp = TRY(become_container_process(name, request, plan));
    char* shell_argv[2] = {nullptr, nullptr};
    char** command = argv + request.command;
    if (request.command >= argc) {
        shell_argv[0] = const_cast<char*>(plan.creds.shell.empty() ? "/bin/sh" : plan.creds.shell.c_str());
        command = shell_argv;
    }
    Error failed = exec_program(command, envp);
    report(name, failed);
    return exit_status_for(failed);
}

}  // namespace

int enter_main(std::string_view name, int argc, char** argv)
{
    Request request;
    auto parsed = parse_command_line(name, argc, argv, request);
    if (!parsed.ok()) {
        report(name, parsed.error());
        Writer(2).put("Try '", name, " --help' for more information.\n");
        return 1;
    }
    if (!parsed.value())
        return 0;
    auto status = run(name, request, argc, argv);
    if (status.ok())
        return status.value();
    report(name, status.error());
    return 1;
}

}  // namespace nskit
