// What docker-enter needs to know about a container, whichever source told
// it: the engine API, Podman's API, the runtime's state files, or a bare pid.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string_view>

#include "base/buffer.h"
#include "base/text.h"
#include "base/json.h"
#include "context/seccomp/compile.h"

namespace nskit {

enum class Source : std::uint8_t { engine, podman, state, pid };

// The seccomp filter a runtime that keeps no OCI record says itself its
// containers' processes get (LXC: lxc.seccomp.profile, compiled as liblxc
// builds it, and lxc.no_new_privs; runtime/sources/lxc.cpp). When given, the
// init's own filters are never read: a container can trace its init, and can
// add filters to it.
struct RuntimeSeccomp {
    bool given = false;
    seccomp::Program program;  // no instructions when the configuration names no policy
    bool no_new_privs = false;
    pid_t monitor = 0;         // the runtime's process whose filters come first, as the init's do
    Text<300> policy_path;     // for -v; empty when none
};

struct ContainerInfo {
    Source source = Source::pid;
    Text<80> id;
    Text<256> name;  // without the leading '/'
    pid_t pid = 0;
    bool running = false;
    bool paused = false;
    // The configured process context ("Config" of docker inspect).
    Buffer env;          // NUL-separated "NAME=value"
    Text<256> user;      // "", "name", "uid", "name:group", "uid:gid"
    Text<256> group_add; // docker run --group-add: names or numbers, comma-separated
    Text<1024> workdir;  // "" for the image's default, "/"
    Text<256> hostname;
    bool tty = false;
    bool privileged = false;
    // Its runtime keeps no OCI record (LXC, machined): its init's context is the container's,
    bool context_from_init = false;
    // but for its seccomp filter when the runtime's configuration says it (LXC).
    RuntimeSeccomp runtime_seccomp;
    // Where it was found: "the engine API at /var/run/docker.sock", a state file.
    Text<300> found_at;
    // The init's start time in clock ticks since boot (/proc/PID/stat field
    // 22) when the source recorded it: guards against a reused pid.
    std::int64_t start_time = -1;
    // Who owns the runtime state file that named its init (a state source):
    // root, or a rootless user whose own containers alone it may name.
    uid_t state_owner = 0;
};

// Reasons that say the container question itself was answered (no point in
// asking another source), compared by address.
extern const char no_such_container[];
extern const char ambiguous_prefix[];
extern const char not_running[];

// Fills `info` from Docker's JSON for a container: an inspect reply or a
// config.v2.json, which share "Config", "State" and "Name" ("Id" or "ID").
void read_docker_container_json(json::Value doc, ContainerInfo& info);

// Appends the strings of a JSON array to `into`, NUL-separated ("Env" of a
// Docker or an OCI config), leaving out any that hold a NUL or begin with `leave_out`.
void append_env_entries(json::Value list, Buffer& into, std::string_view leave_out = {});

// The parts of "HostConfig" (or Docker's hostconfig.json) we use.
void read_docker_host_config(json::Value host_config, ContainerInfo& info);

// Reads the start time in a process's stat file: "stat" in `proc_dir` (its
// /proc/PID), or "/proc/PID/stat" with AT_FDCWD; -1 when it is gone.
std::int64_t process_start_time(int proc_dir, const char* stat = "stat");

}  // namespace nskit
