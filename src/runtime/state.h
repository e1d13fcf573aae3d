// Finding a container without its daemon: the runtime's state files, which
// stay where they are while the daemon is down or hung.
//   runc:        <root>/<id>/state.json (init_process_pid, init_process_start,
//                the bundle in config.labels). Roots: /run/docker/runtime-runc/<ns>,
//                /run/containerd/runc/<ns>, /run/runc.
//   crun:        <root>/<id>/status (pid, process-start-time, bundle) next to
//                config.json: /run/crun (Podman's default runtime).
//   containerd:  task directories <root>/<ns>/<id>/ with init.pid and the OCI
//                config.json: /run/containerd/io.containerd.runtime.v2.task,
//                /run/docker/containerd/daemon/io.containerd.runtime.v2.task.
//   rootless:    a user's own, under its $XDG_RUNTIME_DIR: runc/, crun/ (Podman) and
//                docker/ (dockerd-rootless.sh's exec root: runtime-runc/ and containerd's tasks).
//   --state-dir: any other root (a daemon's --exec-root), searched a few levels deep.
//   Names:       what every source calls its running containers (runtime/sources.h),
//                and Docker's stopped ones (<data-root>/containers/<id>/config.v2.json).
// A query resolves as the Docker daemon resolves it: a full ID, then an exact
// name, then a unique ID prefix; SOURCE:NAME, by name in that source only.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <span>
#include <string_view>

#include "base/function_ref.h"
#include "base/result.h"
#include "runtime/container.h"
#include "base/json.h"

namespace nskit::state {

struct Places {
    std::span<const char* const> state_dirs;  // --state-dir, searched before the defaults
    const char* data_root = "/var/lib/docker";
    // A rootless runtime's state ($XDG_RUNTIME_DIR of a user who is not root):
    // <dir>/runc and <dir>/crun (Podman), <dir>/docker (a rootless dockerd's exec root).
    const char* user_runtime_dir = nullptr;
};

// Fills `info` (a fresh one).
Result<void> find(std::string_view query, const Places& places, ContainerInfo& info);

// Every running container the state files know (runc's and crun's state, and
// containerd's task directories): its ID, the directory of its state, and
// the OCI config.json of its bundle, for sources that recognise their
// containers by it (runtime/sources.h). A container that
// has both a task directory and a runc state comes once per record. False
// from visit stops.
struct StateEntry {
    std::string_view id;
    std::string_view state_dir;
    std::string_view bundle;  // empty when the state names none
    json::Value config;  // absent when the state names no bundle or it cannot be read
    bool task = false;   // a containerd task directory (shim-binary-path is there)
    std::string_view runtime;  // whose record: "runc", "crun" or "containerd"
    pid_t pid = 0;             // the init's, as recorded; 0 when unreadable
};
void for_each_state(const Places& places, FunctionRef<bool(const StateEntry&)> visit);

// What find() looks in, for messages: "/run/docker/runtime-runc, ... and /var/lib/docker".
Text<400> describe_places(const Places& places);

// The start time of a running container's init as its runtime's state
// records it (runc's init_process_start, crun's process-start-time), and
// who owns that state file; -1 when no state of `id` records one.
std::int64_t init_start_time(std::string_view id, const Places& places, uid_t* owner = nullptr);

// The OCI bundle directory of a running container, from the runtime's state
// (runc's or crun's state file, or containerd's task directory); empty when
// no state names one.
Text<600> bundle_of(std::string_view id, const Places& places);

// Reads the fields we use of a runc state.json or a crun status file; split
// out for unit tests.
struct RuncState {
    pid_t pid = 0;
    std::int64_t start_time = -1;
    Text<512> bundle;
    Text<256> hostname;
};
Result<RuncState> parse_runc_state(std::string_view text);

// Fills `info` from an OCI runtime config.json (process env, user, cwd,
// terminal, hostname); with `init_hostname`, the HOSTNAME its runtime added to
// the init's environment is not the environment of an exec (Podman's).
Result<void> read_oci_config(std::string_view text, ContainerInfo& info, bool init_hostname = false);

}  // namespace nskit::state
