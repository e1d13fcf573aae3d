// Reading a directory without opendir's allocation: getdents64 into a buffer
// on the stack, one visit per entry ("." and ".." left out).
#pragma once

#include <dirent.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "base/sys.h"

namespace nskit {

struct DirEntry {
    std::string_view name;  // NUL-terminated in the buffer: name.data() is a C string
    unsigned char type;     // DT_DIR, DT_REG, ... or DT_UNKNOWN
};

// Calls visit(entry) for each entry of the open directory `dir`; stops early
// when visit returns false.
template <class Visit>
Result<void> for_each_entry(int dir, Visit visit)
{
    alignas(8) char buffer[4096];
    for (;;) {
        std::size_t n = TRY(sys::getdents(dir, buffer, sizeof buffer));
        if (n == 0)
            return {};
        for (std::size_t at = 0; at + 19 < n;) {
            std::uint16_t length;
            std::memcpy(&length, buffer + at + 16, sizeof length);  // d_reclen
            if (length == 0 || at + length > n)
                return {};
            DirEntry entry{std::string_view(buffer + at + 19), static_cast<unsigned char>(buffer[at + 18])};
            at += length;
            if (entry.name == "." || entry.name == "..")
                continue;
            if (!visit(entry))
                return {};
        }
    }
}

}  // namespace nskit
