#include "base/proc_status.h"

#include "base/text.h"

namespace nskit {

std::optional<std::string_view> status_field(std::string_view status, std::string_view field)
{
    while (!status.empty()) {
        std::string_view line = split_first(status, '\n');
        std::string_view name = split_first(line, ':');
        if (name == field)
            return trim(line);
    }
    return std::nullopt;
}

std::optional<std::uint32_t> effective_id(std::string_view status, std::string_view field)
{
    auto ids = status_field(status, field);
    if (!ids)
        return std::nullopt;
    std::string_view rest = *ids;
    next_word(rest);  // real
    auto effective = parse_decimal(next_word(rest), 0xffffffffu);
    if (!effective)
        return std::nullopt;
    return static_cast<std::uint32_t>(*effective);
}

}  // namespace nskit
