// Who names the running containers of this host, and by what name, without
// asking any daemon. The runtimes' state (runtime/state.h) records every OCI
// container once or more; each source recognises its own containers among
// those records and names them as its users know them. Sources that run
// containers outside the OCI runtimes list them themselves. One file each,
// in runtime/sources/:
//   docker    Docker's data root: <data-root>/containers/ID/config.v2.json
//   podman    containers/storage's containers.json (rootful and rootless)
//   k8s       the CRI's annotations in the bundle's config.json, as
//             containerd and CRI-O write them: NAMESPACE/POD/CONTAINER
//   nerdctl   the nerdctl/name annotation
//   lxc       LXC's monitor cgroups: lxc.monitor.NAME, and the monitor's child
//   machine   systemd-machined's /run/systemd/machines/NAME (systemd-nspawn)
// The last two keep no OCI record: what their containers get is their
// init's own context, as lxc-attach and machinectl give it, but for what
// LXC's configuration says itself (the environment, the seccomp filter).
// A container is named SOURCE:NAME, or NAME alone when only one source has
// that name. Adding a source is its file and a line in sources.cpp.
#pragma once

#include <fcntl.h>
#include <sys/types.h>

#include <array>
#include <cstdint>
#include <string_view>

#include "base/buffer.h"
#include "base/function_ref.h"
#include "base/result.h"
#include "base/text.h"
#include "runtime/container.h"
#include "base/json.h"
#include "runtime/state.h"

namespace nskit::sources {

// One running container as a source names it.
struct Source;
struct Named {
    const Source* by = nullptr;  // the source that named it; null when none did
    std::string_view source;  // the source's prefix, or the runtime whose record it is when no source named it
    Text<256> name;           // as the source writes it (k8s: NAMESPACE/POD/CONTAINER); empty when none
    Text<72> id;
    pid_t pid = 0;            // the init's, as recorded; 0 when unreadable
    std::int64_t start_time = -1;  // the init's, from a source that keeps no OCI record
    pid_t monitor = 0;             // its runtime's process that watches it (LXC's monitor), when known
    Text<256> image;          // empty when unknown
    const char* refused = nullptr;  // why it must not be entered (a sandboxed runtime)
    bool sandbox = false;           // a pod's sandbox (pause): nothing to enter or list
};

// One walk of the runtimes' state (for_each): where it looks, and what its
// sources read once for all the records they name.
struct Walk {
    const state::Places& places;
    // Podman: each containers/storage's containers.json, read and parsed
    // once (a host has one or two: root's, a rootless user's).
    struct PodmanStorage {
        Text<600> path;
        Buffer text;
        json::Value doc;  // absent when it could not be read
    };
    std::array<PodmanStorage, 4> podman_storages;
    std::size_t podman_storage_count = 0;
};

struct Source {
    std::string_view prefix;  // "docker": its containers are docker:NAME
    // Names the container of one runtime state record when it is this
    // source's; false, and `named` untouched, when it is not.
    bool (*name)(const state::StateEntry& entry, Walk& walk, Named& named) = nullptr;
    // Visits the running containers this source keeps outside the OCI
    // runtimes' state, each with its name, init and the init's start time;
    // null for the sources that name OCI containers.
    void (*list)(FunctionRef<bool(Named&)> visit) = nullptr;
    // Reads what the runtime's own configuration says an exec gets, for
    // those sources: the environment beyond the defaults (NUL-separated
    // "NAME=value" into info.env) and the seccomp filter
    // (info.runtime_seccomp); null for none.
    Result<void> (*read_config)(const Named& named, ContainerInfo& info) = nullptr;
    // k8s:NAMESPACE/POD may leave out /CONTAINER when the pod has one.
    bool last_part_optional = false;
    // The HOSTNAME in config.json's environment is the init's, not an exec's:
    // Podman adds it as it starts a container, and podman exec leaves it out.
    bool init_hostname = false;
};

// Every running container once, named by the first source that knows it.
// False from visit stops.
void for_each(const state::Places& places, FunctionRef<bool(const Named&)> visit);

// The container `query` names: "SOURCE:NAME" in that source only, or NAME in
// every source. Its `by` is null when nothing has that name; two containers
// with it (in two sources, or a pod's two containers) are an error that lists
// them as SOURCE:NAME.
Result<Named> find(std::string_view query, const state::Places& places);

// The source a query's prefix names ("k8s:default/web"), or null.
const Source* prefixed(std::string_view query);

// The name and image Docker's data root records for container `id`, running
// or stopped; false when it has no record of it (sources/docker.cpp).
bool docker_record(std::string_view id, const state::Places& places, Named& named);

// The start time of process `pid` (/proc/PID/stat), -1 when it is gone.
inline std::int64_t start_time_of(pid_t pid)
{
    return process_start_time(AT_FDCWD, Text<32>("/proc/", pid, "/stat").c_str());
}

}  // namespace nskit::sources
