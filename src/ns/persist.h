// Mounts a new namespace needs: the propagation of the new mount tree, a
// fresh /proc, and bind mounts of /proc/PID/ns/KIND that keep a namespace
// alive after its last process ("persistent namespaces").
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "base/result.h"
#include "ns/kinds.h"

namespace nskit {

// Applies `flags` (MS_REC|MS_PRIVATE etc.; 0: unchanged) to the whole tree.
Result<void> set_propagation(unsigned long flags);

// Mounts a new proc on `dir`, first making `dir` private when the tree's
// propagation was not already made private (so it cannot reach the parent).
Result<void> mount_proc(const char* dir, bool tree_is_private);

struct Persist {
    NsKind kind;
    const char* file;
};

// Before anything is created: the file exists, and for a mount namespace it
// is not on a shared mount (the kernel refuses, to prevent loops).
Result<void> check_persist_target(const Persist& persist);

// Bind-mounts /proc/PID/ns/KIND of `pid` (the *_for_children link for pid
// and time) onto each file; on failure unmounts what it mounted.
Result<void> bind_namespaces(pid_t pid, std::span<const Persist> persists);

}  // namespace nskit
