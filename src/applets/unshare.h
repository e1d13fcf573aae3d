// unshare's plan: what the command line asks for, parsed and checked
// before anything is created (src/applets/unshare_options.cpp), then carried
// out step by step (src/applets/unshare.cpp).
#pragma once

#include <sys/mount.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>

#include "base/options.h"
#include "base/result.h"
#include "ns/idmap.h"
#include "ns/kinds.h"
#include "ns/persist.h"

namespace nskit {

struct UnsharePlan {
    int clone_flags = 0;
    Persist persists[namespace_kinds.size()]{};
    std::size_t persist_count = 0;
    bool fork = false;
    int kill_signal = 0;
    bool forward_signals = false;
    const char* proc_dir = nullptr;
    unsigned long propagation = MS_REC | MS_PRIVATE;  // util-linux's default
    Setgroups setgroups = Setgroups::unchanged;
    // Per IdKind (user, group): the inside id the caller's effective uid or
    // gid becomes (-r, -c, --map-user/group), and the ranges of
    // --map-users/groups; before unshare(2), `maps` becomes the whole map.
    std::optional<std::uint32_t> map_to[2];
    IdMap maps[2];
    bool map_by_helper[2] = {};  // set by run(): see plan_maps()
    bool keep_caps = false;
    const char* root = nullptr;
    const char* wd = nullptr;
    std::optional<uid_t> setuid;
    std::optional<gid_t> setgid;
    std::optional<std::int64_t> monotonic, boottime;
    std::optional<uid_t> owner_uid;
    std::optional<gid_t> owner_gid;
    std::uint32_t caller_ids[2] = {};  // effective uid and gid before anything changed them
    char** program = nullptr;  // null: the user's shell
};

enum class Parsed { run, help, version };

// Fills `plan` from argv; an Error for a bad value or a bad combination.
// `bad_usage` is set when the command line itself could not be read.
Result<Parsed> parse_unshare_options(UnsharePlan& plan, int argc, char** argv, bool& bad_usage);

extern const Usage unshare_usage;

}  // namespace nskit
