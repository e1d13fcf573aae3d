#include "runtime/lxc_config.h"

#include <errno.h>
#include <sys/stat.h>

#include <optional>

#include "base/dir.h"
#include "base/sys.h"
#include "runtime/host_file.h"

namespace nskit {

using namespace std::literals;

namespace {

constexpr std::size_t config_limit = 1024 * 1024;

bool blank(char c) { return c == ' ' || c == '\t'; }

struct Setting {
    std::string_view key, value;
};

// One line as liblxc's parse_line reads it: a setting, or nothing (a blank
// line, a comment, a line that is not "lxc."'s).
Result<std::optional<Setting>> read_line(std::string_view line)
{
    bool empty = true;  // liblxc's lxc_is_line_empty
    for (char c : line)
        empty = empty && (blank(c) || c == '\f');
    while (!line.empty() && blank(line[0]))
        line.remove_prefix(1);
    if (empty || line.starts_with('#') || !line.starts_with("lxc."sv))
        return std::optional<Setting>();
    std::size_t equals = line.find('=');
    if (equals == std::string_view::npos)
        return Error::because("a setting without '=', which liblxc refuses", "'", line.substr(0, 60), "'");
    std::string_view key = line.substr(0, equals), value = line.substr(equals + 1);
    while (!key.empty() && blank(key.back()))
        key.remove_suffix(1);
    while (!value.empty() && blank(value[0]))
        value.remove_prefix(1);
    while (!value.empty() && blank(value.back()))
        value.remove_suffix(1);
    if (value.size() > 1 && (value[0] == '"' || value[0] == '\'') && value.back() == value[0])
        value = value.substr(1, value.size() - 2);
    return std::optional(Setting{key, value});
}

class Reader {
public:
    explicit Reader(LxcConfig& config) : config_(config) {}

    // The settings of the file at `path`, and of what it includes.
    Result<void> file(std::string_view path, int depth)
    {
        Buffer text = TRY(read_host_file(path, config_limit));
        return settings(text.view(), path, depth);
    }

    // lxc.environment.runtime's, after lxc.environment's.
    Result<void> finish()
    {
        if (!config_.environment.append(runtime_environment_.view()))
            return Error::from_errno(ENOMEM, "cannot read LXC's configuration");
        return {};
    }

private:
    Result<void> settings(std::string_view text, std::string_view path, int depth)
    {
        text = text.substr(0, text.find('\0'));  // liblxc reads the file as one C string
        for (std::size_t number = 1; !text.empty();) {
            std::size_t end = text.find_first_of("\r\n"sv);
            std::string_view line = text.substr(0, end);
            std::size_t line_number = number;
            number += end != std::string_view::npos && text[end] == '\n';
            text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
            auto read = read_line(line);
            auto done = !read.ok() ? Result<void>(read.take_error())
                        : read.value() ? setting(*read.value(), depth)
                                       : Result<void>();
            if (!done.ok()) {
                Error error = done.take_error();
                if (nested_failure_)
                    return error;  // named by the included file's own line
                Text<200> what = error.what;
                return error.describe(path, ':', line_number, ": ", what);
            }
        }
        return {};
    }

    Result<void> setting(const Setting& s, int depth)
    {
        if (s.key == "lxc.include"sv)
            return include(s.value, depth);
        if (s.key == "lxc.environment"sv)
            return add_environment(s.value, config_.environment);
        if (s.key == "lxc.environment.runtime"sv)
            return add_environment(s.value, runtime_environment_);
        if (s.key == "lxc.seccomp.profile"sv) {
            std::string_view path = s.value;
            while (path.size() > 1 && path.back() == '/')
                path.remove_suffix(1);  // liblxc's lxc_path_simplify
            config_.seccomp_profile.clear();
            config_.seccomp_profile.append(path);
            if (config_.seccomp_profile.truncated())
                return Error::from_errno(ENAMETOOLONG, "lxc.seccomp.profile");
        }
        if (s.key == "lxc.no_new_privs"sv) {
            auto on = s.value.empty() ? std::optional<std::uint64_t>(0) : parse_decimal(s.value, 1);
            if (!on)
                return Error::because("not 0 or 1", "lxc.no_new_privs '", s.value, "'");
            config_.no_new_privs = *on == 1;
        }
        return {};
    }

    Result<void> add_environment(std::string_view value, Buffer& into)
    {
        if (value.empty()) {
            into.clear();  // as liblxc's lxc_clear_environment
            return {};
        }
        if (value.find('=') == std::string_view::npos || value.starts_with('='))
            return {};  // NAME alone is the reading process's own: none of our caller's goes in
        if (!into.append(value) || !into.append("\0"sv))
            return Error::from_errno(ENOMEM, "cannot read LXC's configuration");
        return {};
    }

    Result<void> include(std::string_view value, int depth)
    {
        if (value.empty())
            return {};
        if (!value.starts_with('/'))
            return Error::because("a relative path, which liblxc takes from its own working directory",
                                  "lxc.include '", value, "'");
        if (depth >= lxc_include_depth)
            return Error::because("lxc.include nested deeper than 16: a loop?", "lxc.include ", value);
        Text<4096> path(value);
        if (path.truncated())
            return Error::from_errno(ENAMETOOLONG, "lxc.include");
        auto st = sys::stat(path.c_str());
        bool directory = value.ends_with('/') || (st.ok() && S_ISDIR(st.value().st_mode));
        auto done = directory ? include_directory(path, depth) : file(value, depth + 1);
        nested_failure_ = !done.ok();
        return done;
    }

    // Its *.conf files, in the directory's order (liblxc's do_includedir).
    Result<void> include_directory(const Text<4096>& path, int depth)
    {
        auto dir = open_host_directory(path.c_str());
        if (!dir.ok() && dir.error().code == ENOENT)
            return {};
        Fd opened = TRY(std::move(dir));
        Result<void> read;
        auto listed = for_each_entry(opened.get(), [&](const DirEntry& entry) {
            if (entry.name.size() < 6 || !entry.name.ends_with(".conf"sv))
                return true;
            Text<4400> shown(path, path.view().ends_with('/') ? "" : "/", entry.name);
            auto text = read_host_file(opened.get(), entry.name.data(), config_limit, shown.view());
            read = text.ok() ? settings(text.value().view(), shown.view(), depth + 1) : Result<void>(text.take_error());
            return read.ok();
        });
        TRY(std::move(read));
        return std::move(listed).describe("cannot list ", path);
    }

    LxcConfig& config_;
    Buffer runtime_environment_;
    bool nested_failure_ = false;  // the error came from reading an included file
};

}  // namespace

Result<void> read_lxc_config(const char* path, LxcConfig& config)
{
    Reader reader(config);
    TRY(reader.file(path, 0));
    return reader.finish();
}

}  // namespace nskit
