// The security label a process runs with (AppArmor profile, SELinux
// context), set for the next exec: `docker exec` runs its process under the
// container's, and nsenter --follow-context under the target's.
//   - docker-enter takes it from the runtime's record (config.json's
//     apparmorProfile, selinuxLabel) when that module is active here;
//     pid:N and nsenter -Z read the target's /proc/PID/attr/current.
//   - The kernel takes a write to /proc/*/attr/exec only from the task
//     itself, through a descriptor it opened with the credentials it has. So
//     the process that will fork the command opens and writes it itself,
//     before it enters any namespace (whose /proc could be the container's):
//     the label is kept across fork, setns and the change of credentials,
//     and applies at the exec.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string_view>

#include "base/result.h"
#include "base/text.h"

namespace nskit {

struct ExecLabel {
    enum class Module : unsigned char { apparmor, selinux, any } module = Module::any;
    Text<512> label;  // what attr/exec takes: "exec PROFILE" for AppArmor
};

// The label of process `pid`, read through `proc_dir` (its /proc/PID, pinned
// by the caller); fails with a clear reason where no security module labels processes.
Result<ExecLabel> read_exec_label(int proc_dir, pid_t pid);

// The label of a runtime's record, when its module is active on this host
// (none is needed, and none can be set, where it is not).
std::optional<ExecLabel> exec_label_from_record(std::string_view apparmor_profile, std::string_view selinux_label);

// Makes this process's next execve run with the label.
Result<void> apply_exec_label(const ExecLabel& label);

}  // namespace nskit
