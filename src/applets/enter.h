// docker-enter's parts, shared by its three files:
//   enter.cpp         the command line and the recipe
//   enter_plan.cpp    what is read before anything changes, and the check
//                     of the command from outside before it starts
//   enter_worker.cpp  the worker, which enters and becomes the container's
//                     process, and the command it starts
//
// The processes, and why there are these (README: "Threat model"):
//   docker-enter (the relay)  stays on the host; holds the caller's terminal;
//     |                       checks the command from outside before it runs
//     `- worker               in the host's pid namespace and our cgroups: the
//        |                    container cannot see it nor hold it. It does the
//        |                    privileged steps, enters the namespaces (all but
//        |                    the pid and cgroup ones) and reads the
//        |                    container's files; a child subreaper, it waits
//        |                    for the command.
//        `- placer            still in the host's pid namespace, unseen: born
//           |                 in the container's v2 cgroup where the kernel
//           |                 lets it (clone3), it moves itself into the v1
//           |                 ones, enters the pid and cgroup namespaces,
//           |                 becomes the container's process (filters, user,
//           |                 groups, capabilities), forks the command and
//           |                 exits, a millisecond after it was born.
//           `- command        the first process the container can see, and
//                             the only one of ours in its cgroups once the
//                             placer is gone, the worker's child from then
//                             on: from its first instruction it holds the
//                             container's credentials, its own stdio and
//                             nothing of the host's, and is not dumpable. It
//                             waits until the relay has checked from outside
//                             what it holds; then it execs.
// Why the placer and not a placement from outside: context/cgroup.h.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/result.h"
#include "context/caps.h"
#include "context/cgroup.h"
#include "context/creds.h"
#include "context/env.h"
#include "context/limits.h"
#include "context/lsm.h"
#include "context/seccomp.h"
#include "ns/enter.h"
#include "ns/session.h"
#include "ns/target.h"
#include "ns/toolbox.h"
#include "runtime/find.h"
#include "runtime/record.h"

namespace nskit {

enum class EnvFrom : std::uint8_t { config, process, none, unset };

struct EnterRequest {
    const char* user = nullptr;
    const char* workdir = nullptr;
    struct EnvSetting {
        const char* text;  // -e NAME[=VALUE], or the file of --env-file
        bool file;
    };
    std::array<EnvSetting, 64> env_settings{};  // in the order given: a later one wins
    std::size_t env_count = 0;
    bool privileged = false, join_cgroup = true, verbose = false;
    EnvFrom env_from = EnvFrom::unset;
    Terminal terminal = Terminal::automatic;
    int preserve_fds = 0;  // descriptors 3 ... 2 + N go to the command
    const char* tools = nullptr;  // --tools: the toolbox directory
    FindOptions find;
    std::array<const char*, 8> state_dirs{};
    std::size_t state_dir_count = 0;
    const char* container = nullptr;
    int command = 0;  // argv index of the command, argc when none
    Text<200> docker_socket;  // docker enter: the docker CLI's endpoint (request.find.engine_socket)
    Text<512> own_data_root;  // not root: the user's own dockerd's data root, when it has one (find.places)
    bool list = false, list_json = false;  // --list [--format json]
};

// Everything read before anything changes.
struct EnterPlan {
    ContainerInfo info;
    std::string_view shown;  // its name, else its ID
    std::optional<Target> target;
    bool has_record = false;
    RuntimeRecord record;
    CapabilityState caps;
    EnvFrom env_from = EnvFrom::config;
    Environment env;  // all but HOME, which depends on the user
    NsSelection namespaces;
    Fd root;  // pid:N: the target's root (a chroot of its own), taken after its mount namespace
    CgroupJoin cgroups;  // none unless request.join_cgroup; the relay places the command there
    std::optional<Toolbox> toolbox;  // --tools: shown over the root the command gets
    std::optional<ExecLabel> label;
    SeccompFilters seccomp;
    // No record (pid:N, machined): the filters are the target's own, all of
    // them, and are installed by the command last, after no_new_privs. A
    // record's, and LXC's compiled policy, go in before our privileges change.
    bool filters_last = false;
    ProcessLimits limits;
    mode_t umask = 022;
    bool setgroups_denied = false;
    // -u: the primary gid among the supplementary groups (creds.h), unless a
    // Docker record shows an engine that left it out of the init's own.
    bool primary_in_groups = true;
    std::size_t own_filters = 0;  // ours, which every child inherits
    // Not root: the user who owns the container's user namespace, with no
    // privilege outside it (no host groups to drop, only cgroups it may write).
    bool as_owner = false;
};

// enter_list.cpp: --list, from the state files of every source (runtime/sources.h).
void print_container_list(const EnterRequest& request);

// enter_plan.cpp
Result<void> make_enter_plan(std::string_view name, const EnterRequest& request, EnterPlan& plan);
void print_enter_plan(std::string_view name, const EnterRequest& request, const EnterPlan& plan);
// From outside: the command, waiting to start, holds what the plan says
// (`status`, its /proc/PID/status), or it never starts.
Result<void> check_command(const EnterPlan& plan, std::string_view status);

// enter_plugin.cpp: `docker enter`. True when docker asked for the plugin's
// metadata (and got it).
bool answer_plugin_metadata(int argc, char** argv);
// When docker runs us as its plugin: the index of "enter" in argv, with
// docker's global flags before it read and the docker CLI's endpoint in
// `request`; else 0.
Result<int> docker_plugin_start(int argc, char** argv, EnterRequest& request);
// When docker's own completion (`docker completion bash|zsh|fish`, the CLI
// of Docker 23 and later) asks the plugin, "docker-enter __complete enter
// [WORD...] CURRENT": the index of "enter"; else 0.
int docker_plugin_completion(int argc, char** argv);

// enter_worker.cpp: runs in the worker and never returns.
[[noreturn]] void run_worker(std::string_view name, const EnterRequest& request, EnterPlan& plan, Session& session,
                             int argc, char** argv);

}  // namespace nskit
