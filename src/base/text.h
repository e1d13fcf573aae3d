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

// A NUL-terminated string in a fixed buffer; appends past the end are cut.
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
    void append_one(std::string_view s)
    {
        for (char c : s) {
            if (size_ + 1 >= N) {
                truncated_ = true;
                break;
            }
            data_[size_++] = c;
        }
        data_[size_] = '\0';
    }
    void append_one(const char* s) { append_one(std::string_view(s ? s : "(null)")); }
    void append_one(char c) { append_one(std::string_view(&c, 1)); }
    template <std::size_t M>
    void append_one(const Text<M>& t) { append_one(t.view()); }
    template <class I>
        requires(std::is_integral_v<I> && !std::is_same_v<I, char> && !std::is_same_v<I, bool>)
    void append_one(I value)
    {
        char digits[24];
        std::size_t n = 0;
        bool negative = value < 0;
        unsigned long long v = negative ? 0ull - static_cast<unsigned long long>(value)
                                        : static_cast<unsigned long long>(value);
        do {
            digits[n++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v);
        if (negative)
            append_one('-');
        while (n)
            append_one(digits[--n]);
    }

    char data_[N];
    std::size_t size_ = 0;
    bool truncated_ = false;
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

// The last path component, as basename(3) without modifying its argument.
std::string_view base_name(std::string_view path);

}  // namespace nskit
