// The runtime's own record of a running container: the OCI config.json it
// was started from (runtime/oci.h) and the runtime's process that watches
// it. Both are the host's, written before the container ran a single
// instruction, so they, and not what the container's processes show, say
// what an entered process may hold. Found from the container's ID alone:
//   1. the init's parent, when it is the runtime's monitor of this very
//      container: a containerd shim ("-id ID"; its working directory is the
//      bundle) or Podman's conmon ("-c ID", "-b BUNDLE");
//   2. else the runtime's state by ID (runc's state.json and crun's status
//      name the bundle; containerd's task directory is one).
// A config.json is used only when it belongs to root (or to us, or to the
// owner of a rootless container's user namespace) and nobody else may write
// it or its directory (runtime/host_file.h). A rootless container's record
// is its owner's word: README's threat model says what of it is taken.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>

#include "base/json.h"
#include "base/result.h"
#include "base/text.h"
#include "context/limits.h"
#include "context/seccomp.h"
#include "ns/target.h"
#include "runtime/container.h"
#include "runtime/oci.h"
#include "runtime/state.h"

namespace nskit {

struct RuntimeRecord {
    Text<600> config_path;  // for -v
    OciProcess process;
    seccomp::Program seccomp;  // linux.seccomp, compiled; none when it has no filter
    // The init's parent: what the container inherited from the runtime's own
    // process tree (its seccomp filters, read from it), and what an exec'd
    // process inherits where config.json sets nothing (resource limits, OOM
    // score, umask).
    pid_t monitor = 0;
    // A rootless container's: the user who owns its user namespace wrote it,
    // or named it, and it may say anything that user could say.
    bool owners_word = false;
    SeccompFilters monitor_filters;
    ProcessLimits monitor_limits;
    std::optional<mode_t> monitor_umask;
};

// False when no record was found (the caller says so and falls back to the
// init's own context); an error when one was found but cannot be trusted or
// read. `rootless_owner`: who owns the container's user namespace when that
// is not root (0 otherwise), whose record it may be.
Result<bool> find_runtime_record(const ContainerInfo& info, const Target& init, std::string_view init_status,
                                 const state::Places& places, uid_t rootless_owner, RuntimeRecord& record);

// linux.seccomp of config.json (`config`, read from `path`), compiled for
// this machine; split out for unit tests. A refusal says why whole, and
// names the file (cut in the middle where it is too long to fit).
Result<seccomp::Program> compile_seccomp(json::Value config, std::string_view path);

// "PPid:" and "Umask:" of a /proc/PID/status text; split out for unit tests.
std::optional<pid_t> parent_pid(std::string_view status);
std::optional<mode_t> status_umask(std::string_view status);

// Where a monitor's command line says its container's bundle is: "" for a
// containerd shim (its working directory), the -b/--bundle value for conmon;
// nullopt when it does not name container `id`. `cmdline` is NUL-separated.
std::optional<std::string_view> monitor_bundle(std::string_view cmdline, std::string_view id);

}  // namespace nskit
