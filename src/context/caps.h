// Capabilities as a process inside the container carries them: the five sets
// and no_new_privs of the container's init, read from /proc/PID/status, and
// the one ordered sequence that gives them, with a user, to our process just
// before it execs the command. The sequence ends by reading back what the
// kernel now holds: a mismatch is an error, so the caller never execs with
// more than was read.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "base/result.h"
#include "context/creds.h"

namespace nskit {

struct CapabilityState {
    std::uint64_t bounding = 0, permitted = 0, effective = 0, inheritable = 0, ambient = 0;
    bool no_new_privs = false;
    bool operator==(const CapabilityState&) const = default;
};

// From the text of /proc/PID/status (CapInh, CapPrm, CapEff, CapBnd, CapAmb, NoNewPrivs).
std::optional<CapabilityState> parse_capability_status(std::string_view status);

// docker exec --privileged: every capability we hold ourselves (`ours`, all
// the kernel knows when we are unconfined root) in bounding, permitted and
// effective, keeping the container's no_new_privs.
CapabilityState full_capabilities(const CapabilityState& container, const CapabilityState& ours);

// What our own process holds now, asked of the kernel (no /proc needed).
Result<CapabilityState> current_capabilities();

// `caps` without the capabilities this kernel does not know: what become()
// gives, and so what a check from outside expects to see.
CapabilityState known_capabilities(const CapabilityState& caps);

// Becomes `creds` holding exactly `caps`:
//   1. drop from the bounding set what `caps` lacks (needs CAP_SETPCAP, so first);
//   2. keep the permitted set across the change of uid (PR_SET_KEEPCAPS);
//   3. supplementary groups, gid, uid;
//   4. capset the effective, permitted and inheritable sets;
//   5. the ambient set (each one needs it permitted and inheritable);
//   6. no_new_privs when the init has it;
//   7. read everything back and compare.
Result<void> become(const Credentials& creds, const CapabilityState& caps);

// A set as /proc/PID/status shows it, 16 hex digits, for -v (`capsh --decode` names them).
Text<24> capability_mask(std::uint64_t set);

}  // namespace nskit
