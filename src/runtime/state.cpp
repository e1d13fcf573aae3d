#include "runtime/state.h"

#include <fcntl.h>

#include "base/buffer.h"
#include "base/dir.h"
#include "base/function_ref.h"
#include "base/sys.h"
#include "runtime/json.h"

namespace nskit::state {

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
        if (has_file(child.value().get(), "state.json"))
            go_on = visit(Found{entry.name, &child_path, Kind::runc});
        else if (has_file(child.value().get(), "status") && has_file(child.value().get(), "config.json"))
            go_on = visit(Found{entry.name, &child_path, Kind::crun});
        else if (has_file(child.value().get(), "init.pid"))
            go_on = visit(Found{entry.name, &child_path, Kind::task});
        else if (depth > 1)
            go_on = walk(child_path, depth - 1, visit);
        return go_on;
    });
    return go_on;
}

// Every container directory in every root: --state-dir ones first.
void for_each_container(const Places& places, Visit visit)
{
    for (const char* dir : places.state_dirs) {
        Path path(dir);
        if (!walk(path, state_dir_depth, visit))
            return;
    }
    for (const Root& root : default_roots) {
        Path path(root.path);
        if (!walk(path, root.depth, visit))
            return;
    }
}

bool is_id_like(std::string_view name)
{
    return !name.empty() && name.size() <= 64 && name.find('/') == std::string_view::npos && name != "." &&
           name != "..";
}

Result<Buffer> read_json_file(const char* path) { return read_file(AT_FDCWD, path, state_limit); }

// A container Docker knows (stopped ones too): <data-root>/containers/<id>/.
bool docker_knows(const Places& places, std::string_view id)
{
    Path path(places.data_root, "/containers/", id, "/config.v2.json");
    return !path.truncated() && sys::stat(path.c_str()).ok();
}

// The name in a Docker config.v2.json equals `name`.
bool docker_name_is(const Places& places, std::string_view id, std::string_view name)
{
    Path path(places.data_root, "/containers/", id, "/config.v2.json");
    auto text = read_json_file(path.c_str());
    if (!text.ok())
        return false;
    auto doc = json::parse(text.value().view());
    if (!doc.ok())
        return false;
    auto stored = doc.value().get("Name");
    if (!stored)
        return false;
    Text<258> slashed("/", name);
    return stored->equals(slashed.view()) || stored->equals(name);
}

// The nerdctl/name annotation of a containerd task's config.json equals `name`.
bool task_name_is(const Path& dir, std::string_view name)
{
    Path path(dir, "/config.json");
    auto text = read_json_file(path.c_str());
    if (!text.ok())
        return false;
    auto doc = json::parse(text.value().view());
    if (!doc.ok())
        return false;
    auto stored = doc.value().at({"annotations", "nerdctl/name"});
    return stored && stored->equals(name);
}

struct Candidates {
    static constexpr std::size_t shown = 6;
    Text<72> ids[shown];
    std::size_t count = 0;

