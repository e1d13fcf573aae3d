// What json.cpp's parser and its value access share: the characters of
// JSON's grammar, and where a value's text ends. Not for other users.
#pragma once

#include <cstddef>
#include <string_view>

namespace nskit::json::detail {

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

inline std::size_t skip_space(std::string_view s, std::size_t i)
{
    while (i < s.size() && is_space(s[i]))
        ++i;
    return i;
}

inline int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// The end of the value starting at s[i], in text already validated.
std::size_t value_end(std::string_view s, std::size_t i);

}  // namespace nskit::json::detail
