#include <catch2/catch.hpp>

#include <unistd.h>

#include <string>

#include "base/output.h"

using namespace nskit;

namespace {

// What a Writer that shows text `shown` writes for `parts`, read back from a pipe.
template <class... Parts>
std::string written(Shown shown, const Parts&... parts)
{
    int ends[2];
    REQUIRE(::pipe(ends) == 0);
    {
        Writer out(ends[1], shown);
        out.put(parts...);
    }
    ::close(ends[1]);
    std::string text;
    char buffer[512];
    for (ssize_t n; (n = ::read(ends[0], buffer, sizeof buffer)) > 0;)
        text.append(buffer, static_cast<std::size_t>(n));
    ::close(ends[0]);
    return text;
}

}  // namespace

TEST_CASE("visible_run stops at the first byte a terminal could act on")
{
    struct Case {
        std::string text;
        std::size_t run;
    } cases[] = {
        {"plain text /etc/passwd", 22},
        {"", 0},
        {"a\x1b[31mred", 1},            // ESC: C0
        {"tab\there", 3},
        {"line\nbreak", 4},
        {"del\x7f", 3},
        {"caf\xc3\xa9 ok", 8},          // é, well-formed UTF-8
        {"\xe2\x82\xac euro", 8},       // a three-byte sequence
        {"\xf0\x9f\x90\xb3 whale", 10},  // a four-byte sequence
        {"csi\xc2\x9b" "31m", 3},       // U+009B, the C1 CSI, as UTF-8
        {"csi\x9b" "31m", 3},           // the C1 CSI as a lone byte (an 8-bit terminal's)
        {"cut\xe2\x82", 3},             // a sequence cut short
        {"overlong\xc0\xaf", 8},        // '/' overlong: never well-formed
        {"surrogate\xed\xa0\x80", 9},
        {std::string("nul\0x", 5), 3},
    };
    for (const Case& c : cases) {
        INFO(c.text);
        CHECK(visible_run(c.text) == c.run);
    }
}

TEST_CASE("a Writer that shows text visibly escapes what a terminal could act on")
{
    std::string title = "\x1b]2;PWNED\x07";
    CHECK(written(Shown::visible, "no ", std::string_view(title), " here", '\n') == "no \\x1b]2;PWNED\\x07 here\n");
    CHECK(written(Shown::visible, std::string_view("a\nb\xc2\x9b" "c")) == "a\\x0ab\\xc2\\x9bc");
    CHECK(written(Shown::visible, std::string_view("caf\xc3\xa9")) == "caf\xc3\xa9");
    // As is, the bytes pass untouched (the command's own output is never ours to change).
    CHECK(written(Shown::as_is, std::string_view(title), '\n') == title + "\n");
}
