#include "runtime/record.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buffer.h"
#include "base/sys.h"
#include "context/seccomp.h"
#include "context/seccomp/profile.h"
#include "ns/userns.h"
#include "runtime/host_file.h"

namespace nskit {

using namespace std::literals;

namespace {

constexpr std::size_t config_limit = 8 * 1024 * 1024;

// A record written by an id the container's own user namespace maps, other
// than its owner's (and ours): one of the container's processes could have
// written it, so it is no record to take a context from (the caller takes the
// init's).
bool written_from_inside(int fd, const Target& init, uid_t rootless_owner)
{
    auto st = sys::fstat(fd);
    auto theirs = sys::fstatat(init.proc_dir(), "ns/user", 0);
    auto ours = sys::stat("/proc/self/ns/user");
    char map[1024];
    auto uid_map = read_small_file(init.proc_dir(), "uid_map", map);
    if (!st.ok() || !theirs.ok() || !ours.ok() || !uid_map.ok())
        return false;
    uid_t uid = st.value().st_uid;
    return uid != 0 && uid != ::geteuid() && uid != rootless_owner && theirs.value().st_ino != ours.value().st_ino &&
           id_inside(uid_map.value(), uid);
}

// The value of option `name` ("-b VALUE", "--bundle VALUE", "--bundle=VALUE") among NUL-separated args.
std::optional<std::string_view> option_value(std::string_view cmdline, std::string_view short_name,
                                             std::string_view long_name)
{
    while (!cmdline.empty()) {
        std::string_view arg = split_first(cmdline, '\0');
        if (arg == short_name || arg == long_name) {
            if (cmdline.empty())
                return std::nullopt;
            return split_first(cmdline, '\0');
        }
        if (starts_with(arg, long_name) && arg.size() > long_name.size() && arg[long_name.size()] == '=')
            return arg.substr(long_name.size() + 1);
    }
    return std::nullopt;
}

// What the init's parent tells: its filters, limits, umask.
Result<void> read_monitor(const Target& parent, RuntimeRecord& record)
{
    char text[4096];
    auto status = TRY(read_small_file(parent.proc_dir(), "status", text)
                          .describe("cannot read /proc/", parent.pid(), "/status"));
    record.monitor = parent.pid();
    TRY(read_seccomp_filters(parent.pid(), status, record.monitor_filters));
    record.monitor_umask = status_umask(status);
    return read_process_limits(parent.proc_dir(), record.monitor_limits);
}

template <std::size_t N>
constexpr std::size_t characters_of(const Text<N>&) { return N - 1; }

}  // namespace

// linux.seccomp of a config.json, compiled; a refusal names the file. A
// bundle's path can be long (an engine's exec root, a 64-digit ID): it is
// cut in the middle when the whole would not fit an Error's text, since what
// the profile itself is refused for (which field, how many instructions)
// must reach the operator whole.
Result<seccomp::Program> compile_seccomp(json::Value config, std::string_view path)
{
    auto profile = seccomp::parse_config_profile(config);
    auto program = profile.ok() ? seccomp::compile(profile.value()) : Result<seccomp::Program>(profile.take_error());
    if (!program.ok()) {
        Error error = program.take_error();
        Text<200> what = error.what;
        constexpr std::string_view lead = "cannot use the seccomp profile of ", between = ": ", cut = "...";
        std::size_t fixed = lead.size() + between.size() + what.size();
        std::size_t capacity = characters_of(error.what);
        if (fixed + path.size() > capacity && capacity > fixed + 2 * cut.size()) {
            std::size_t room = capacity - fixed;
            std::size_t head = (room - cut.size()) / 3;  // the end (the ID, config.json) says more
            std::size_t tail = room - cut.size() - head;
            return error.describe(lead, path.substr(0, head), cut, path.substr(path.size() - tail), between, what);
        }
        return error.describe(lead, path, between, what);
    }
    return program;
}

std::optional<pid_t> parent_pid(std::string_view status)
{
    auto field = status_field(status, "PPid"sv);
    auto pid = field ? parse_decimal(trim(*field), 0x7fffffff) : std::nullopt;
    return pid ? std::optional<pid_t>(static_cast<pid_t>(*pid)) : std::nullopt;
}

std::optional<mode_t> status_umask(std::string_view status)
{
    auto field = status_field(status, "Umask"sv);  // "0022", Linux 4.7+
    if (!field)
        return std::nullopt;
    std::string_view digits = trim(*field);
    mode_t mask = 0;
    if (digits.empty() || digits.size() > 4)
        return std::nullopt;
    for (char c : digits) {
        if (c < '0' || c > '7')
            return std::nullopt;
        mask = static_cast<mode_t>(mask * 8 + static_cast<mode_t>(c - '0'));
    }
    return mask;
}

std::optional<std::string_view> monitor_bundle(std::string_view cmdline, std::string_view id)
{
    if (id.empty())
        return std::nullopt;
    if (option_value(cmdline, "-id"sv, "--id"sv) == id)  // containerd-shim-runc-v2 and friends
        return ""sv;
    if (option_value(cmdline, "-c"sv, "--cid"sv) == id)  // conmon
        if (auto bundle = option_value(cmdline, "-b"sv, "--bundle"sv); bundle && starts_with(*bundle, "/"sv))
            return bundle;
    return std::nullopt;
}

Result<bool> find_runtime_record(const ContainerInfo& info, const Target& init, std::string_view init_status,
                                 const state::Places& places, uid_t rootless_owner, RuntimeRecord& record)
{
    Fd bundle;
    std::optional<Target> parent;
    if (auto ppid = parent_pid(init_status); ppid && *ppid > 1)
        if (auto pinned = pin_target(TargetSpec{*ppid, std::nullopt}); pinned.ok())
            parent = pinned.take_value();
    if (parent) {
        auto cmdline = read_file(parent->proc_dir(), "cmdline", 64 * 1024);
        auto named = cmdline.ok() ? monitor_bundle(cmdline.value().view(), info.id.view()) : std::nullopt;
        if (named && named->empty()) {
            bundle = TRY(sys::openat(parent->proc_dir(), "cwd", O_PATH | O_DIRECTORY)
                             .describe("cannot open the bundle of ", info.id, " (the working directory of PID ",
                                       parent->pid(), ')'));
            char path[512];
            auto n = sys::readlinkat(parent->proc_dir(), "cwd", path, sizeof path);
            record.config_path.append(std::string_view(path, n.ok() ? n.value() : 0), "/config.json");
        } else if (named) {
            Text<512> path(*named);
            bundle = TRY(sys::open(path.c_str(), O_PATH | O_DIRECTORY));
            record.config_path.append(*named, "/config.json");
        }
        TRY(read_monitor(*parent, record));
    }
    if (!bundle) {
        Text<600> path = state::bundle_of(info.id.view(), places);
        if (path.empty())
            return false;
        bundle = TRY(sys::open(path.c_str(), O_PATH | O_DIRECTORY));
        record.config_path.append(path, "/config.json");
    }
    if (written_from_inside(bundle.get(), init, rootless_owner))
        return false;
    TRY(check_owner(bundle.get(), record.config_path.view(), rootless_owner));
    Fd config = TRY(sys::openat(bundle.get(), "config.json", O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
                        .describe("cannot open ", record.config_path));
    TRY(check_owner(config.get(), record.config_path.view(), rootless_owner));
    if (!S_ISREG(TRY(sys::fstat(config.get())).st_mode))
        return Error::because("not a regular file", "cannot read ", record.config_path);
    // Whoever wrote the file: what named it (the monitor's command line, the
    // runtime's state) is the owner's, who could name any record, root's too.
    record.owners_word = rootless_owner != 0;
    Buffer text;
    TRY(read_all(config.get(), text, config_limit).describe("cannot read ", record.config_path));
    json::Value config_doc = TRY(json::parse(text.view()).describe("cannot use ", record.config_path));
    record.process = TRY(parse_oci_process(config_doc).describe("cannot use ", record.config_path));
    record.seccomp = TRY(compile_seccomp(config_doc, record.config_path.view()));
    if (parent)
        TRY(parent->still_alive());
    TRY(init.still_alive());
    return true;
}

}  // namespace nskit
