// docker-enter: run a command in a running container with the container's
// own context, as `docker exec` does, without the docker CLI and also when the
// daemon does not answer. The recipe: parse; plan (find the container, pin
// its init, read its runtime's record: enter_plan.cpp); set up the command's
// pipes or pty; start the worker, which stays in our cgroups and enters, and
// whose placer joins the container's cgroups, becomes the container's
// process and starts the command (enter_worker.cpp); relay until it is done.
// enter.h says why these processes.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <sys/prctl.h>
#include <sys/wait.h>

#include "applets/applets.h"
#include "applets/enter.h"
#include "base/options.h"
#include "base/output.h"
#include "base/buffer.h"
#include "base/sys.h"
#include "ns/process.h"
#include "runtime/sources.h"
#include "version.h"

namespace nskit {

using namespace std::literals;

namespace {

enum OptionId : int {
    USER = 1, WORKDIR, ENV, ENV_FILE, PRIVILEGED, RUNTIME, ENV_FROM, NO_CGROUP, VERBOSE, TIMEOUT, STATE_DIR,
    DATA_ROOT, INTERACTIVE, TTY, NO_TTY, PRESERVE_FDS, TOOLS, LIST, FORMAT, HELP, VERSION,
};

constexpr Option options[] = {
    {USER, 'u', Arg::required, "user", "user[:group]", "user and group, names from the container's /etc/passwd"},
    {WORKDIR, 'w', Arg::required, "workdir", "dir", "working directory inside the container"},
    {ENV, 'e', Arg::required, "env", "name[=value]", "set an environment variable (repeatable)"},
    {ENV_FILE, '\0', Arg::required, "env-file", "file", "read environment variables from a file (repeatable)"},
    {PRIVILEGED, '\0', Arg::none, "privileged", "", "keep every capability (as docker exec --privileged)"},
    {RUNTIME, '\0', Arg::required, "runtime", "docker|podman|state|pid", "ask only this source (state: the runtime's files)"},
    {ENV_FROM, '\0', Arg::required, "env-from", "config|process|none", "where the environment comes from"},
    {NO_CGROUP, '\0', Arg::none, "no-cgroup", "", "do not join the container's cgroups"},
    {VERBOSE, 'v', Arg::none, "verbose", "", "print what was resolved and applied"},
    {TIMEOUT, '\0', Arg::required, "timeout", "seconds", "how long the engine may take (default 2)"},
    {STATE_DIR, '\0', Arg::required, "state-dir", "dir", "also look for runtime state here (repeatable)"},
    {DATA_ROOT, '\0', Arg::required, "data-root", "dir", "Docker's data root (default /var/lib/docker)"},
    {INTERACTIVE, 'i', Arg::none, "interactive", "", "accepted for docker exec habits: stdin is always relayed"},
    {TTY, 't', Arg::none, "tty", "", "a new pty for the command (the default when stdin is a terminal)"},
    {NO_TTY, 'T', Arg::none, "no-tty", "", "no pty: the command's stdin, stdout and stderr are pipes"},
    {PRESERVE_FDS, '\0', Arg::required, "preserve-fds", "n",
     "also pass descriptors 3 to 2+n: the container can keep and use them"},
    {TOOLS, '\0', Arg::optional, "tools", "dir",
     "show a toolbox of static programs at /.nskit/tools (default /usr/local/lib/nskit/tools)"},
    {LIST, '\0', Arg::none, "list", "", "list the running containers of every source, from their state files"},
    {FORMAT, '\0', Arg::required, "format", "table|json", "how --list prints them (default table)"},
    {HELP, 'h', Arg::none, "help", "", "display this help"},
    {VERSION, 'V', Arg::none, "version", "", "display version"},
};

constexpr Usage usage{"[options] <container> [<command> [<argument>...]]",
                      "Run a command in a running container with its own user, capabilities, cgroups,\n"
                      "environment and namespaces. <container> is a name, an ID, a unique ID prefix,\n"
                      "pid:N, or SOURCE:NAME for a name in one source: docker, podman, nerdctl, lxc,\n"
                      "machine, or k8s:NAMESPACE/POD[/CONTAINER].",
                      options, "docker-enter"};

using Request = EnterRequest;
constexpr int max_preserved_fds = 64;

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

// A user's own dockerd (dockerd-rootless.sh) keeps its records in
// $XDG_DATA_HOME/docker, by default ~/.local/share/docker: the data root
// for a user who is not root, when it is there.
void use_own_data_root(Request& request)
{
    const char* data_home = ::getenv("XDG_DATA_HOME");
    const char* home = ::getenv("HOME");
    if (data_home && *data_home == '/')
        request.own_data_root.append(data_home, "/docker");
    else if (home && *home == '/')
        request.own_data_root.append(home, "/.local/share/docker");
    if (!request.own_data_root.empty() && !request.own_data_root.truncated() &&
        sys::stat(request.own_data_root.c_str()).ok())
        request.find.places.data_root = request.own_data_root.c_str();
}

// Where the state files are: the --state-dir options given, and for a user
// who is not root, that user's runtime directory and (unless --data-root
// named one) data root: rootless Podman, runc, crun or dockerd keep their
// state there.
void settle_places(Request& request, bool data_root_given)
{
    request.find.places.state_dirs = {request.state_dirs.data(), request.state_dir_count};
    if (::geteuid() != 0) {
        request.find.places.user_runtime_dir = ::getenv("XDG_RUNTIME_DIR");
        if (!data_root_given)
            use_own_data_root(request);
    }
}

// False when --help or --version was answered.
Result<bool> parse_command_line(std::string_view name, int argc, char** argv, Request& request)
{
    OptionParser parser(options, argc, argv);
    OptionHit hit;
    bool data_root_given = false;
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
        case DATA_ROOT:
            request.find.places.data_root = hit.value;
            data_root_given = true;
            break;
        case INTERACTIVE: break;
        case TTY: request.terminal = Terminal::pty; break;
        case NO_TTY: request.terminal = Terminal::pipes; break;
        case PRESERVE_FDS: {
            auto n = parse_decimal(hit.value, max_preserved_fds);
            if (!n)
                return Error::because("not a number of descriptors from 0 to 64", "bad --preserve-fds '", hit.value, "'");
            request.preserve_fds = static_cast<int>(*n);
            break;
        }
        case TOOLS: request.tools = hit.value ? hit.value : default_toolbox; break;
        case LIST: request.list = true; break;
        case FORMAT: request.list_json = TRY(choose(hit, "table\0json\0", "expected table or json")) == 1; break;
        case HELP: {
            Writer out(1);
            print_help(out, name, usage);
            return false;
        }
        case VERSION: Writer(1).put(name, " from nskit ", version, '\n'); return false;
        }
    }
    settle_places(request, data_root_given);
    if (request.list && parser.index() < argc)
        return Error::because("--list takes no container", "unexpected '", argv[parser.index()], "'");
    if (request.list)
        return true;
    if (parser.index() >= argc)
        return Error::because("see --help", "no container given");
    request.container = argv[parser.index()];
    request.command = parser.index() + 1;
    return true;
}