    void add(std::string_view id)
    {
        for (std::size_t i = 0; i < count && i < shown; ++i)
            if (ids[i].view() == id)
                return;
        if (count < shown)
            ids[count].append(id);
        ++count;
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

Result<Text<72>> resolve(std::string_view query, const Places& places)
{
    // 1. A full ID.
    if (is_id_like(query) && (locate(places, query).found || docker_knows(places, query)))
        return Text<72>(query);

    // 2. A name: Docker's, then nerdctl's.
    std::string_view name = query.substr(query.starts_with('/') ? 1 : 0);
    Text<72> named;
    Path containers(places.data_root, "/containers");
    if (auto dir = sys::open(containers.c_str(), O_RDONLY | O_DIRECTORY); dir.ok())
        (void)for_each_entry(dir.value().get(), [&](const DirEntry& entry) {
            if (docker_name_is(places, entry.name, name)) {
                named.append(entry.name);
                return false;
            }
            return true;
        });
    if (named.empty())
        for_each_container(places, [&](const Found& f) {
            if (f.kind == Kind::task && task_name_is(*f.dir, name)) {
                named.append(f.id);
                return false;
            }
            return true;
        });
    if (!named.empty())
        return named;

    // 3. A unique ID prefix, among running containers and Docker's stopped ones.
    if (!is_id_like(query))
        return Error::because(no_such_container, "cannot find container ", query);
    Candidates candidates;
    for_each_container(places, [&](const Found& f) {
        if (f.id.starts_with(query))
            candidates.add(f.id);
        return true;
    });
    if (auto dir = sys::open(containers.c_str(), O_RDONLY | O_DIRECTORY); dir.ok())
        (void)for_each_entry(dir.value().get(), [&](const DirEntry& entry) {
            if (entry.name.starts_with(query))
                candidates.add(entry.name);
            return true;
        });
    if (candidates.count == 1)
        return candidates.ids[0];
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

}  // namespace

Result<RuncState> parse_runc_state(std::string_view text)
{
    auto doc = TRY(json::parse(text));
    RuncState state;
    bool crun = !doc.get("init_process_pid");
    auto pid = doc.get(crun ? "pid" : "init_process_pid");
    if (!pid || !pid->integer() || *pid->integer() <= 0 || *pid->integer() > 0x7fffffff)
        return Error::because("no init_process_pid", "bad runc state");
    state.pid = static_cast<pid_t>(*pid->integer());
    if (auto start = doc.get(crun ? "process-start-time" : "init_process_start"); start && start->integer())
        state.start_time = *start->integer();
    if (auto bundle = doc.get("bundle"))
        (void)bundle->unescape(state.bundle);
    if (auto config = doc.get("config")) {
        if (auto hostname = config->get("hostname"))
            (void)hostname->unescape(state.hostname);
        json::Value label;
        if (auto labels = config->get("labels"))
            for (json::Elements e(*labels); e.next(label);)
                if (label.starts_with("bundle=")) {
                    Text<520> whole;
                    if (label.unescape(whole))
                        state.bundle.append(whole.view().substr(7));
                }
    }
    return state;
}

Result<void> read_oci_config(std::string_view text, ContainerInfo& info)
{
    auto doc = TRY(json::parse(text));
    if (auto process = doc.get("process")) {
        json::Value entry;
        if (auto env = process->get("env"))
            for (json::Elements e(*env); e.next(entry);) {
                std::size_t before = info.env.size();
                if (!entry.unescape(info.env) || info.env.view().substr(before).find('\0') != std::string_view::npos ||
                    !info.env.append(std::string_view("\0", 1)))
                    info.env.truncate(before);
            }
        if (auto cwd = process->get("cwd"))
            (void)cwd->unescape(info.workdir);
        if (auto terminal = process->get("terminal"))
            info.tty = terminal->boolean().value_or(false);
        auto uid = process->at({"user", "uid"});
        auto gid = process->at({"user", "gid"});
        if (uid && uid->integer() && gid && gid->integer())
            info.user.append(*uid->integer(), ':', *gid->integer());
    }
    if (auto hostname = doc.get("hostname"))
        (void)hostname->unescape(info.hostname);
    if (auto name = doc.at({"annotations", "nerdctl/name"}))
        (void)name->unescape(info.name);
    return {};
}

Text<400> describe_places(const Places& places)
{
    Text<400> text;
    for (const char* dir : places.state_dirs)
        text.append(dir, ", ");
    text.append("/run/docker/runtime-runc, /run/containerd, /run/runc, /run/crun and ", places.data_root);
    return text;
}

Result<ContainerInfo> find(std::string_view query, const Places& places)
{
    Text<72> id = TRY(resolve(query, places));
    ContainerInfo info;
    info.source = Source::state;
    info.id.append(id);

    // Docker's own record of the container: its configuration, name and privilege.
    Path config(places.data_root, "/containers/", id, "/config.v2.json");
    bool from_docker = false;
    if (auto text = read_json_file(config.c_str()); text.ok()) {
        auto doc = json::parse(text.value().view());
        if (doc.ok()) {
            read_docker_container_json(doc.value(), info);
            from_docker = true;
        }
        Path host_config(places.data_root, "/containers/", id, "/hostconfig.json");
        if (auto host = read_json_file(host_config.c_str()); host.ok())
            if (auto doc = json::parse(host.value().view()); doc.ok())
                read_docker_host_config(doc.value(), info);
    }
    info.running = false;
    info.paused = false;  // the caller looks at the freezer: config.v2.json may be stale
    info.pid = 0;

    Location where = locate(places, id.view());
    if (!where.found)
        return Error::because(not_running, "container ", info.name.empty() ? id.view() : info.name.view());

    Path bundle;
    if (where.kind != Kind::task) {
        Path state_file(where.dir, where.kind == Kind::runc ? "/state.json" : "/status");
        Buffer text = TRY(read_json_file(state_file.c_str()));
        RuncState state = TRY(parse_runc_state(text.view()).describe("bad runc state in ", state_file));
        info.pid = state.pid;
        info.start_time = state.start_time;
        if (info.hostname.empty())
            info.hostname = state.hostname;
        bundle = Path(state.bundle);
        info.found_at.append(state_file);
    } else {
        TRY(read_task(where.dir, info));
        bundle = where.dir;
    }
    info.running = true;

    // Without Docker's record, the OCI configuration the runtime started it with.
    if (!from_docker && !bundle.empty()) {
        Path oci(bundle, "/config.json");
        if (auto text = read_json_file(oci.c_str()); text.ok())
            TRY(read_oci_config(text.value().view(), info).describe("bad OCI configuration ", oci));
    }
    return info;
}

}  // namespace nskit::state
