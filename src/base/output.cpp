#include "base/output.h"

#include <string.h>
#include <unistd.h>

#include "base/sys.h"

namespace nskit {

void Writer::put_one(std::string_view s)
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

Error& error_slot()
{
    static Error slot;
    return slot;
}

void stash_error(const Error& e)
{
    if (&e != &error_slot())
        error_slot() = e;
}

const char* Error::why() const
{
    if (reason)
        return reason;
    return ::strerror(code);
}

void report(std::string_view applet, const Error& error)
{
    Writer(2).put(applet, ": ", error.what, ": ", error.why(), '\n');
}

}  // namespace nskit
