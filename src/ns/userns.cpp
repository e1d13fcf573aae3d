#include "ns/userns.h"

#include "base/text.h"

namespace nskit {

std::optional<std::uint32_t> id_inside(std::string_view map, std::uint32_t outside)
{
    while (!map.empty()) {
        std::string_view line = split_first(map, '\n');
        auto inside_start = parse_decimal(next_word(line), 0xffffffffu);
        auto outside_start = parse_decimal(next_word(line), 0xffffffffu);
        auto count = parse_decimal(next_word(line), 0xffffffffu);
        if (!inside_start || !outside_start || !count)
            continue;
        if (outside >= *outside_start && outside - *outside_start < *count)
            return static_cast<std::uint32_t>(*inside_start + (outside - *outside_start));
    }
    return std::nullopt;
}

}  // namespace nskit
