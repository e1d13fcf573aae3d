// Changing a directory that other programs may be running from right now.
// Nothing is ever written in place: a new file is written beside the old one
// under a temporary name, made executable (fchmod 0755) and durable (fsync),
// read back and compared, and only then renamed over the old name,
// which the kernel does atomically. A binary that is running keeps its old
// inode, so there is no "Text file busy", and a reader sees the whole old
// file or the whole new one. Every failure removes the temporary name; a
// SIGKILL between naming and renaming leaves it, for the next run to remove.
#pragma once

#include <string_view>

#include "base/result.h"

namespace nskit::install {

// One entry of the install directory: the name system calls use (relative
// to `dir`), and the path messages show.
struct Entry {
    int dir;
    const char* name;
    const char* shown;
};

// Puts a new entry at `entry`: a file with `bytes` (mode 0755), or, given
// `link`, a symbolic link -> link. With `backup`, the file now there is first
// hard-linked as `backup` (in the same directory; see backup_needed), so the
// entry never goes missing.
Result<void> replace(const Entry& entry, std::string_view bytes, const char* link, const char* backup = nullptr);

// Moves `backup` back over the entry (undoing --force).
Result<void> restore(const Entry& entry, const char* backup);

// Removes the entry.
Result<void> remove(const Entry& entry);

// Whether --force must link the entry as `backup`: true when that name is
// free, false when it already is this very file (a --force killed before its
// rename left it); an error when it holds something else.
Result<bool> backup_needed(const Entry& entry, const char* backup);

// Makes the directory's new entries durable.
Result<void> sync_directory(int dir);

// Removes the ".NAME.nskit-new.*" files an installer killed between creating
// and renaming them left behind, saying so. Only under the directory's lock
// (flock on the directory itself), where no other installer is at work.
void remove_stale_temporaries(int dir, std::string_view program);

}  // namespace nskit::install
