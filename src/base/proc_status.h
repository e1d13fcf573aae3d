// Reading the text of /proc/PID/status ("Name:\tvalue" lines), which
// processes' ids, capabilities, filters and parents are read from.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace nskit {

// The value of "Field:" in /proc/PID/status text (without the tab).
std::optional<std::string_view> status_field(std::string_view status, std::string_view field);

// The effective id from a /proc/PID/status line "Uid:\treal\teffective\tsaved\tfs".
std::optional<std::uint32_t> effective_id(std::string_view status, std::string_view field);

}  // namespace nskit
