#include "context/env.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>

#include "base/text.h"

namespace nskit {

using namespace std::literals;

namespace {
constexpr std::size_t environ_limit = 4 * 1024 * 1024;  // well past ARG_MAX's share for environ

bool has_space(std::string_view s)
{
    for (char c : s)
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
            return true;
    return false;
}
}  // namespace

std::string_view env_name(std::string_view entry) { return entry.substr(0, entry.find('=')); }

Result<void> Environment::set(std::string_view entry)
{
    if (entry.find('=') == std::string_view::npos || entry.front() == '=')
        return Error::because("not NAME=value", "bad environment entry '", entry, "'");
    if (entry.find('\0') != std::string_view::npos)
        return Error::because("contains a NUL byte", "bad environment entry");
    if (!strings_.append(entry) || !strings_.append(std::string_view("\0", 1)))
        return Error::from_errno(ENOMEM, "cannot build the environment");
    return {};
}

Result<void> Environment::set(std::string_view name, std::string_view value)
{
    if (name.empty() || name.find('=') != std::string_view::npos)
        return Error::because("not a variable name", "bad environment name '", name, "'");
    if (!strings_.append(name) || !strings_.append("=") || !strings_.append(value) ||
        !strings_.append(std::string_view("\0", 1)))
        return Error::from_errno(ENOMEM, "cannot build the environment");
    return {};
}

Result<void> default_home(Environment& env, std::string_view home)
{
    if (!env.get("HOME").empty())
        return {};
    return env.set("HOME", home);
}

Result<void> Environment::set_all(std::string_view block)
{
    while (!block.empty()) {
        std::string_view entry = split_first(block, '\0');
        if (entry.find('=') != std::string_view::npos && entry.front() != '=')
            TRY(set(entry));
    }
    return {};
}

// True when an entry after `offset` sets `name` again.
bool Environment::shadowed(std::size_t offset, std::string_view name) const
{
    std::string_view all = strings_.view();
    offset += std::string_view(all.data() + offset).size() + 1;
    while (offset < all.size()) {
        std::string_view entry(all.data() + offset);
        if (env_name(entry) == name)
            return true;
        offset += entry.size() + 1;
    }
    return false;
}

bool Environment::has(std::string_view name) const
{
    bool found = false;
    for_each([&](std::string_view entry) { found = found || env_name(entry) == name; });
    return found;
}

std::string_view Environment::get(std::string_view name) const
{
    std::string_view value;
    for_each([&](std::string_view entry) {
        if (env_name(entry) == name)
            value = entry.substr(name.size() + 1);
    });
    return value;
}

std::size_t Environment::count() const
{
    std::size_t n = 0;
    for_each([&](std::string_view) { ++n; });
    return n;
}

Result<char* const*> Environment::envp()
{
    pointers_.clear();
    bool ok = true;
    for_each([&](std::string_view entry) {
        char* p = const_cast<char*>(entry.data());
        ok = ok && pointers_.append({reinterpret_cast<const char*>(&p), sizeof p});
    });
    char* end = nullptr;
    if (!ok || !pointers_.append({reinterpret_cast<const char*>(&end), sizeof end}))
        return Error::from_errno(ENOMEM, "cannot build the environment");
    return reinterpret_cast<char* const*>(pointers_.data());
}

Result<Buffer> read_process_environ(pid_t pid)
{
    Text<40> path("/proc/", pid, "/environ");
    return read_file(AT_FDCWD, path.c_str(), environ_limit).describe("cannot read the environment of process ", pid);
}

Result<void> set_from_option(Environment& env, std::string_view setting)
{
    std::string_view name = env_name(setting);
    if (name.empty())
        return Error::because("no variable name", "bad environment setting '", setting, "'");
    if (has_space(name))
        return Error::because("the name contains white space", "bad environment setting '", setting, "'");
    if (name.size() < setting.size())
        return env.set(setting);
    Text<256> copy(name);
    if (copy.truncated())
        return Error::because("the name is too long", "bad environment setting");
    if (const char* value = ::getenv(copy.c_str()))
        return env.set(name, value);
    return {};
}

Result<void> set_from_env_file(Environment& env, std::string_view text, std::string_view file)
{
    if (text.substr(0, 3) == "\xEF\xBB\xBF"sv)  // a UTF-8 byte order mark
        text.remove_prefix(3);
    std::size_t line_number = 0;
    while (!text.empty()) {
        std::string_view line = split_first(text, '\n');
        ++line_number;
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
            line.remove_prefix(1);
        if (line.empty() || line.front() == '#')
            continue;
        TRY(set_from_option(env, line).describe("bad line ", line_number, " in ", file));
    }
    return {};
}

}  // namespace nskit
