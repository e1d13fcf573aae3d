// Terminals. The entered command gets a pty of its own, never the caller's
// terminal (from which a container could push keystrokes into the caller's
// shell with TIOCSTI). Like `docker exec -t`, the pty comes from the entered
// root's own devpts, so `tty` inside names a /dev/pts/N of the container.
// The caller's terminal is put in raw mode while the relay runs (every key,
// ^C included, goes to the command's pty) and restored on every way out.
#pragma once

#include <termios.h>

#include "base/fd.h"
#include "base/result.h"
#include "context/in_root.h"

namespace nskit {

struct Pty {
    Fd master, slave;
};

// /dev/pts/ptmx inside the root (context/in_root.h): it must be the ptmx
// device (5:2) on a devpts file system before it is opened. The slave is
// opened without a path (TIOCGPTPEER, Linux 4.13+; before it, by number in
// that same devpts).
Result<Pty> open_pty_in_root(const ContainerRoot& where);

// The caller's terminal on `fd` in raw mode until restore() (or destruction).
class RawMode {
public:
    RawMode() = default;
    RawMode(const RawMode&) = delete;
    RawMode& operator=(const RawMode&) = delete;
    ~RawMode() { restore(); }
    Result<void> enter(int fd);
    void restore();

private:
    int fd_ = -1;
    struct termios saved_ {};
};

// The window size of the terminal on `from`, given to the pty `to`.
void copy_window_size(int from, int to);

}  // namespace nskit
