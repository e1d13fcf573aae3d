#include "base/text.h"

namespace nskit {

void append_text(char* data, std::size_t capacity, std::size_t& size, bool& truncated, std::string_view piece)
{
    std::size_t room = capacity - 1 - size;
    if (piece.size() > room) {
        piece = piece.substr(0, room);
        truncated = true;
    }
    for (char c : piece)
        data[size++] = c;
    data[size] = '\0';
}

char* format_decimal(unsigned long long magnitude, bool negative, char (&digits)[24])
{
    char* first = digits + sizeof digits;
    do {
        *--first = static_cast<char>('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude);
    if (negative)
        *--first = '-';
    return first;
}

std::optional<std::uint64_t> parse_decimal(std::string_view s, std::uint64_t max)
{
    if (s.empty() || s.size() > 20)
        return std::nullopt;
    std::uint64_t value = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return std::nullopt;
        unsigned digit = static_cast<unsigned>(c - '0');
        if (digit > max || value > (max - digit) / 10)
            return std::nullopt;
        value = value * 10 + digit;
    }
    return value;
}

std::optional<std::uint64_t> parse_hex(std::string_view s)
{
    if (s.empty() || s.size() > 16)
        return std::nullopt;
    std::uint64_t value = 0;
    for (char c : s) {
        unsigned digit;
        if (c >= '0' && c <= '9')
            digit = static_cast<unsigned>(c - '0');
        else if (c >= 'a' && c <= 'f')
            digit = static_cast<unsigned>(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            digit = static_cast<unsigned>(c - 'A' + 10);
        else
            return std::nullopt;
        value = value << 4 | digit;
    }
    return value;
}

std::string_view split_first(std::string_view& s, char sep)
{
    auto at = s.find(sep);
    std::string_view head = s.substr(0, at);
    s = at == std::string_view::npos ? std::string_view() : s.substr(at + 1);
    return head;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

std::string_view next_word(std::string_view& s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    std::size_t n = 0;
    while (n < s.size() && s[n] != ' ' && s[n] != '\t')
        ++n;
    std::string_view word = s.substr(0, n);
    s.remove_prefix(n);
    return word;
}

int word_index(std::string_view word, std::string_view words)
{
    for (int i = 0; !words.empty(); ++i)
        if (split_first(words, ' ') == word)
            return i;
    return -1;
}

std::string_view base_name(std::string_view path)
{
    while (path.size() > 1 && path.back() == '/')
        path.remove_suffix(1);
    auto slash = path.rfind('/');
    return slash == std::string_view::npos || path.size() == 1 ? path : path.substr(slash + 1);
}

}  // namespace nskit
