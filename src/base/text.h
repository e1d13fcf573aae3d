// Small text helpers for a program without a C++ runtime library: a
// fixed-capacity string builder and number parsing that rejects what strtol
// would quietly accept ("12abc", " 7", overflow).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>

namespace nskit {

// The decimal digits of a number, written backwards into the end of `digits`;
// returns where they start.
char* format_decimal(unsigned long long magnitude, bool negative, char (&digits)[24]);

// Appends `piece` to the `size` characters of `data` (which holds `capacity`
// with its NUL), cutting what does not fit and saying so in `truncated`.
void append_text(char* data, std::size_t capacity, std::size_t& size, bool& truncated, std::string_view piece);

// A NUL-terminated string in a fixed buffer; appends past the end are cut
// (and truncated() says so).
template <std::size_t N>
class Text {
public:
    Text() { data_[0] = '\0'; }
    template <class... Parts>
    explicit Text(const Parts&... parts)
    {
        data_[0] = '\0';
        append(parts...);
    }

    template <class... Parts>
    Text& append(const Parts&... parts)
    {
        (append_one(parts), ...);
        return *this;
    }

    const char* c_str() const { return data_; }
    std::string_view view() const { return {data_, size_}; }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    bool truncated() const { return truncated_; }
    void clear()
    {
        size_ = 0;
        truncated_ = false;
        data_[0] = '\0';
    }

private:
    void append_one(std::string_view piece) { append_text(data_, N, size_, truncated_, piece); }
    void append_one(const char* s) { append_one(std::string_view(s ? s : "(null)")); }
    void append_one(char c) { append_one(std::string_view(&c, 1)); }
    template <std::size_t M>
    void append_one(const Text<M>& t) { append_one(t.view()); }
    template <class I>
        requires(std::is_integral_v<I> && !std::is_same_v<I, char> && !std::is_same_v<I, bool>)
    void append_one(I value)
    {
        bool negative = value < 0;
        unsigned long long magnitude = negative ? 0ull - static_cast<unsigned long long>(value)
                                                : static_cast<unsigned long long>(value);
        char digits[24];
        char* first = format_decimal(magnitude, negative, digits);
        append_one(std::string_view(first, static_cast<std::size_t>(digits + sizeof digits - first)));
    }

    std::size_t size_ = 0;
    bool truncated_ = false;
    char data_[N];
};

// Parses a whole string of decimal digits into a value <= max; no sign, no
// spaces, no trailing text.
std::optional<std::uint64_t> parse_decimal(std::string_view s, std::uint64_t max = UINT64_MAX);

// Parses an unsigned number in hexadecimal (as /proc/PID/status prints masks).
std::optional<std::uint64_t> parse_hex(std::string_view s);

inline bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Splits `s` at the first `sep`: returns the part before and leaves the rest in `s`.
std::string_view split_first(std::string_view& s, char sep);

std::string_view trim(std::string_view s);

// The next word of `s` (separated by spaces or tabs); leaves the rest in `s`.
std::string_view next_word(std::string_view& s);

// The position of `word` in `words`, a list of words each followed by one
// space ("private shared slave "), or -1: one loop for every keyword option.
int word_index(std::string_view word, std::string_view words);

// The last path component, as basename(3) without modifying its argument.
std::string_view base_name(std::string_view path);

}  // namespace nskit
