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

enum class EnvFrom { config, process, none };

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
    std::optional<EnvFrom> env_from;
    FindOptions find;
    std::array<const char*, 8> state_dirs{};
    std::size_t state_dir_count = 0;
    bool help = false, version = false;
    const char* container = nullptr;
    int command = 0;  // argv index of the command, argc when none
};

Result<int> parse_timeout(std::string_view text)
{
    // Seconds, with up to three decimals: "2", "0.5".
    std::string_view whole = split_first(text, '.');
    auto seconds = parse_decimal(whole.empty() ? "0" : whole, 3600);
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

Result<Request> parse_command_line(int argc, char** argv)
{
    Request request;
    OptionParser parser(options, argc, argv);
    OptionHit hit;
    while (TRY(parser.next(hit))) {
        std::string_view value = hit.value ? hit.value : "";
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
        case RUNTIME:
            if (value == "docker") request.find.only = Source::engine;
            else if (value == "podman") request.find.only = Source::podman;
            else if (value == "state") request.find.only = Source::state;
            else if (value == "pid") request.find.only = Source::pid;
            else return Error::because("expected docker, podman, state or pid", "bad --runtime '", value, "'");
            break;
        case ENV_FROM:
            if (value == "config") request.env_from = EnvFrom::config;
            else if (value == "process") request.env_from = EnvFrom::process;
            else if (value == "none") request.env_from = EnvFrom::none;
            else return Error::because("expected config, process or none", "bad --env-from '", value, "'");
            break;
        case NO_CGROUP: request.join_cgroup = false; break;
        case VERBOSE: request.verbose = true; break;
        case TIMEOUT: request.find.timeout_ms = TRY(parse_timeout(value)); break;
        case STATE_DIR:
            if (request.state_dir_count == request.state_dirs.size())
                return Error::because("at most 8", "too many --state-dir options");
            request.state_dirs[request.state_dir_count++] = hit.value;
            break;
        case DATA_ROOT: request.find.places.data_root = hit.value; break;
        case INTERACTIVE: case TTY: break;
        case HELP: request.help = true; return request;
        case VERSION: request.version = true; return request;
        }
    }
    if (parser.index() >= argc)
        return Error::because("see --help", "no container given");
    request.container = argv[parser.index()];
    request.command = parser.index() + 1;
    return request;  // find.places.state_dirs is pointed at state_dirs where the request stays
}

std::string_view source_name(Source source)
{
    switch (source) {
    case Source::engine: return "docker";
    case Source::podman: return "podman";
    case Source::state: return "state";
    case Source::pid: return "pid";
    }
    return "?";
}

// Everything read from the container's init before anything changes.
struct Plan {
    ContainerInfo info;
    std::optional<Target> target;
    CapabilityState caps;
    Environment env;  // all but HOME, which depends on the user
    NsSelection namespaces;
    std::optional<CgroupJoin> cgroups;
    std::optional<ExecLabel> label;
    SeccompFilters seccomp;
    ProcessLimits limits;
    bool setgroups_denied = false;
};

Result<ContainerInfo> find(std::string_view name, const Request& request)
{
    FindReport report;
    auto info = find_container(request.container, request.find, report);
    if (report.engine_failed && (request.verbose || !info.ok())) {
        const Error& e = report.engine_error;
        if (info.ok())
            warn(name, "the engine did not help (", e.what, ": ", e.why(), "); found the container in the state files");
        else
            warn(name, "the engine did not help (", e.what, ": ", e.why(), "); looked in the state files too (",
                 state::describe_places(request.find.places), ')');
    }
    if (!info.ok())
        return info.take_error();
    ContainerInfo& found = info.value();
    std::string_view shown = found.name.empty() ? found.id.view() : found.name.view();
    if (!found.running)
        return Error::because(not_running, "container ", shown);
    if (found.paused)
        return Error::because("unpause it first", "container ", shown, " is paused");
    if (found.pid <= 0)
        return Error::because("the source gave no PID", "container ", shown);
    return info;
}

