// An LXC container's configuration, LXCPATH/NAME/config, read as liblxc
// reads it (src/lxc/confile.c, parse.c), for the settings lxc-attach takes
// from it for a command: its environment, its seccomp policy and
// no_new_privs. Root's files on the host, each checked as runtime/host_file.h
// says; never the container's.
//
//   - Lines end at '\n' or '\r' (a NUL ends the file). Blanks (spaces, tabs)
//     around the key and the value are dropped, and a value in matching
//     quotes ("..." or '...') loses them. A line whose first non-blank is '#'
//     is a comment; one that does not start with "lxc." is no setting (liblxc
//     ignores it); an "lxc." line without '=' is refused, as liblxc refuses
//     the file. Keys are matched whole; others are not read here.
//   - lxc.include = PATH reads PATH there and then, so that the last setting
//     wins across files as within one. A directory (or a PATH ending in '/')
//     has its files named *.conf (more than ".conf") read in the directory's
//     own order, readdir's, unsorted as liblxc reads them; a directory that
//     does not exist is nothing, a file that does not exist is an error.
//     liblxc sets no bound; 16 nested includes here, past which it is a loop.
//   - lxc.environment = NAME=value adds to the environment, and an empty
//     value clears what came before. NAME alone (liblxc copies it from the
//     environment of the process that reads the file, lxc-attach's caller)
//     adds nothing here: none of the caller's environment goes in. LXC 7's
//     lxc.environment.runtime likewise, after them.
//   - lxc.seccomp.profile = PATH: the last one counts; empty clears it.
//   - lxc.no_new_privs = 0 or 1 (empty: 0).
// Relative paths (which liblxc takes from its working directory) are refused.
#pragma once

#include "base/buffer.h"
#include "base/result.h"
#include "base/text.h"

namespace nskit {

struct LxcConfig {
    Buffer environment;          // NUL-separated NAME=value, in order
    Text<4096> seccomp_profile;  // empty when none
    bool no_new_privs = false;
};

inline constexpr int lxc_include_depth = 16;

// Reads the configuration file at `path` (absolute) and what it includes into `config`.
Result<void> read_lxc_config(const char* path, LxcConfig& config);

}  // namespace nskit
