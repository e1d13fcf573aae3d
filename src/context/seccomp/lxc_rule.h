// The words of one line of LXC's seccomp policy (lxc_policy.h) as liblxc's C
// string functions read them: numbers as sscanf(3) and strtoull(3) take
// them, an action by its first letters, a rule's [...] arguments.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "base/result.h"
#include "context/seccomp/profile.h"

namespace nskit::seccomp::lxc {

// isspace(3) in the C locale, which sscanf and liblxc skip before a number.
bool c_space(char c);

// A signed number as sscanf's %d (`any_base` false) or %i (true: 0x... and
// 0... too) reads it: blanks, a sign, digits; consumed. nullopt without
// digits or past 2^31-1.
std::optional<std::int64_t> scan_int(std::string_view& text, bool any_base);

// An action after blanks, known by its first letters (liblxc's
// get_v2_default_action): kill, errno N, allow, trap; notify is refused.
// nullopt when nothing is left.
Result<std::optional<std::uint32_t>> action_word(std::string_view text);

// A rule's action, after the first space of its line (get_v2_action):
// `otherwise` when none is written or a '#' follows.
Result<std::uint32_t> rule_action(std::string_view line, std::uint32_t otherwise);

struct Arguments {
    Condition conditions[6];
    std::uint32_t count = 0;
};

// A rule line's arguments: the line split at each ']', liblxc's strtok_r, every
// piece read from its '[' (all of the first six, and nothing of the others).
Result<Arguments> read_arguments(std::string_view line);

}  // namespace nskit::seccomp::lxc