// Before entering: --env-file names the caller's files, /proc/PID/environ is read through our /proc.
Result<void> build_environment(const Request& request, Plan& plan)
{
    Environment& env = plan.env;
    EnvFrom env_from = request.env_from.value_or(plan.info.source == Source::pid ? EnvFrom::process : EnvFrom::config);
    if (env_from == EnvFrom::process) {
        Buffer environ = TRY(read_file(plan.target->proc_dir(), "environ", 4 * 1024 * 1024)
                                 .describe("cannot read the environment of PID ", plan.info.pid));
        TRY(env.set_all(environ.view()));
    } else if (env_from == EnvFrom::config) {
        // As the daemon builds an exec's environment: a default PATH,
        // HOSTNAME, TERM for a terminal, then the container's own settings.
        TRY(env.set("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
        if (!plan.info.hostname.empty())
            TRY(env.set("HOSTNAME", plan.info.hostname.view()));
        if (::isatty(0))
            TRY(env.set("TERM=xterm"));
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

Result<Plan> make_plan(std::string_view name, const Request& request)
{
    Plan plan;
    plan.info = TRY(find(name, request));
    ContainerInfo& info = plan.info;
    std::string_view shown = info.name.empty() ? info.id.view() : info.name.view();

    plan.target = TRY(pin_target(TargetSpec{info.pid, std::nullopt}).describe("cannot pin the init of ", shown, " (PID ",
                                                                             info.pid, ")"));
    const Target& target = *plan.target;
    if (info.start_time >= 0 && process_start_time(info.pid) != info.start_time)
        return Error::because("its PID now belongs to another process", "the init of ", shown, " has exited");
    if (info.start_time < 0 && info.source != Source::pid && info.id.size() >= 12) {
        // Without a start time to compare, the container's ID in the init's
        // cgroup paths ("/docker/ID", "docker-ID.scope", "libpod-ID.scope")
        // says the PID still is, and is seen from our PID namespace as, its init.
        char cgroups[4096];
        auto text = TRY(read_small_file(target.proc_dir(), "cgroup", cgroups).describe("cannot read /proc/", info.pid,
                                                                                      "/cgroup"));
        if (text.find(info.id.view()) == std::string_view::npos)
            return Error::because("its cgroups do not name the container (a recycled PID, or a daemon in another "
                                  "PID namespace)",
                                  "PID ", info.pid, " is not the init of ", shown);
    }
    if (info.source != Source::engine && info.source != Source::podman && TRY(cgroup_frozen(info.pid)))
        return Error::because("unpause it first", "container ", shown, " is paused");

    char status[4096];
    auto status_text = TRY(read_small_file(target.proc_dir(), "status", status).describe("cannot read /proc/", info.pid,
                                                                                           "/status"));
    auto caps = parse_capability_status(status_text);
    if (!caps)
        return Error::because("unexpected format", "cannot read the capabilities in /proc/", info.pid, "/status");
    plan.caps = request.privileged ? full_capabilities(*caps, TRY(current_capabilities())) : *caps;
    // As docker exec, --privileged included: the filter belongs to the container, not to the exec.
    plan.seccomp = TRY(read_seccomp_filters(info.pid, status_text));
    plan.limits = TRY(read_process_limits(target.proc_dir()));
    char setgroups[16];
    if (auto text = read_small_file(target.proc_dir(), "setgroups", setgroups); text.ok())
        plan.setgroups_denied = trim(text.value()) == "deny";

    TRY(build_environment(request, plan));

    // Every namespace of the init that is not already ours.
    for (const NsInfo& ns : namespace_kinds)
        if (target_has_namespace(target, ns.kind) && !TRY(same_namespace_as_ours(target, ns.kind)))
            plan.namespaces.from_target(ns.kind);

    if (request.join_cgroup)
        plan.cgroups = TRY(plan_cgroup_join(info.pid));
    if (auto label = read_exec_label(target); label.ok() && label.value().label.view() != "unconfined") {
        // AppArmor shows "profile (enforce)" and takes "exec profile" for the
        // next exec; SELinux takes its context as it shows it.
        std::string_view shown = label.value().label.view();
        if (auto mode = shown.rfind(" ("); mode != std::string_view::npos && shown.back() == ')') {
            Text<512> onexec("exec ", shown.substr(0, mode));
            label.value().label = onexec;
        }
        plan.label = label.take_value();
    }
    TRY(target.still_alive());
    return plan;
}

void print_plan(std::string_view name, const Plan& plan)
{
    const ContainerInfo& info = plan.info;
    Writer err(2);
    err.put(name, ": container ", info.name.empty() ? "-" : info.name.view(), " id ", info.id, " init PID ", info.pid,
            " (", source_name(info.source), ": ", info.found_at, ")\n");
    err.put(name, ": namespaces:");
    for (const NsInfo& ns : namespace_kinds)
        if (plan.namespaces.wants(ns.kind))
            err.put(' ', ns.proc_name);
    err.put('\n');
    if (plan.cgroups) {
        err.put(name, ": cgroups: ", plan.cgroups->size(), " to join");
        for (std::size_t i = 0; i < plan.cgroups->size(); ++i)
            err.put(i ? ", " : " ", plan.cgroups->directory(i));
        err.put('\n');
    }
    err.put(name, ": capabilities: bounding ", capability_mask(plan.caps.bounding), " permitted ",
            capability_mask(plan.caps.permitted), " effective ", capability_mask(plan.caps.effective), " inheritable ",
            capability_mask(plan.caps.inheritable), " ambient ", capability_mask(plan.caps.ambient), " no_new_privs ",
            plan.caps.no_new_privs ? 1 : 0, '\n');
    if (plan.label)
        err.put(name, ": security label: ", plan.label->label, '\n');
    err.put(name, ": seccomp: ", plan.seccomp.count, " filters, ", plan.seccomp.instructions, " instructions\n");
}

// In the process that will exec: who, where, with what, then exec.
int become_and_exec(std::string_view name, const Request& request, Plan& plan, int argc, char** argv)
{
    const ContainerInfo& info = plan.info;
    std::string_view user = request.user ? std::string_view(request.user) : info.user.view();
    auto creds = resolve_user_here(user, info.group_add.view());
    if (!creds.ok()) {
        report(name, creds.error());
        return 1;
    }
    creds.value().setgroups_denied = plan.setgroups_denied;
    creds.value().setgroups_denied = plan.setgroups_denied;
    Environment& env = plan.env;
    EnvFrom env_from = request.env_from.value_or(info.source == Source::pid ? EnvFrom::process : EnvFrom::config);
    if (env_from == EnvFrom::config && !env.has("HOME"))
        if (auto home = env.set("HOME", creds.value().home.view()); !home.ok()) {  // as runc does
            report(name, home.error());
            return 1;
        }
    auto envp = env.envp();
    if (!envp.ok()) {
        report(name, envp.error());
        return 1;
    }
    // exec_program searches the command in envp's PATH: the container's, as runc does.

    const char* workdir = request.workdir ? request.workdir : info.workdir.empty() ? "/" : info.workdir.c_str();
    // As runc: change directory as root when we can, else as the user.
    bool changed = sys::chdir(workdir).ok();

    if (request.verbose) {
        Writer err(2);
        err.put(name, ": user: uid ", creds.value().uid, " gid ", creds.value().gid, " groups");
        for (gid_t gid : creds.value().group_list())
            err.put(' ', gid);
        err.put(", cwd ", workdir, ", ", env.count(), " environment variables\n");
    }

    if (plan.label)
        if (auto applied = apply_exec_label(*plan.label); !applied.ok()) {
            report(name, applied.error());
            return 1;
        }
    // Installed while we still hold CAP_SYS_ADMIN, as runc does without
    // no_new_privs: what follows must pass the filter, as it must for runc.
    if (auto installed = install_seccomp_filters(plan.seccomp); !installed.ok()) {
        report(name, installed.error());
        return 1;
    }
    if (auto became = become(creds.value(), plan.caps); !became.ok()) {
        report(name, became.error());
        return 1;
    }
    if (!changed)
        if (auto cd = sys::chdir(workdir); !cd.ok()) {
            report(name, cd.error());
            return 1;
        }

    char* shell_argv[2] = {nullptr, nullptr};
    char** command = argv + request.command;
    if (request.command >= argc) {
        shell_argv[0] = const_cast<char*>(creds.value().shell.empty() ? "/bin/sh" : creds.value().shell.c_str());
        command = shell_argv;
    }
    Error failed = exec_program(command, envp.value());
    report(name, failed);
    return exit_status_for(failed);
}

Result<int> run(std::string_view name, const Request& request, int argc, char** argv)
{
    Plan plan = TRY(make_plan(name, request));
    if (request.verbose)
        print_plan(name, plan);

    // The cgroups first: their files are found through our own mounts, and
    // moving into them is checked against our own cgroup namespace.
    if (plan.cgroups)
        TRY(plan.cgroups->join(::getpid()));
    // Resource limits and the OOM score go with the process across fork and exec.
    if (LimitsApplied limits = apply_process_limits(plan.limits); limits.failed) {
        static constexpr std::string_view names[] = {"cpu", "fsize", "data", "stack", "core", "rss", "nproc",
                                                     "nofile", "memlock", "as", "locks", "sigpending", "msgqueue",
                                                     "nice", "rtprio", "rttime", "oom_score_adj"};
        static_assert(sizeof names / sizeof names[0] == limit_count + 1, "one name per limit, and the OOM score");
        Error e = Error::from_errno(limits.first_error, "");
        warn(name, "could not give the command ", limits.failed, " of the container's resource limits (",
             names[limits.first_failed_resource], ": ", e.why(), "): it keeps ours");
    }
    TRY(enter_namespaces(&*plan.target, plan.namespaces));

    // A new pid (or time) namespace is for the children we make.
    if (plan.namespaces.wants(NsKind::pid) || plan.namespaces.wants(NsKind::time)) {
        pid_t child = TRY(fork_child());
        if (child > 0) {
            plan.target.reset();
            return wait_and_mirror(child);
        }
    }
    plan.target.reset();
    return become_and_exec(name, request, plan, argc, argv);
}

}  // namespace

int enter_main(std::string_view name, int argc, char** argv)
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
    Request& settled = request.value();
    settled.find.places.state_dirs = {settled.state_dirs.data(), settled.state_dir_count};
    auto status = run(name, settled, argc, argv);
    if (status.ok())
        return status.value();
    report(name, status.error());
    return 1;
}

}  // namespace nskit
