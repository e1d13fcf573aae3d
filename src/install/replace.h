// Changing a directory that other programs may be running from right now.
// Nothing is ever written in place: a new file is written under a temporary
// name beside the old one, made durable (fsync) and executable (fchmod 0755),
// read back and compared, and only then renamed over the old name, which the
// kernel does atomically. A binary that is running keeps its old inode, so
// there is no "Text file busy", and a reader sees the whole old file or the
// whole new one. Every failure removes the temporary file before returning.
#pragma once

#include <string_view>

#include "base/result.h"

namespace nskit::install {

// Puts a file with `bytes` (mode 0755) at `name` in `dir`.
// With `backup`, the file now at `name` is first hard-linked as `backup`
// (refused if that exists), so `name` never goes missing.
Result<void> replace_with_file(int dir, const char* name, std::string_view bytes, const char* backup = nullptr);

// Puts a symbolic link `name` -> `target` in `dir`, the same way.
Result<void> replace_with_link(int dir, const char* name, const char* target, const char* backup = nullptr);

// Moves `from` back to `to` (a backup over the entry that replaced it).
Result<void> restore(int dir, const char* from, const char* to);

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
