// LXC's containers (LXC 4 and later), without LXC's tools or library. Each
// running container has a monitor, "[lxc monitor] LXCPATH NAME", alone in a
// cgroup of its own, lxc.monitor.NAME (beside the container's,
// lxc.payload.NAME), and the container's init is that monitor's child. LXC
// makes both cgroups as root, outside the container, whose processes cannot
// move into them; the monitor is a host process. lxc-attach gives a command
// the init's namespaces, cgroups, capabilities (lxc.cap.drop and keep shape
// the init's bounding set) and seccomp filter: the init's own context, which
// is what nskit gives too. The environment is lxc-attach --clear-env's (a
// default PATH, container=lxc and the lxc.environment settings of the
// container's configuration, <LXCPATH>/NAME/config), none of the caller's.
#include <fcntl.h>

#include "base/buffer.h"
#include "base/dir.h"
#include "base/sys.h"
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

void add_env(const Named& named, Buffer& env)
{
    (void)env.append("container=lxc\0"sv);
    // The monitor's title, "[lxc monitor] LXCPATH NAME", says where the configuration is.
    char title[600];
    auto read = read_small_file(AT_FDCWD, Text<40>("/proc/", named.monitor, "/cmdline").c_str(), title);
    std::string_view lxcpath = read.ok() ? read.value() : std::string_view();
    if (!lxcpath.starts_with("[lxc monitor] "sv))
        return;
    lxcpath = lxcpath.substr(14, lxcpath.rfind(' ') - 14);
    auto config = read_file(AT_FDCWD, Text<600>(lxcpath, '/', named.name, "/config").c_str(), 1024 * 1024);
    std::string_view rest = config.ok() ? config.value().view() : std::string_view();
    while (!rest.empty()) {  // "lxc.environment = NAME=value", blanks around the first '=' or none
        std::string_view line = split_first(rest, '\n');
        std::size_t equals = line.find('=');
        line = equals == std::string_view::npos || trim(line.substr(0, equals)) != "lxc.environment"sv
                   ? std::string_view()
                   : trim(line.substr(equals + 1));
        if (line.find('=') != std::string_view::npos)
            (void)(env.append(line) && env.append("\0"sv));
    }
}

}  // namespace

extern const Source lxc{.prefix = "lxc", .list = list, .add_env = add_env};

}  // namespace nskit::sources
