#include "base/relay.h"

#include <errno.h>
#include <unistd.h>

#include "base/sys.h"

namespace nskit {

void Stream::start(int from, int to, bool from_owned, AtEnd at_end)
{
    stop();
    from_ = from;
    to_ = to;
    from_owned_ = from_owned;
    at_end_ = at_end;
    splice_ = true;
    wait_to_ = false;
    pending_ = offset_ = 0;
}

struct pollfd Stream::wanted() const
{
    if (!active())
        return {-1, 0, 0};
    if (pending_ || wait_to_)
        return {to_, POLLOUT, 0};
    return {from_, POLLIN, 0};
}

void Stream::stop()
{
    if (from_ >= 0 && from_owned_)
        ::close(from_);
    if (to_ >= 0 && at_end_ == AtEnd::close_to)
        ::close(to_);
    from_ = to_ = -1;
    pending_ = 0;
}

// Writes what waits in the buffer; false when the stream had to stop.
bool Stream::write_pending()
{
    while (pending_) {
        ssize_t n = ::write(to_, buffer_ + offset_, pending_);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return true;  // later, when poll says `to` takes more
        if (n <= 0) {
            stop();  // EPIPE and the like: nobody reads any more
            return false;
        }
        offset_ += static_cast<std::size_t>(n);
        pending_ -= static_cast<std::size_t>(n);
    }
    offset_ = 0;
    return true;
}

// One read-or-splice from `from`; false when nothing was there (or the stream ended).
bool Stream::move()
{
    if (splice_) {
        auto moved = sys::splice(from_, to_, 1 << 16);
        if (moved.ok()) {
            if (moved.value() == 0)
                stop();
            return moved.value() > 0;
        }
        int code = moved.error().code;
        if (code == EAGAIN) {
            wait_to_ = true;  // `to` may be full; if `from` was only empty, poll says so at once
            return false;
        }
        if (code != EINVAL && code != ENOSYS) {
            stop();
            return false;
        }
        splice_ = false;  // neither side a pipe, or a file system without splice: copy instead
    }
    ssize_t n;
    while ((n = ::read(from_, buffer_, sizeof buffer_)) < 0 && errno == EINTR) {
    }
    if (n < 0 && errno == EAGAIN)
        return false;
    if (n <= 0) {  // the end, or EIO: a pty whose other side has gone
        stop();
        return false;
    }
    pending_ = static_cast<std::size_t>(n);
    offset_ = 0;
    write_pending();
    return true;
}

void Stream::step(short revents)
{
    if (!active() || !revents)
        return;
    if (pending_) {
        if (revents & (POLLERR | POLLHUP | POLLNVAL)) {
            stop();
            return;
        }
        write_pending();
        return;
    }
    if (wait_to_) {
        wait_to_ = false;
        if (revents & (POLLERR | POLLNVAL)) {
            stop();
            return;
        }
        return;  // `to` takes more again: back to waiting for `from`
    }
    move();
}

bool Stream::drain_once()
{
    if (!active())
        return false;
    if (pending_)
        return write_pending() && pending_ == 0;
    wait_to_ = false;
    return move();
}

}  // namespace nskit
