// Changing a directory that other programs may be running from right now.
// Nothing is ever written in place: a new file is written beside the old one
// (unnamed, O_TMPFILE, where the filesystem can; else under a temporary
// name), made executable (fchmod 0755) and durable (fsync), read back and
// compared, given a temporary name, and only then renamed over the old name,
// which the kernel does atomically. A binary that is running keeps its old
// inode, so there is no "Text file busy", and a reader sees the whole old
// file or the whole new one. Every failure removes the temporary name.
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

// Puts a file with `bytes` (mode 0755) at the entry.
// With `backup`, the file now there is first hard-linked as `backup` (in the
// same directory; refused if that exists), so the entry never goes missing.
Result<void> replace_with_file(const Entry& entry, std::string_view bytes, const char* backup = nullptr);

// Puts a symbolic link -> `target` at the entry, the same way.
Result<void> replace_with_link(const Entry& entry, const char* target, const char* backup = nullptr);

// Moves `backup` back over the entry (undoing --force).
Result<void> restore(const Entry& entry, const char* backup);

// Removes `name` from `dir`.
Result<void> remove(int dir, const char* name);

// Makes the directory's new entries durable.
Result<void> sync_directory(int dir);

// Holds the directory's lock (flock on the directory itself: no lock file to
// leave behind) while installers run at once; released when `dir` closes.
// Returns false if another installer holds it now (the caller says so, then waits).
Result<bool> try_lock(int dir);
Result<void> lock(int dir);

}  // namespace nskit::install
