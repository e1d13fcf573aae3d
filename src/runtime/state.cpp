#include "runtime/state.h"

#include <fcntl.h>

#include "base/buffer.h"
#include "base/dir.h"
#include "base/function_ref.h"
#include "base/sys.h"
#include "base/json.h"
#include "runtime/sources.h"

namespace nskit::state {

using namespace std::literals;

namespace {

constexpr std::size_t state_limit = 8 * 1024 * 1024;

using Path = Text<600>;

struct Root {
    const char* path;
    int depth;  // how many directory levels down the container directories may be
};

constexpr Root default_roots[] = {
    {"/run/docker/runtime-runc", 2},
    {"/run/containerd/runc", 2},
    {"/run/runc", 1},
    {"/run/crun", 1},
    {"/run/docker/containerd/daemon/io.containerd.runtime.v2.task", 2},
    {"/run/containerd/io.containerd.runtime.v2.task", 2},
};
constexpr int state_dir_depth = 5;  // <exec-root>/containerd/daemon/io.containerd.runtime.v2.task/<ns>/<id>

// A rootless user's, under its $XDG_RUNTIME_DIR: Podman's runc and crun, and
// a rootless dockerd's exec root (dockerd-rootless.sh's $XDG_RUNTIME_DIR/docker).
constexpr Root user_roots[] = {
    {"/runc", 1},
    {"/crun", 1},
    {"/docker/runtime-runc", 2},
    {"/docker/containerd/daemon/io.containerd.runtime.v2.task", 2},
};

enum class Kind { runc, crun, task };  // runc state.json, crun status, containerd task

struct Found {
    std::string_view id;
    const Path* dir;
    Kind kind;
};

bool has_file(int dir, const char* name)
{
    auto st = sys::fstatat(dir, name, AT_SYMLINK_NOFOLLOW);
    return st.ok() && S_ISREG(st.value().st_mode);
}

// Calls visit(found) for each container directory under `dir`; false from
// visit stops the walk (and makes walk return false).
using Visit = FunctionRef<bool(const Found&)>;

bool walk(Path& path, int depth, Visit visit)
{
    auto dir = sys::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (!dir.ok())
        return true;
    bool go_on = true;
    std::size_t base = path.size();
    (void)for_each_entry(dir.value().get(), [&](const DirEntry& entry) {
        if (entry.type != DT_DIR && entry.type != DT_UNKNOWN)
            return true;
        auto child = sys::openat(dir.value().get(), entry.name.data(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
        if (!child.ok())
            return true;
        Path child_path(path.view().substr(0, base), '/', entry.name);
        if (child_path.truncated())
            return true;
        int fd = child.value().get();
        Kind kind;
        if (has_file(fd, "state.json"))
            kind = Kind::runc;
        else if (has_file(fd, "status") && has_file(fd, "config.json"))
            kind = Kind::crun;
        else if (has_file(fd, "init.pid"))
            kind = Kind::task;
        else
            return go_on = depth <= 1 || walk(child_path, depth - 1, visit);
        return go_on = visit(Found{entry.name, &child_path, kind});
    });
    return go_on;
}

// Every container directory in every root: --state-dir ones first, then a
// rootless user's, then the system's.
void for_each_container(const Places& places, Visit visit)
{
    for (const char* dir : places.state_dirs)
        if (Path path(dir); !walk(path, state_dir_depth, visit))
            return;
    if (places.user_runtime_dir)
        for (const Root& root : user_roots)
            if (Path path(places.user_runtime_dir, root.path); !walk(path, root.depth, visit))
                return;
    for (const Root& root : default_roots)
        if (Path path(root.path); !walk(path, root.depth, visit))
            return;
}

// Calls visit(id) for each container Docker knows (stopped ones too): <data-root>/containers/<id>/.
void for_each_docker_id(const Places& places, FunctionRef<bool(std::string_view)> visit)
{
    Path containers(places.data_root, "/containers");
    if (auto dir = sys::open(containers.c_str(), O_RDONLY | O_DIRECTORY); dir.ok())
        (void)for_each_entry(dir.value().get(), [&](const DirEntry& entry) { return visit(entry.name); });
}

bool is_id_like(std::string_view name)
{
    return !name.empty() && name.size() <= 64 && name.find('/') == std::string_view::npos && name != "."sv &&
           name != ".."sv;
}

// <data-root>/containers/<id>/<file>
Path docker_file(const Places& places, std::string_view id, const char* file)
{
    return Path(places.data_root, "/containers/", id, '/', file);
}

// The document in a JSON file; absent when it cannot be read or parsed.
json::Value read_json(const Path& path, Buffer& text)
{
    auto read = read_file(AT_FDCWD, path.c_str(), state_limit);
    if (!read.ok())
        return {};
    text = read.take_value();
    auto doc = json::parse(text.view());
    return doc.ok() ? doc.value() : json::Value();
}

struct Candidates {
    static constexpr std::size_t shown = 6;
    Text<72> ids[shown];
    std::size_t count = 0;

    bool add(std::string_view id)
    {
        for (std::size_t i = 0; i < count && i < shown; ++i)
            if (ids[i].view() == id)
                return true;
        if (count < shown)
            ids[count].append(id);
        ++count;
        return true;
    }
};

struct Location {
    Text<72> id;
    Path dir;
    Kind kind = Kind::runc;
    bool found = false;
};

Location locate(const Places& places, std::string_view id)
{
    Location where;
    for_each_container(places, [&](const Found& f) {
        if (f.id != id)
            return true;
        // A runc state file beats a task directory: it records the start time.
        if (!where.found || (where.kind == Kind::task && f.kind != Kind::task)) {
            where.id.clear();
            where.id.append(f.id);
            where.dir = *f.dir;
            where.kind = f.kind;
            where.found = true;
        }
        return f.kind == Kind::task;
    });
    return where;
}

// What `query` names, as the daemon resolves it (a full ID, then an exact
// name, then a unique ID prefix); its name, when a source gave it one.
Result<sources::Named> resolve(std::string_view query, const Places& places)
{
    sources::Named named;
    if (!sources::prefixed(query) && is_id_like(query) &&
        (locate(places, query).found || sys::stat(docker_file(places, query, "config.v2.json").c_str()).ok())) {
        named.id.append(query);
        return named;
    }
    named = TRY(sources::find(query, places));
    if (named.by || sources::prefixed(query))
        return named.by ? Result<sources::Named>(named)
                        : Error::because(no_such_container, "cannot find container ", query);

    // Docker's stopped containers, by name: "not running" says more than "no such container".
    std::string_view name = query.substr(query.starts_with('/') ? 1 : 0);
    for_each_docker_id(places, [&](std::string_view id) {
        sources::Named stored;
        if (!sources::docker_record(id, places, stored) || stored.name.view() != name)
            return true;
        named.id.append(id);
        return false;
    });
    if (!named.id.empty())
        return named;

    // A unique ID prefix, among running containers and Docker's stopped ones.
    Candidates candidates;
    if (is_id_like(query)) {
        for_each_container(places, [&](const Found& f) { return !f.id.starts_with(query) || candidates.add(f.id); });
        for_each_docker_id(places, [&](std::string_view id) { return !id.starts_with(query) || candidates.add(id); });
    }
    if (candidates.count == 1) {
        named.id = candidates.ids[0];
        return named;
    }
    if (candidates.count == 0)
        return Error::because(no_such_container, "cannot find container ", query);
    Error error = Error::because(ambiguous_prefix, "'", query, "' matches");
    for (std::size_t i = 0; i < candidates.count && i < Candidates::shown; ++i)
        error.what.append(i ? ", " : " ", candidates.ids[i].view().substr(0, 12));
    if (candidates.count > Candidates::shown)
        error.what.append(" and ", candidates.count - Candidates::shown, " more");
    return error;
}

Result<void> read_task(const Path& dir, ContainerInfo& info)
{
    Path pid_file(dir, "/init.pid");
    char buffer[32];
    auto text = TRY(read_small_file(AT_FDCWD, pid_file.c_str(), buffer));
    auto pid = parse_decimal(trim(text), 0x7fffffff);
    if (!pid || *pid == 0)
        return Error::because("not a process ID", "bad ", pid_file);
    info.pid = static_cast<pid_t>(*pid);
    info.found_at.append(pid_file);
    return {};
}

// The runc state.json or crun status file in a container's state directory
// `dir` (not a task directory), read and parsed, with who owns it.
struct StateFile {
    Path path;
    RuncState state;
    uid_t owner = 0;
};
Result<StateFile> read_state_file(const Path& dir, Kind kind)
{
    StateFile file;
    file.path = Path(dir, kind == Kind::runc ? "/state.json" : "/status");
    Fd fd = TRY(open_regular(AT_FDCWD, file.path.c_str()));
    file.owner = TRY(sys::fstat(fd.get())).st_uid;
    Buffer text;
    TRY(read_all(fd.get(), text, state_limit).describe("cannot read ", file.path));
    file.state = TRY(parse_runc_state(text.view()).describe("bad runc state in ", file.path));
    return file;
}

}  // namespace

void for_each_state(const Places& places, FunctionRef<bool(const StateEntry&)> visit)
{
    for_each_container(places, [&](const Found& f) {
        Path bundle = *f.dir;
        ContainerInfo pid_only;
        if (f.kind != Kind::task) {
            bundle.clear();
            if (auto file = read_state_file(*f.dir, f.kind); file.ok()) {
                bundle = Path(file.value().state.bundle);
                pid_only.pid = file.value().state.pid;
            }
        } else {
            (void)read_task(*f.dir, pid_only);
        }
        Buffer text;
        json::Value config = bundle.empty() ? json::Value() : read_json(Path(bundle, "/config.json"), text);
        constexpr std::string_view runtimes[] = {"runc", "crun", "containerd"};  // in the order of Kind
        return visit(StateEntry{f.id, f.dir->view(), bundle.view(), config, f.kind == Kind::task,
                                runtimes[static_cast<int>(f.kind)], pid_only.pid});
    });
}

Result<RuncState> parse_runc_state(std::string_view text)
{
    auto doc = TRY(json::parse(text));
    RuncState state;
    bool crun = !doc.get("init_process_pid"sv);
    auto pid = doc.get(crun ? "pid"sv : "init_process_pid"sv).integer();
    if (!pid || *pid <= 0 || *pid > 0x7fffffff)
        return Error::because("no init_process_pid", "bad runc state");
    state.pid = static_cast<pid_t>(*pid);
    state.start_time = doc.get(crun ? "process-start-time"sv : "init_process_start"sv).integer().value_or(-1);
    (void)doc.get("bundle"sv).unescape(state.bundle);
    json::Value config = doc.get("config"sv);
    (void)config.get("hostname"sv).unescape(state.hostname);
    json::Value label;
    for (json::Elements e(config.get("labels"sv)); e.next(label);)
        if (label.starts_with("bundle="sv)) {
            Text<520> whole;
            if (label.unescape(whole))
                state.bundle.append(whole.view().substr(7));
        }
    return state;
}

Result<void> read_oci_config(std::string_view text, ContainerInfo& info, bool init_hostname)
{
    auto doc = TRY(json::parse(text));
    json::Value process = doc.get("process"sv);
    append_env_entries(process.get("env"sv), info.env, init_hostname ? "HOSTNAME="sv : ""sv);
    (void)process.get("cwd"sv).unescape(info.workdir);
    info.tty = process.get("terminal"sv).boolean().value_or(info.tty);
    json::Value user = process.get("user"sv);
    auto uid = user.get("uid"sv).integer();
    auto gid = user.get("gid"sv).integer();
    if (uid && gid)
        info.user.append(*uid, ':', *gid);
    if (!init_hostname)
        (void)doc.get("hostname"sv).unescape(info.hostname);
    return {};
}

std::int64_t init_start_time(std::string_view id, const Places& places, uid_t* owner)
{
    Location where = locate(places, id);
    if (!where.found || where.kind == Kind::task)
        return -1;
    auto file = read_state_file(where.dir, where.kind);
    if (!file.ok())
        return -1;
    if (owner)
        *owner = file.value().owner;
    return file.value().state.start_time;
}

Text<600> bundle_of(std::string_view id, const Places& places)
{
    Location where = locate(places, id);
    if (!where.found || where.kind == Kind::task)
        return Text<600>(where.found ? where.dir.view() : std::string_view());
    auto file = read_state_file(where.dir, where.kind);
    return Text<600>(file.ok() ? file.value().state.bundle.view() : std::string_view());
}

Text<400> describe_places(const Places& places)
{
    Text<400> text;
    for (const char* dir : places.state_dirs)
        text.append(dir, ", ");
    if (places.user_runtime_dir)
        text.append(places.user_runtime_dir, "/runc, ", places.user_runtime_dir, "/crun, ", places.user_runtime_dir,
                    "/docker, ");
    text.append("/run/docker/runtime-runc, /run/containerd, /run/runc, /run/crun and ", places.data_root);
    return text;
}

Result<void> find(std::string_view query, const Places& places, ContainerInfo& info)
{
    sources::Named named = TRY(resolve(query, places));
    const Text<72>& id = named.id;
    bool init_hostname = named.by && named.by->init_hostname;
    if (named.by && named.by->list) {  // LXC's, machined's: no OCI runtime's state
        info.source = Source::state;
        info.id.append(named.source, ':', named.name);
        info.name.append(info.id);
        info.found_at.append(info.id);
        info.pid = named.pid;
        info.start_time = named.start_time;
        info.running = info.context_from_init = true;
        if (named.by->read_config)
            TRY(named.by->read_config(named, info));
        return {};
    }
    info.source = Source::state;
    info.id.append(id);

    // Docker's own record of the container: its configuration, name and groups.
    Buffer config, host_config;
    json::Value doc = read_json(docker_file(places, id.view(), "config.v2.json"), config);
    read_docker_container_json(doc, info);
    read_docker_host_config(read_json(docker_file(places, id.view(), "hostconfig.json"), host_config), info);
    info.running = false;
    info.paused = false;  // the caller looks at the freezer: config.v2.json may be stale
    info.pid = 0;

    Location where = locate(places, id.view());
    if (!where.found)
        return Error::because(not_running, "container ", info.name.empty() ? id.view() : info.name.view());

    Path bundle;
    if (where.kind != Kind::task) {
        StateFile file = TRY(read_state_file(where.dir, where.kind));
        const RuncState& state = file.state;
        info.state_owner = file.owner;
        info.pid = state.pid;
        info.start_time = state.start_time;
        if (info.hostname.empty() && !init_hostname)
            info.hostname = state.hostname;
        bundle = Path(state.bundle);
        info.found_at.append(file.path);
    } else {
        TRY(read_task(where.dir, info));
        if (auto dir = sys::stat(where.dir.c_str()); dir.ok())
            info.state_owner = dir.value().st_uid;
        bundle = where.dir;
    }
    info.running = true;
    if (info.name.empty() && named.by)
        info.name.append(named.source, ':', named.name);

    // Without Docker's record, the OCI configuration the runtime started it with.
    if (!doc && !bundle.empty()) {
        Path oci(bundle, "/config.json");
        if (auto text = read_file(AT_FDCWD, oci.c_str(), state_limit); text.ok())
            TRY(read_oci_config(text.value().view(), info, init_hostname)
                    .describe("bad OCI configuration ", oci));
    }
    return {};
}

}  // namespace nskit::state
