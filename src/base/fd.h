// An owned file descriptor: closed when it goes out of scope, moved not copied,
// -1 when empty, so an array of them needs no "fill with -1" ritual.
#pragma once

#include <unistd.h>

#include <utility>

namespace nskit {

class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& other) : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other)
    {
        if (this != &other) {
            reset();
            fd_ = std::exchange(other.fd_, -1);
        }
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    explicit operator bool() const { return valid(); }
    int release() { return std::exchange(fd_, -1); }
    void reset()
    {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

}  // namespace nskit
