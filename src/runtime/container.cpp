#include "runtime/container.h"

#include <fcntl.h>

#include "base/buffer.h"

namespace nskit {

using namespace std::literals;

const char no_such_container[] = "no such container";
const char ambiguous_prefix[] = "ambiguous ID prefix";
const char not_running[] = "the container is not running";

// Appends the strings of a JSON array to `into` as NUL-separated entries; an
// entry with a NUL in it could not be passed on: it is left out.
void append_env_entries(json::Value list, Buffer& into, std::string_view leave_out)
{
    json::Value entry;
    for (json::Elements e(list); e.next(entry);) {
        std::size_t before = into.size();
        if (!entry.unescape(into) || into.view().substr(before).find('\0') != std::string_view::npos ||
            (!leave_out.empty() && into.view().substr(before).starts_with(leave_out)) ||
            !into.append(std::string_view("\0", 1)))
            into.truncate(before);
    }
}

void read_docker_container_json(json::Value doc, ContainerInfo& info)
{
    json::Value id = doc.get("Id"sv);
    if (id || (id = doc.get("ID"sv))) {
        info.id.clear();
        (void)id.unescape(info.id);
    }
    if (json::Value name = doc.get("Name"sv)) {
        Text<256> with_slash;
        (void)name.unescape(with_slash);
        std::string_view n = with_slash.view();
        info.name.clear();
        info.name.append(n.substr(n.starts_with('/') ? 1 : 0));
    }
    json::Value state = doc.get("State"sv);
    if (auto pid = state.get("Pid"sv).integer())
        info.pid = static_cast<pid_t>(*pid);
    info.running = state.get("Running"sv).boolean().value_or(info.running);
    info.paused = state.get("Paused"sv).boolean().value_or(info.paused);
    json::Value config = doc.get("Config"sv);
    append_env_entries(config.get("Env"sv), info.env);
    (void)config.get("User"sv).unescape(info.user);
    (void)config.get("WorkingDir"sv).unescape(info.workdir);
    (void)config.get("Hostname"sv).unescape(info.hostname);
    info.tty = config.get("Tty"sv).boolean().value_or(info.tty);
    read_docker_host_config(doc.get("HostConfig"sv), info);
}

void read_docker_host_config(json::Value host_config, ContainerInfo& info)
{
    if (!host_config)
        return;
    info.privileged = host_config.get("Privileged"sv).boolean().value_or(info.privileged);
    json::Value group;
    info.group_add.clear();
    for (json::Elements e(host_config.get("GroupAdd"sv)); e.next(group);) {
        Text<64> one;
        // A comma would split one group in two: such a name cannot be in /etc/group anyway.
        if (group.unescape(one) && one.view().find(',') == std::string_view::npos)
            info.group_add.append(info.group_add.empty() ? "" : ",", one);
    }
}

std::int64_t process_start_time(int proc_dir, const char* stat)
{
    char buffer[1024];
    auto text = read_small_file(proc_dir, stat, buffer);
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
