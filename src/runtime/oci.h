// What an OCI runtime configuration (the bundle's config.json) says about the
// privilege of the container's processes: the part of the runtime's record
// that `runc exec` applies to an exec'd process, and so the part docker-enter
// takes from it rather than from what the container's processes show.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "base/json.h"
#include "base/result.h"
#include "base/text.h"
#include "context/caps.h"
#include "context/limits.h"

namespace nskit {

struct OciProcess {
    CapabilityState caps;         // process.capabilities (names), process.noNewPrivileges
    bool has_capabilities = false;
    uid_t uid = 0;                // process.user
    gid_t gid = 0;
    std::array<gid_t, 64> additional_gids{};
    std::size_t additional_gid_count = 0;
    std::optional<mode_t> umask;
    std::array<std::optional<sys::Limit>, limit_count> rlimits;  // process.rlimits, by RLIMIT_* number
    std::optional<int> oom_score_adj;
    Text<256> apparmor_profile;   // process.apparmorProfile
    Text<512> selinux_label;      // process.selinuxLabel

    std::span<const gid_t> additional() const { return {additional_gids.data(), additional_gid_count}; }
};

// Refuses what it cannot read faithfully (a capability list that is not a
// list of strings, an out-of-range id or limit): a record that is only half
// understood must not half-apply.
Result<OciProcess> parse_oci_process(json::Value config);
Result<OciProcess> parse_oci_process(std::string_view config_json);

// "CAP_NET_ADMIN" -> 12; nullopt for a name this table does not know.
std::optional<int> capability_number(std::string_view name);

}  // namespace nskit
