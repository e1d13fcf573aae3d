// Reading a directory without opendir's allocation: getdents64 into a buffer
// on the stack, one visit per entry ("." and ".." left out).
#pragma once

#include <dirent.h>

#include <string_view>

#include "base/function_ref.h"
#include "base/result.h"

namespace nskit {

struct DirEntry {
    std::string_view name;  // NUL-terminated in the buffer: name.data() is a C string
    unsigned char type;     // DT_DIR, DT_REG, ... or DT_UNKNOWN
};

// Calls visit(entry) for each entry of the open directory `dir`; stops early
// when visit returns false.
Result<void> for_each_entry(int dir, FunctionRef<bool(const DirEntry&)> visit);

}  // namespace nskit
