// Ids seen across a user namespace boundary. /proc/PID/status shows a
// process's ids as the reader's user namespace sees them, and
// /proc/PID/uid_map pairs "inside outside count" from the reader's view too:
// together they give the id to use after entering the target's namespace.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "base/proc_status.h"

namespace nskit {

// The inside id that `outside` maps to in a uid_map or gid_map text.
std::optional<std::uint32_t> id_inside(std::string_view map, std::uint32_t outside);

}  // namespace nskit
