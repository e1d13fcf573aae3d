// The kernel interface (sys.h): unix sockets: the engine API's connection,
// the relay's channel to its worker (a tag and, at times, a descriptor), and
// locks no file stands for.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

#include "base/sys.h"
#include "base/sys_failure.h"

namespace nskit::sys {

Result<Fd> socket_unix_stream()
{
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return failed("cannot create a socket");
    return Fd(fd);
}

Result<void> connect(int fd, const void* address, unsigned address_size)
{
    for (;;) {
        if (::connect(fd, static_cast<const struct sockaddr*>(address), address_size) == 0)
            return {};
        if (errno != EINTR)
            return failed("cannot connect");
    }
}

Result<int> poll(struct pollfd* fds, unsigned long count, int timeout_ms)
{
    for (;;) {
        int n = ::poll(fds, count, timeout_ms);
        if (n >= 0)
            return n;
        if (errno != EINTR)
            return failed("poll failed");
    }
}

Result<std::size_t> send(int fd, std::string_view data)
{
    for (;;) {
        ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n >= 0)
            return static_cast<std::size_t>(n);
        if (errno != EINTR)
            return failed("send failed");
    }
}

Result<Pipe> socket_pair()
{
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
        return failed("cannot create a socket pair");
    return Pipe{Fd(fds[0]), Fd(fds[1])};
}

Result<Fd> abstract_lock(std::string_view name, int wait_ms)
{
    struct sockaddr_un address {};
    address.sun_family = AF_UNIX;
    if (name.size() + 1 > sizeof address.sun_path)
        return Error::from_errno(ENAMETOOLONG, "cannot take the lock ", name);
    __builtin_memcpy(address.sun_path + 1, name.data(), name.size());  // sun_path[0] = 0: abstract
    auto length = static_cast<socklen_t>(offsetof(struct sockaddr_un, sun_path) + 1 + name.size());
    std::int64_t deadline = monotonic_ms() + wait_ms;
    for (int pause_us = 200;; pause_us = pause_us < 20000 ? pause_us * 2 : pause_us) {
        int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return failed("cannot take the lock ", name);
        Fd lock(fd);
        if (::bind(fd, reinterpret_cast<struct sockaddr*>(&address), length) == 0)
            return lock;
        if (errno != EADDRINUSE)
            return failed("cannot take the lock ", name);
        if (monotonic_ms() >= deadline)
            return Error::from_errno(EBUSY, "cannot take the lock ", name);
        ::usleep(static_cast<useconds_t>(pause_us));
    }
}

Result<void> send_fd(int socket, char tag, int fd)
{
    struct iovec data {&tag, 1};
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    struct msghdr message {};
    message.msg_iov = &data;
    message.msg_iovlen = 1;
    if (fd >= 0) {
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        struct cmsghdr* header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int));
        __builtin_memcpy(CMSG_DATA(header), &fd, sizeof fd);
    }
    for (;;) {
        if (::sendmsg(socket, &message, MSG_NOSIGNAL) == 1)
            return {};
        if (errno != EINTR)
            return failed("cannot send to the process outside");
    }
}

Result<Received> receive(int socket)
{
    Received got;
    struct iovec data {&got.tag, 1};
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    struct msghdr message {};
    message.msg_iov = &data;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    ssize_t n;
    while ((n = ::recvmsg(socket, &message, MSG_CMSG_CLOEXEC)) < 0)
        if (errno != EINTR)
            return failed("cannot receive from the process inside");
    if (n == 0)
        got.tag = 0;
    for (struct cmsghdr* header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header))
        if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS &&
            header->cmsg_len == CMSG_LEN(sizeof(int))) {
            int fd;
            __builtin_memcpy(&fd, CMSG_DATA(header), sizeof fd);
            got.fd = Fd(fd);
        }
    return got;
}

}  // namespace nskit::sys
