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

// The out-of-line part of Text<N>: every append goes through these two
// functions, so a message built from five pieces costs five calls, not an
// inlined copy loop per call site (this keeps the static binary small).
struct TextSpan {
    char* data;
    std::size_t capacity;  // including the terminating NUL
    std::size_t* size;
    bool* truncated;
};
void text_append(const TextSpan& text, std::string_view piece);
void text_append_number(const TextSpan& text, unsigned long long magnitude, bool negative);
void text_append_signed(const TextSpan& text, long long value);
void text_append_c_string(const TextSpan& text, const char* s);  // null: "(null)"
void text_append_char(const TextSpan& text, char c);

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
    TextSpan span() { return {data_, N, &size_, &truncated_}; }
    // Each is one call to an out-of-line function shared by every Text<N>:
    // what a Text<N> instantiates per N stays a few bytes.
    void append_one(std::string_view s) { text_append(span(), s); }
    void append_one(const char* s) { text_append_c_string(span(), s); }
    void append_one(char c) { text_append_char(span(), c); }
    template <std::size_t M>
    void append_one(const Text<M>& t) { text_append(span(), t.view()); }
    template <class I>
        requires(std::is_integral_v<I> && !std::is_same_v<I, char> && !std::is_same_v<I, bool>)
    void append_one(I value)
    {
        if constexpr (std::is_signed_v<I>)
            text_append_signed(span(), value);
        else
            text_append_number(span(), value, false);
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