// Each descriptor --preserve-fds names is open: else one of ours could land
// there and go into the container.
Result<void> check_preserved(const Request& request)
{
    for (int fd = 3; fd < 3 + request.preserve_fds; ++fd)
        if (::fcntl(fd, F_GETFD) < 0)
            return Error::because("it is not open", "--preserve-fds ", request.preserve_fds, ": descriptor ", fd);
    return {};
}

// The command was killed: by the container's out-of-memory killer when its
// memory cgroup counted one more kill while it ran (docker exec's 137 then
// comes with no word of why).
void say_how_it_ended(std::string_view name, const EnterPlan& plan, const Session::End& end,
                      std::optional<std::uint64_t> oom_kills_before)
{
    if (!WIFSIGNALED(end.status) || WTERMSIG(end.status) != SIGKILL || !oom_kills_before)
        return;
    if (auto after = plan.cgroups.oom_kills(); after && *after > *oom_kills_before)
        warn(name, "the command was killed by the out-of-memory killer of container ", plan.shown);
}

Result<int> run(std::string_view name, const Request& request, int argc, char** argv)
{
    TRY(check_preserved(request));
    // Nothing of ours may be looked into from inside: not /proc/PID/fd, not
    // /proc/PID/mem. (Our children are born this way; the exec undoes it.)
    TRY(sys::prctl(PR_SET_DUMPABLE, 0));
    EnterPlan plan;
    TRY(make_enter_plan(name, request, plan));
    if (request.verbose)
        print_enter_plan(name, request, plan);
    Session session;
    TRY(session.prepare(request.terminal));
    TRY(session.prepare_admission());
    // The worker stays in our cgroups, as every process of ours does: only
    // the command stays in the container's (the placer that starts it
    // exits first), and is checked from here (admit) before it may run
    // anything.
    pid_t worker = TRY(fork_child());
    if (worker == 0)
        run_worker(name, request, plan, session, argc, argv);
    plan.target.reset();
    plan.root.reset();
    plan.toolbox.reset();
    std::optional<std::uint64_t> oom_kills;
    auto end = session.relay(name, worker, {.admit = [&](pid_t, std::string_view status) -> Result<void> {
                                 TRY(check_command(plan, status));
                                 oom_kills = plan.cgroups.oom_kills();
                                 return {};
                             }});
    if (end.refused)
        return 1;
    if (end.gave_up)
        return 128 + end.gave_up;
    say_how_it_ended(name, plan, end, oom_kills);
    return mirror_exit(end.status);
}

