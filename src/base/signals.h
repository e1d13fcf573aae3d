// Signal names as kill(1) and util-linux take them: "KILL", "SIGKILL",
// "sigterm", "RTMIN+2"; no numbers (util-linux's unshare refuses them too).
#pragma once

#include <optional>
#include <string_view>

namespace nskit {

std::optional<int> parse_signal_name(std::string_view name);

}  // namespace nskit
