// One question, several sources: which container is CONTAINER, and what is
// its init's pid and configured context. The engine's API answers first when
// it can; when it cannot (no socket, refused, no reply in time, an error or a
// malformed reply), the runtime's state files do. An answer from the engine
// about the container itself (no such container, ambiguous prefix) is final.
#pragma once

#include <optional>

#include "base/result.h"
#include "runtime/container.h"
#include "runtime/state.h"

namespace nskit {

struct FindOptions {
    std::optional<Source> only;  // --runtime
    int timeout_ms = 2000;
    state::Places places;
    const char* engine_socket = nullptr;  // Docker's socket as the docker CLI chose it (docker enter)
};

struct FindReport {
    bool engine_tried = false;
    bool engine_failed = false;  // it was tried and gave no answer we could use
    Error engine_error;          // why, when engine_failed
};

// "pid:N" or, with --runtime pid, "N".
Result<pid_t> parse_pid_query(std::string_view query, bool bare_number_too);

// Fills `info` (a fresh one) with what the source that answered knows.
Result<void> find_container(std::string_view query, const FindOptions& options, FindReport& report,
                            ContainerInfo& info);

}  // namespace nskit
