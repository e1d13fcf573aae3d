#include "runtime/container.h"

#include <fcntl.h>

#include "base/buffer.h"

namespace nskit {

const char no_such_container[] = "no such container";
const char ambiguous_prefix[] = "ambiguous ID prefix";
const char not_running[] = "the container is not running";

void read_docker_container_json(json::Value doc, ContainerInfo& info)
{
    if (auto id = doc.get("Id") ? doc.get("Id") : doc.get("ID")) {
        info.id.clear();
        (void)id->unescape(info.id);
    }
    if (auto name = doc.get("Name")) {
        Text<256> with_slash;
        (void)name->unescape(with_slash);
        std::string_view n = with_slash.view();
        if (!n.empty() && n[0] == '/')
            n.remove_prefix(1);
        info.name.clear();
        info.name.append(n);
    }
    if (auto state = doc.get("State")) {
        if (auto pid = state->get("Pid"); pid && pid->integer())
            info.pid = static_cast<pid_t>(*pid->integer());
        if (auto running = state->get("Running"))
            info.running = running->boolean().value_or(false);
        if (auto paused = state->get("Paused"))
            info.paused = paused->boolean().value_or(false);
    }
    if (auto config = doc.get("Config")) {
        json::Value entry;
        if (auto env = config->get("Env"))
            for (json::Elements e(*env); e.next(entry);)
                if (entry.kind() == json::Kind::string) {
                    std::size_t before = info.env.size();
                    bool whole = entry.unescape(info.env);
                    // An entry with a NUL in it could not be passed on: leave it out.
                    if (!whole || info.env.view().substr(before).find('\0') != std::string_view::npos ||
                        !info.env.append(std::string_view("\0", 1)))
                        info.env.truncate(before);
                }
        if (auto user = config->get("User"))
            (void)user->unescape(info.user);
        if (auto workdir = config->get("WorkingDir"))
            (void)workdir->unescape(info.workdir);
        if (auto hostname = config->get("Hostname"))
            (void)hostname->unescape(info.hostname);
        if (auto tty = config->get("Tty"))
            info.tty = tty->boolean().value_or(false);
    }
    if (auto host_config = doc.get("HostConfig"))
        read_docker_host_config(*host_config, info);
}

void read_docker_host_config(json::Value host_config, ContainerInfo& info)
{
    if (auto privileged = host_config.get("Privileged"))
        info.privileged = privileged->boolean().value_or(false);
    json::Value group;
    info.group_add.clear();
    if (auto groups = host_config.get("GroupAdd"))
        for (json::Elements e(*groups); e.next(group);) {
            Text<64> one;
            // A comma would split one group in two: such a name cannot be in /etc/group anyway.
            if (group.unescape(one) && one.view().find(',') == std::string_view::npos)
                info.group_add.append(info.group_add.empty() ? "" : ",", one);
        }
}

std::int64_t process_start_time(pid_t pid)
{
    Text<40> path("/proc/", pid, "/stat");
    char buffer[1024];
    auto text = read_small_file(AT_FDCWD, path.c_str(), buffer);
    if (!text.ok())
        return -1;
    // "pid (comm) state ppid ...": comm may hold spaces and ')', so count from the last ')'.
    std::string_view rest = text.value();
    auto close = rest.rfind(')');
    if (close == std::string_view::npos || close + 2 > rest.size())
        return -1;
    rest = rest.substr(close + 2);
    for (int field = 3; field < 22; ++field)
        split_first(rest, ' ');
    auto start = parse_decimal(split_first(rest, ' '));
    return start ? static_cast<std::int64_t>(*start) : -1;
}

}  // namespace nskit
