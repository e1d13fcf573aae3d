#include "base/dir.h"

#include <cstdint>
#include <cstring>

#include "base/sys.h"

namespace nskit {

Result<void> for_each_entry(int dir, FunctionRef<bool(const DirEntry&)> visit)
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
