// LXC's containers (LXC 4 and later), without LXC's tools or library. Each
// running container has a monitor, "[lxc monitor] LXCPATH NAME", alone in a
// cgroup of its own, lxc.monitor.NAME (beside the container's,
// lxc.payload.NAME), and the container's init is that monitor's child. LXC
// makes both cgroups as root, outside the container, whose processes cannot
// move into them; the monitor is a host process. lxc-attach gives a command
// the init's namespaces, cgroups and capabilities (lxc.cap.drop and keep
// shape the init's bounding set), which is what nskit takes too, and what
// the container's configuration says (LXCPATH/NAME/config and the files it
// includes, runtime/lxc_config.h): the environment of lxc-attach --clear-env
// (a default PATH, container=lxc and lxc.environment, none of the caller's),
// lxc.no_new_privs, and the seccomp policy of lxc.seccomp.profile, which
// lxc-attach reads and loads itself and nskit compiles as liblxc does
// (context/seccomp/lxc_policy.h). The init's own filters are never read.
#include <errno.h>
#include <fcntl.h>

#include "base/buffer.h"
#include "base/dir.h"
#include "base/sys.h"
#include "context/seccomp/lxc_policy.h"
#include "runtime/host_file.h"
#include "runtime/lxc_config.h"
#include "runtime/sources.h"

namespace nskit::sources {

using namespace std::literals;

namespace {

// Where the monitors' cgroups are: cgroup v2 alone, v2 beside v1, v1 alone.
constexpr const char* roots[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified", "/sys/fs/cgroup/pids"};

// The first number in a file of numbers (cgroup.procs, a task's children); 0 when none.
pid_t first_pid(const char* path)
{
    char text[64];
    auto read = read_small_file(AT_FDCWD, path, text);
    std::string_view first_line = read.ok() ? read.value() : std::string_view();
    first_line = first_line.substr(0, first_line.find('\n'));  // cgroup.procs: one per line
    auto pid = parse_decimal(next_word(first_line), 0x3fffffff);  // children: "PID PID "
    return pid ? static_cast<pid_t>(*pid) : 0;
}

void list(FunctionRef<bool(Named&)> visit)
{
    for (const char* root : roots) {
        auto dir = sys::open(root, O_RDONLY | O_DIRECTORY);
        bool any = false, go_on = true;
        (void)for_each_entry(dir.ok() ? dir.value().get() : -1, [&](const DirEntry& entry) {
            if (!entry.name.starts_with("lxc.monitor."sv))
                return true;
            any = true;
            pid_t monitor = first_pid(Text<320>(root, '/', entry.name, "/cgroup.procs").c_str());
            Text<64> children("/proc/", monitor, "/task/", monitor, "/children");
            Named named;
            named.monitor = monitor;
            named.name.append(entry.name.substr(12));
            named.pid = monitor ? first_pid(children.c_str()) : 0;
            named.start_time = start_time_of(named.pid);
            // Still the monitor's child once its start time is known: not a reused PID.
            if (named.pid <= 0 || first_pid(children.c_str()) != named.pid)
                return true;
            return go_on = visit(named);
        });
        if (any || !go_on)
            return;
    }
}

constexpr std::size_t policy_limit = 1024 * 1024;

// The container's configuration, where the monitor's title ("[lxc monitor] LXCPATH NAME") says it is.
Result<Text<600>> config_path(const Named& named)
{
    char title[600];
    auto read = read_small_file(AT_FDCWD, Text<40>("/proc/", named.monitor, "/cmdline").c_str(), title);
    std::string_view text = read.ok() ? read.value() : std::string_view();
    text = text.substr(0, text.find('\0'));
    std::size_t space = text.rfind(' ');
    if (!text.starts_with("[lxc monitor] /"sv) || space < 14 || text.substr(space + 1) != named.name.view())
        return Error::because("its monitor's title does not say where LXC keeps it", "cannot find the configuration "
                              "of lxc:", named.name, " (PID ", named.monitor, ")");
    Text<600> path(text.substr(14, space - 14), '/', named.name, "/config");
    if (path.truncated())
        return Error::from_errno(ENAMETOOLONG, "cannot find the configuration of lxc:", named.name);
    return path;
}

// The policy file of lxc.seccomp.profile, compiled as liblxc on this host builds it.
Result<seccomp::Program> compile_policy(std::string_view path)
{
    Buffer text = TRY(read_host_file(path, policy_limit));
    auto profile = seccomp::parse_lxc_policy(text.view(), seccomp::lxc_host(sys::machine().view()));
    auto program = profile.ok() ? seccomp::compile(profile.value()) : Result<seccomp::Program>(profile.take_error());
    if (!program.ok()) {
        Error error = program.take_error();
        Text<200> what = error.what;
        return error.describe("cannot use LXC's seccomp policy ", path, ": ", what);
    }
    return program;
}

Result<void> read_config(const Named& named, ContainerInfo& info)
{
    Text<600> path = TRY(config_path(named));
    LxcConfig config;
    TRY(read_lxc_config(path.c_str(), config));
    if (!info.env.append("container=lxc\0"sv) || !info.env.append(config.environment.view()))
        return Error::from_errno(ENOMEM, "cannot read ", path);
    RuntimeSeccomp& seccomp = info.runtime_seccomp;
    seccomp.given = true;
    seccomp.monitor = named.monitor;
    seccomp.no_new_privs = config.no_new_privs;
    if (config.seccomp_profile.empty())
        return {};
    seccomp.policy_path.append(config.seccomp_profile);
    seccomp.program = TRY(compile_policy(config.seccomp_profile.view()));
    return {};
}

}  // namespace

extern const Source lxc{.prefix = "lxc", .list = list, .read_config = read_config};

}  // namespace nskit::sources
