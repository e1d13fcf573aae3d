#include "base/output.h"

#include <string.h>
#include <unistd.h>

#include <cstdint>

#include "base/sys.h"

namespace nskit {

std::size_t visible_run(std::string_view text)
{
    std::size_t i = 0;
    while (i < text.size()) {
        auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
        unsigned char lead = byte(i);
        if (lead >= 0x20 && lead < 0x7f) {
            ++i;
            continue;
        }
        // A UTF-8 sequence: its length from the lead byte, then continuation bytes.
        std::size_t length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3
                             : lead >= 0xf0 && lead <= 0xf4                                  ? 4
                                                                                             : 0;
        if (length == 0 || i + length > text.size())
            return i;
        for (std::size_t k = 1; k < length; ++k)
            if ((byte(i + k) & 0xc0) != 0x80)
                return i;
        std::uint32_t second = byte(i + 1);
        bool overlong_or_surrogate = (lead == 0xe0 && second < 0xa0) || (lead == 0xed && second >= 0xa0) ||
                                     (lead == 0xf0 && second < 0x90) || (lead == 0xf4 && second >= 0x90);
        bool c1_control = lead == 0xc2 && second < 0xa0;  // U+0080 ... U+009F: CSI is U+009B
        if (overlong_or_surrogate || c1_control)
            return i;
        i += length;
    }
    return i;
}

void Writer::put_one(std::string_view s)
{
    if (shown_ == Shown::as_is) {
        put_raw(s);
        return;
    }
    while (!s.empty()) {
        std::size_t run = visible_run(s);
        put_raw(s.substr(0, run));
        if (run == s.size())
            break;
        constexpr char hex[] = "0123456789abcdef";
        auto byte = static_cast<unsigned char>(s[run]);
        const char escaped[] = {'\\', 'x', hex[byte >> 4], hex[byte & 15]};
        put_raw({escaped, sizeof escaped});
        s.remove_prefix(run + 1);
    }
}

void Writer::put_raw(std::string_view s)
{
    while (!s.empty()) {
        if (used_ == sizeof buffer_)
            flush();
        std::size_t n = s.size() < sizeof buffer_ - used_ ? s.size() : sizeof buffer_ - used_;
        ::memcpy(buffer_ + used_, s.data(), n);
        used_ += n;
        s.remove_prefix(n);
    }
}

void Writer::flush()
{
    // A closed or broken output is not worth a second error message.
    (void)sys::write_all(fd_, {buffer_, used_});
    used_ = 0;
}

const char* Error::why() const
{
    if (reason)
        return reason;
    return ::strerror(code);
}

void report(std::string_view applet, const Error& error)
{
    Writer(2, Shown::visible).put(applet, ": ", error.what, ": ", error.why(), '\n');
}

}  // namespace nskit
