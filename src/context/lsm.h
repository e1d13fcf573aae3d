// The security label a process runs with, for nsenter --follow-context:
// read from the target's /proc/PID/attr/current and set for our exec through
// /proc/thread-self/attr/exec (what libselinux's getpidcon and setexeccon do).
#pragma once

#include "base/fd.h"
#include "base/result.h"
#include "base/text.h"
#include "ns/target.h"

namespace nskit {

struct ExecLabel {
    Text<512> label;
    Fd exec_attr;  // /proc/thread-self/attr/exec, opened before we change mount namespace
};

// Fails with a clear reason where no security module labels processes.
Result<ExecLabel> read_exec_label(const Target& target);

// Makes the next execve run with the label.
Result<void> apply_exec_label(const ExecLabel& label);

}  // namespace nskit
