#include "context/terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>

#include "base/sys.h"
#include "base/text.h"

namespace nskit {

namespace {

constexpr long devpts_magic = 0x1cd1;  // DEVPTS_SUPER_MAGIC

Result<void> check_devpts(int fd, const char* what)
{
    if (TRY(sys::fstatfs_type(fd)) != devpts_magic)
        return Error::because("not on a devpts file system", "cannot use ", what, " of the container");
    return {};
}

// The slave by its number, for kernels before TIOCGPTPEER.
Result<Fd> open_slave_by_number(const ContainerRoot& where, int master)
{
    unsigned number = 0;
    TRY(sys::ioctl(master, TIOCGPTN, &number).describe("cannot find the number of the new pty"));
    Fd directory = TRY(find_in_root(where.root, "/dev/pts"));
    TRY(check_devpts(directory.get(), "/dev/pts"));
    Text<16> name(number);
    return sys::openat(directory.get(), name.c_str(), O_RDWR | O_NOCTTY);
}

}  // namespace

Result<Pty> open_pty_in_root(const ContainerRoot& where)
{
    Fd found = TRY(find_in_root(where.root, "/dev/pts/ptmx"));
    auto st = TRY(sys::fstat(found.get()));
    if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(5, 2))
        return Error::because("not the pty multiplexer (character device 5:2)", "cannot use /dev/pts/ptmx of the container");
    TRY(check_devpts(found.get(), "/dev/pts/ptmx"));
    Pty pty;
    pty.master = TRY(reopen(where, found.get(), O_RDWR | O_NOCTTY).describe("cannot open /dev/pts/ptmx of the container"));
    int unlock = 0;
    TRY(sys::ioctl(pty.master.get(), TIOCSPTLCK, &unlock).describe("cannot unlock the new pty"));
    long peer = ::ioctl(pty.master.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (peer >= 0)
        pty.slave = Fd(static_cast<int>(peer));
    else if (errno == EINVAL || errno == ENOTTY)
        pty.slave = TRY(open_slave_by_number(where, pty.master.get()));
    else
        return Error::from_errno(errno, "cannot open the new pty");
    return pty;
}

Result<void> RawMode::enter(int fd)
{
    struct termios raw;
    if (::tcgetattr(fd, &saved_) != 0)
        return Error::from_errno(errno, "cannot read the terminal's settings");
    raw = saved_;
    ::cfmakeraw(&raw);
    if (::tcsetattr(fd, TCSADRAIN, &raw) != 0)
        return Error::from_errno(errno, "cannot put the terminal in raw mode");
    fd_ = fd;
    return {};
}

void RawMode::restore()
{
    if (fd_ >= 0)
        ::tcsetattr(fd_, TCSADRAIN, &saved_);
    fd_ = -1;
}

void copy_window_size(int from, int to)
{
    struct winsize size;
    if (::ioctl(from, TIOCGWINSZ, &size) == 0)
        ::ioctl(to, TIOCSWINSZ, &size);
}

}  // namespace nskit
