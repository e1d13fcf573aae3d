// One direction of a relay between the caller's standard streams and the
// entered command's pipes or pty: bytes from `from` to `to`. With a pipe on
// one side it moves them with splice (no copy into our memory); otherwise
// through a buffer. Our own ends are non-blocking, so a command that stops
// reading its input never stalls its output; the caller's may block, as
// they would for cat.
#pragma once

#include <poll.h>

#include <cstddef>

namespace nskit {

class Stream {
public:
    enum class AtEnd : bool { keep_to, close_to };  // close_to: the command's stdin sees EOF

    Stream() = default;
    Stream(const Stream&) = delete;
    Stream& operator=(const Stream&) = delete;
    ~Stream() { stop(); }

    // `owned` ends are closed when the stream stops: `from` always when owned, `to` when AtEnd::close_to.
    void start(int from, int to, bool from_owned, AtEnd at_end);
    bool active() const { return from_ >= 0; }
    // What to wait for: readable `from`, or writable `to` while bytes wait for it.
    struct pollfd wanted() const;
    // One move after poll reported `revents` for wanted(); stops the stream at the end of its input or output.
    void step(short revents);
    // Moves whatever can be moved now without waiting (a drain); false when nothing could.
    bool drain_once();
    void stop();

private:
    bool move();
    bool write_pending();

    int from_ = -1, to_ = -1;
    bool from_owned_ = false;
    AtEnd at_end_ = AtEnd::keep_to;
    bool splice_ = true;     // until splice says this pair cannot do it
    bool wait_to_ = false;   // `to` was full: wait until it takes more
    std::size_t pending_ = 0, offset_ = 0;
    char buffer_[16384];
};

}  // namespace nskit
