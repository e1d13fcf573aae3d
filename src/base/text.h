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

// The out-of-line part of Text<N>: every append goes through these
// functions, so a message built from five pieces costs five calls, not an
// inlined copy loop per call site (this keeps the static binary small). A
// call passes the Text's head and capacity in registers; its characters
// follow the head directly.
struct TextHead {
    std::size_t size = 0;
    bool truncated = false;
};
struct TextSpan {  // any Text<N>, for code that fills one through one out-of-line function
    TextHead* head;
    std::size_t capacity;  // including the terminating NUL
};
void text_append(TextHead& text, std::size_t capacity, std::string_view piece);
void text_append(TextHead& text, std::size_t capacity, const char* piece);  // "(null)" for a null pointer
void text_append(TextHead& text, std::size_t capacity, char c);
void text_append_number(TextHead& text, std::size_t capacity, unsigned long long magnitude, bool negative);

template <std::size_t N>
class Text;

// What a part of a message becomes before it is appended: strings a pointer
// or a view, integers widened. The templates that take parts (Text::append,
// Error::because, Writer::put, ...) pass them on normalised, so each is
// instantiated once per shape of message, not once per literal's length and
// integer type.
inline const char* message_part(const char* s) { return s; }
inline std::string_view message_part(std::string_view s) { return s; }
inline char message_part(char c) { return c; }
template <std::size_t M>
std::string_view message_part(const Text<M>& t) { return t.view(); }
template <class I>
    requires(std::is_integral_v<I> && std::is_signed_v<I> && !std::is_same_v<I, char> && !std::is_same_v<I, bool>)
long long message_part(I value) { return value; }
template <class I>
    requires(std::is_integral_v<I> && std::is_unsigned_v<I> && !std::is_same_v<I, bool>)
unsigned long long message_part(I value) { return value; }

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
    [[gnu::always_inline]] Text& append(const Parts&... parts)
    {
        (append_one(message_part(parts)), ...);
        return *this;
    }

    const char* c_str() const { return data_; }
    std::string_view view() const { return {data_, head_.size}; }
    std::size_t size() const { return head_.size; }
    bool empty() const { return head_.size == 0; }
    bool truncated() const { return head_.truncated; }
    void clear()
    {
        head_ = {};
        data_[0] = '\0';
    }

    TextSpan span()
    {
        static_assert(offsetof(Text, data_) == sizeof(TextHead), "the characters follow the head");
        return {&head_, N};
    }

private:
    void append_one(std::string_view s) { text_append(head_, N, s); }
    void append_one(const char* s) { text_append(head_, N, s); }
    void append_one(char c) { text_append(head_, N, c); }
    template <std::size_t M>
    void append_one(const Text<M>& t) { text_append(head_, N, t.view()); }
    template <class I>
        requires(std::is_integral_v<I> && !std::is_same_v<I, char> && !std::is_same_v<I, bool>)
    void append_one(I value)
    {
        bool negative = value < 0;
        unsigned long long magnitude = negative ? 0ull - static_cast<unsigned long long>(value)
                                                : static_cast<unsigned long long>(value);
        text_append_number(head_, N, magnitude, negative);
    }

    TextHead head_;
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
