#include "ns/session.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "base/output.h"
#include "base/relay.h"
#include "base/sys.h"
#include "context/terminal.h"
#include "ns/process.h"

namespace nskit {

bool stdin_is_our_terminal()
{
    pid_t foreground = ::tcgetpgrp(0);
    return foreground >= 0 && foreground == ::getpgrp();
}

Result<void> Session::prepare(Terminal mode)
{
    bool ours = stdin_is_our_terminal();
    pty_ = mode == Terminal::pty || (mode == Terminal::automatic && ours);
    relay_stdin_ = ours || !sys::isatty(0);
    sys::Pipe control = TRY(sys::socket_pair());
    control_outside_ = static_cast<Fd&&>(control.read);
    control_inside_ = static_cast<Fd&&>(control.write);
    if (!pty_) {
        sys::Pipe in = TRY(sys::pipe()), out = TRY(sys::pipe()), err = TRY(sys::pipe());
        in_read_ = static_cast<Fd&&>(in.read);
        in_write_ = static_cast<Fd&&>(in.write);
        out_read_ = static_cast<Fd&&>(out.read);
        out_write_ = static_cast<Fd&&>(out.write);
        err_read_ = static_cast<Fd&&>(err.read);
        err_write_ = static_cast<Fd&&>(err.write);
    }
    sigset_t set = session_signals();
    ::sigprocmask(SIG_BLOCK, &set, nullptr);
    return {};
}

Result<void> Session::prepare_admission()
{
    sys::Pipe admission = TRY(sys::pipe());
    admission_read_ = static_cast<Fd&&>(admission.read);
    admission_write_ = static_cast<Fd&&>(admission.write);
    return {};
}

Result<void> Session::worker_begin()
{
    control_outside_.reset();
    admission_write_.reset();
    in_write_.reset();
    out_read_.reset();
    err_read_.reset();
    if (pty_)
        return {};
    TRY(sys::duplicate_to(in_read_.get(), 0));
    TRY(sys::duplicate_to(out_write_.get(), 1));
    TRY(sys::duplicate_to(err_write_.get(), 2));
    in_read_.reset();
    out_write_.reset();
    err_write_.reset();
    return {};
}

Result<void> Session::worker_attach(const ContainerRoot& where)
{
    if (!pty_)
        return {};
    TRY(worker_step(ContainerStep::pty));
    Pty pty = TRY(open_pty_in_root(where).describe("cannot make a pty for the command with the container's /dev/pts/ptmx (-T needs none)"));
    TRY(sys::send_fd(control_inside_.get(), 'T', pty.master.get()));
    pty.master.reset();
    for (int fd = 0; fd <= 2; ++fd)
        TRY(sys::duplicate_to(pty.slave.get(), fd));
    return {};
}

Result<void> Session::give_stdio_to(uid_t uid)
{
    // runc's fixStdioPermissions: the owner changes, the group stays (the
    // pty's is the devpts "tty" group).
    for (int fd = 0; fd <= 2; ++fd)
        TRY(sys::fchown(fd, uid, static_cast<gid_t>(-1)).describe("cannot give the command's standard streams to uid ", uid));
    return {};
}

Result<void> Session::worker_step(ContainerStep step)
{
    return sys::send_fd(control_inside_.get(), static_cast<char>(step), -1);
}

Result<void> Session::command_named(pid_t command)
{
    char message[1 + sizeof command] = {'C'};
    __builtin_memcpy(message + 1, &command, sizeof command);
    TRY(sys::write_all(control_inside_.get(), {message, sizeof message}).describe("cannot reach the process outside"));
    return {};
}

Result<void> Session::command_admitted()
{
    char word = 0;
    auto read = sys::read(admission_read_.get(), &word, 1);
    admission_read_.reset();
    if (!read.ok() || read.value() != 1 || word != 'g')
        return Error::because("the process outside did not admit it", "not starting the command");
    return {};
}

Result<void> Session::command_begin()
{
    // Its own session: the caller's terminal is not its controlling terminal,
    // so TIOCSTI there is refused to it.
    TRY(sys::setsid());
    if (pty_)
        TRY(sys::ioctl(0, TIOCSCTTY, nullptr).describe("cannot make the pty the command's terminal"));
    // Every signal at its default action and none blocked, as docker exec's
    // command has them: a caller started in the background of a script
    // ignores SIGINT and SIGQUIT, and exec would pass that on (^C on the
    // command's own pty would then do nothing).
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    for (int signal = 1; signal < NSIG; ++signal)
        if (signal != SIGKILL && signal != SIGSTOP)
            (void)::sigaction(signal, &default_action, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    return {};
}

Result<void> keep_descriptors(std::span<Fd* const> keep, int first, const Fd* proc_self_fd)
{
    // Each one to a number past every target slot first, so that moving one
    // never closes another that is still to be moved.
    int past = first + static_cast<int>(keep.size());
    for (Fd* fd : keep) {
        int moved = ::fcntl(fd->get(), F_DUPFD_CLOEXEC, past);
        if (moved < 0)
            return Error::from_errno(errno, "cannot move descriptor ", fd->get());
        *fd = Fd(moved);
    }
    for (std::size_t i = 0; i < keep.size(); ++i) {
        int slot = first + static_cast<int>(i);
        if (::dup3(keep[i]->get(), slot, O_CLOEXEC) < 0)
            return Error::from_errno(errno, "cannot move descriptor ", keep[i]->get());
        *keep[i] = Fd(slot);
    }
    return sys::close_from(past, proc_self_fd ? proc_self_fd->get() : -1);
}

}  // namespace nskit
