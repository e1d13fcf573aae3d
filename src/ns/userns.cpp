#include "ns/userns.h"

#include "base/text.h"

namespace nskit {

namespace {
std::string_view next_word(std::string_view& s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    std::size_t end = 0;
    while (end < s.size() && s[end] != ' ' && s[end] != '\t')
        ++end;
    std::string_view word = s.substr(0, end);
    s.remove_prefix(end);
    return word;
}
}  // namespace

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
