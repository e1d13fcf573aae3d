// Buffered writing to a file descriptor without stdio, and the one format for
// messages to a person: "APPLET: what failed: why".
#pragma once

#include <cstddef>
#include <string_view>

#include "base/result.h"
#include "base/text.h"

namespace nskit {

class Writer {
public:
    explicit Writer(int fd) : fd_(fd) {}
    Writer(const Writer&) = delete;
    ~Writer() { flush(); }

    template <class... Parts>
    [[gnu::always_inline]] Writer& put(const Parts&... parts)
    {
        (put_one(message_part(parts)), ...);
        return *this;
    }
    void flush();

private:
    void put_one(std::string_view s);
    void put_one(const char* s) { put_one(std::string_view(s ? s : "")); }
    void put_one(char c) { put_one(std::string_view(&c, 1)); }
    template <std::size_t M>
    void put_one(const Text<M>& t) { put_one(t.view()); }
    template <class I>
        requires(std::is_integral_v<I> && !std::is_same_v<I, char> && !std::is_same_v<I, bool>)
    void put_one(I value) { put_one(Text<24>(value).view()); }

    int fd_;
    std::size_t used_ = 0;
    char buffer_[1024];
};

// "APPLET: what: why" on stderr.
void report(std::string_view applet, const Error& error);

// "APPLET: text" on stderr.
template <class... Parts>
void warn_parts(std::string_view applet, Parts... parts)
{
    Writer(2).put(applet, ": ", parts..., '\n');
}
template <class... Parts>
[[gnu::always_inline]] inline void warn(std::string_view applet, const Parts&... parts)
{
    warn_parts(applet, message_part(parts)...);
}

}  // namespace nskit
