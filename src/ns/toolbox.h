// --tools: a directory of static tools from the host, seen inside an entered
// mount namespace at /.nskit/tools, without changing that namespace or the
// container's files (README: "A container without a shell").
//
// The view is built in a private copy of the entered mount namespace, which
// the kernel takes down with the last process in it:
//   /                a new tmpfs, read-only, stacked over the old root
//   /NAME            for each entry of the old root: a recursive clone of
//                    it (its submounts too), or the same symlink
//   /.nskit/tools    a clone of the toolbox, read-only, nosuid, nodev
#pragma once

#include "base/fd.h"
#include "base/result.h"
#include "context/env.h"

namespace nskit {

// Where `nskit:tools` installs the toolbox (docker run --rm -v
// /usr/local/lib/nskit:/target nskit:tools), and where the command finds it.
inline constexpr const char* default_toolbox = "/usr/local/lib/nskit/tools";
inline constexpr const char* toolbox_path = "/.nskit/tools";
inline constexpr const char* toolbox_shell = "/.nskit/tools/sh";

class Toolbox {
public:
    // On the host, before entering anything: checks that every program in
    // `dir` can run in any root (a static ELF, or a script whose interpreter
    // is in the toolbox; links stay inside it), then takes a detached clone
    // of it (open_tree: Linux 5.2 or later).
    static Result<Toolbox> open(const char* dir);

    // In the entered mount namespace, holding CAP_SYS_ADMIN in its owner:
    // makes the private copy, builds the view over `old_root` (a directory
    // of that namespace, usually its "/") and chroots into it. The cwd is
    // then its "/".
    Result<void> show_over(int root_before);

private:
    Fd tree_;
};

// The command finds the toolbox's programs after its own: PATH gets
// :/.nskit/tools at its end (or is /.nskit/tools).
Result<void> add_toolbox_to_path(Environment& env);

}  // namespace nskit