// Completion as docker's CLI asks it of a plugin (cobra's protocol): argv is
// "enter", the words before the one being completed, and that one last.
// Answered with one candidate a line and then ":4" (cobra's "no file
// names": the host's files are not the container's): our long options for
// a word that starts with '-', the running containers the state files know
// (as --list finds them, with the line's --state-dir and --data-root,
// without asking the engine, which may hang) for the container, nothing
// after it or for an option's value.
int complete_for_docker(int argc, char** argv)
{
    std::string_view current = argv[argc - 1];
    Writer out(1);
    Request request;
    int before = argc - 1;  // "enter" and the words before the current one
    OptionParser parser(options, before, argv);
    OptionHit hit;
    bool operand_given = true, data_root_given = false;
    for (;;) {
        auto more = parser.next(hit);
        if (!more.ok() || (more.value() && (hit.id == HELP || hit.id == VERSION)))
            break;  // an option's value is being completed, or no container will be asked for
        if (!more.value()) {
            operand_given = parser.index() < before;
            break;
        }
        if (hit.id == STATE_DIR && request.state_dir_count < request.state_dirs.size())
            request.state_dirs[request.state_dir_count++] = hit.value;
        if (hit.id == DATA_ROOT) {
            request.find.places.data_root = hit.value;
            data_root_given = true;
        }
    }
    settle_places(request, data_root_given);
    if (current.starts_with('-')) {
        for (const Option& option : options)
            if (!option.long_name.empty() && Text<64>("--", option.long_name).view().starts_with(current))
                out.put("--", option.long_name, '\n');
    } else if (!operand_given) {
        Buffer seen;  // "\0NAME\0...": a name once, whatever sources have it
        (void)seen.append("\0"sv);
        sources::for_each(request.find.places, [&](const sources::Named& c) {
            std::string_view name = c.name.view();
            Text<300> key('\0', name, '\0');
            bool plain = !name.empty();
            for (char ch : name)
                plain = plain && static_cast<unsigned char>(ch) > 0x20 && ch != 0x7f;
            if (plain && name.starts_with(current) && seen.view().find(key.view()) == std::string_view::npos) {
                (void)seen.append(key.view().substr(1));
                out.put(name, '\n');
            }
            return true;
        });
    }
    out.put(":4\n");
    return 0;
}

}  // namespace

int enter_main(std::string_view name, int argc, char** argv)
{
    if (answer_plugin_metadata(argc, argv))
        return 0;
    if (int at = docker_plugin_completion(argc, argv))
        return complete_for_docker(argc - at, argv + at);
    Request request;
    auto plugin = docker_plugin_start(argc, argv, request);
    if (!plugin.ok()) {
        report("docker enter", plugin.error());
        return 1;
    }
    if (int enter = plugin.value()) {  // docker enter ...: our arguments start after "enter"
        name = "docker enter";
        argc -= enter;
        argv += enter;
    }
    auto parsed = parse_command_line(name, argc, argv, request);
    if (!parsed.ok()) {
        report(name, parsed.error());
        Writer(2).put("Try '", name, " --help' for more information.\n");
        return 1;
    }
    if (!parsed.value())
        return 0;
    if (request.list) {
        print_container_list(request);
        return 0;
    }
    auto status = run(name, request, argc, argv);
    if (status.ok())
        return status.value();
    report(name, status.error());
    return 1;
}

}  // namespace nskit
