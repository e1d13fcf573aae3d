// Running from a private copy of nskit. A process that enters a container is
// visible there, and /proc/PID/exe of a visible process is a handle on the
// file it runs: the host's nskit, which a hostile container can keep and
// rewrite once nothing runs it any more (CVE-2019-5736), and which the next
// administrator then runs as root. So docker-enter first re-executes itself
// from a copy that no one can write, the way runc and crun do:
//   1. a sealed in-memory file (memfd, Linux 3.17+): its seals forbid any
//      write, growth or shrinking, for good;
//   2. where executing one is forbidden (vm.memfd_noexec = 2), a read-only
//      detached clone of the mount that holds the binary (open_tree and
//      mount_setattr, Linux 5.12+): in no mount table, read-only for good;
//   3. else an unlinked copy beside the binary, in /dev/shm or /tmp: nobody
//      else runs it, and while we do the kernel refuses writes to it.
// The price is one more execve (about 0.5 ms; make bench shows it).
#pragma once

#include "base/result.h"

namespace nskit {

// Returns at once when this process already runs from such a copy;
// otherwise re-executes it there with the same argv and envp, and returns
// only when no copy could be made or run.
Result<void> run_from_private_copy(char* const argv[], char* const envp[]);

}  // namespace nskit
