// Files of the host's that say what an entered process may hold: a runtime's
// record (an OCI bundle's config.json) or configuration (LXC's, and the
// seccomp policy it names). They are read only when root, or we, wrote them
// and nobody else may change them; the container's own files never decide.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string_view>

#include "base/buffer.h"
#include "base/fd.h"
#include "base/result.h"

namespace nskit {

// It belongs to root (or to us, or to `also` when not 0: a rootless
// container's owner), and nobody else may write it: not others, and not its
// group unless that is root's (LXC makes each container's directory 0770 root:root).
Result<void> check_owner(int fd, std::string_view what, uid_t also = 0);

// The directory `path` names, opened to be listed or searched and checked as above.
Result<Fd> open_host_directory(const char* path);

// `name` in the checked directory `dir`: a regular file, checked as above,
// read up to `limit` bytes; `shown` is its path in messages.
Result<Buffer> read_host_file(int dir, const char* name, std::size_t limit, std::string_view shown);

// An absolute `path`: the directory that holds it checked, then the file, read as above.
Result<Buffer> read_host_file(std::string_view path, std::size_t limit);

}  // namespace nskit
