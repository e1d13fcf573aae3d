// Buffered writing to a file descriptor without stdio, and the one format for
// messages to a person: "APPLET: what failed: why".
#pragma once

#include <cstddef>
#include <string_view>

#include "base/result.h"
#include "base/text.h"

namespace nskit {

// Text that comes from outside nskit (a container's files, a runtime's
// record, a name an engine reports) may hold escape sequences. Written for a
// person to read, every byte a terminal could act on is shown as \xHH
// instead: C0 controls, DEL, C1 controls (as UTF-8, or as a lone byte), and
// any byte that is not part of well-formed UTF-8.
enum class Shown : bool { as_is, visible };

// How many bytes at the start of `text` can be shown as they are.
std::size_t visible_run(std::string_view text);

class Writer {
public:
    explicit Writer(int fd, Shown shown = Shown::as_is) : fd_(fd), shown_(shown) {}
    Writer(const Writer&) = delete;
    ~Writer() { flush(); }

    template <class... Parts>
    Writer& put(const Parts&... parts)
    {
        (put_one(parts), ...);
        return *this;
    }
    void flush();

private:
    // Strings follow shown_; a single character is the code's own punctuation ('\n').
    void put_one(std::string_view s);
    void put_one(const char* s) { put_one(std::string_view(s ? s : "")); }
    void put_one(char c) { put_raw(std::string_view(&c, 1)); }
    template <std::size_t M>
    void put_one(const Text<M>& t) { put_one(t.view()); }
    template <class I>
        requires(std::is_integral_v<I> && !std::is_same_v<I, char> && !std::is_same_v<I, bool>)
    void put_one(I value) { put_one(Text<24>(value).view()); }

    void put_raw(std::string_view s);

    int fd_;
    Shown shown_;
    std::size_t used_ = 0;
    char buffer_[1024];
};

// "APPLET: what: why" on stderr, shown visibly (above).
void report(std::string_view applet, const Error& error);

// "APPLET: text" on stderr, shown visibly.
template <class... Parts>
void warn(std::string_view applet, const Parts&... parts)
{
    Writer(2, Shown::visible).put(applet, ": ", parts..., '\n');
}

}  // namespace nskit
