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

namespace {

// After the worker has exited: pipes are drained for at most this long, as
// `docker exec` does (a background process may hold them open); a pty until
// it has been idle this long.
constexpr int pipe_drain_ms = 2000;
constexpr int pty_idle_ms = 100;
// A worker killed for a step that hung: how long it may take to go.
constexpr int killed_worker_ms = 100;

constexpr int relayed_signals[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGCHLD, SIGPIPE};

sigset_t relayed_set()
{
    sigset_t set;
    sigemptyset(&set);
    for (int signal : relayed_signals)
        sigaddset(&set, signal);
    return set;
}

// What a step in the container's world that did not end in time was.
const char* describe_step(char tag)
{
    switch (static_cast<ContainerStep>(tag)) {
    case ContainerStep::toolbox: return "cannot show the toolbox over the container's root";
    case ContainerStep::pty: return "cannot make a pty with the container's /dev/pts/ptmx";
    case ContainerStep::passwd: return "cannot read the container's /etc/passwd";
    case ContainerStep::group: return "cannot read the container's /etc/group";
    case ContainerStep::workdir: return "cannot change to the working directory in the container";
    }
    return nullptr;
}

// The first of stdin, stdout, stderr that is a terminal: the one whose size the pty takes.
int caller_terminal()
{
    for (int fd = 0; fd <= 2; ++fd)
        if (sys::isatty(fd))
            return fd;
    return -1;
}

}  // namespace

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
    sigset_t set = relayed_set();
    ::sigprocmask(SIG_BLOCK, &set, nullptr);
    return {};
}

Result<void> Session::worker_begin()
{
    control_outside_.reset();
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
    Pty pty = TRY(open_pty_in_root(where).describe("cannot make a terminal for the command in its root (pipes need none)"));
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

Result<void> Session::worker_ready()
{
    TRY(sys::send_fd(control_inside_.get(), 'R', -1));
    auto word = TRY(sys::receive(control_inside_.get()));
    if (word.tag != 'G')
        return Error::because("the process outside said no", "not starting the command");
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

int Session::relay(std::string_view name, pid_t worker, Check check_ready)
{
    control_inside_.reset();
    in_read_.reset();
    out_write_.reset();
    err_write_.reset();

    Stream input, output, errors;
    if (!pty_) {
        for (Fd* ours : {&in_write_, &out_read_, &err_read_})
            (void)sys::set_nonblocking(ours->get());
        if (relay_stdin_)
            input.start(0, in_write_.release(), false, Stream::AtEnd::close_to);
        else
            in_write_.reset();  // the command's stdin ends at once, as `docker exec` without -i gives it
        output.start(out_read_.release(), 1, true, Stream::AtEnd::keep_to);
        errors.start(err_read_.release(), 2, true, Stream::AtEnd::keep_to);
    }
    sigset_t set = relayed_set();
    auto signals = sys::signalfd(set);
    if (!signals.ok()) {
        report(name, signals.error());
        (void)sys::kill(worker, SIGKILL);
        (void)sys::waitpid(worker, 0);
        return 1;
    }
    Fd master;
    RawMode raw;
    bool refused = false, exited = false;
    int status = 0;
    std::int64_t deadline = 0;
    const char* step = nullptr;  // the worker's step in the container's world, and its deadline
    std::int64_t step_deadline = 0;

    for (;;) {
        if (exited && !output.active() && !errors.active())
            break;
        int timeout = -1;
        if (exited) {
            std::int64_t left = deadline - sys::monotonic_ms();
            if (left <= 0)
                break;
            timeout = pty_ ? pty_idle_ms : static_cast<int>(left);
        } else if (step) {
            std::int64_t left = step_deadline - sys::monotonic_ms();
            if (left <= 0 && refused) {
                // A read a FUSE server has taken and not answered waits even
                // through SIGKILL: it ends when the container's file system
                // answers or goes (the container stops). Nothing of the host's
                // is left in that process; the caller need not wait with it.
                warn(name, "PID ", worker, " stays blocked in the container's file system until it answers");
                break;
            }
            if (left <= 0) {
                raw.restore();
                report(name, Error::because("no answer within 0.75 s (a FUSE file system or a device behind it?)", step));
                (void)sys::kill(worker, SIGKILL);
                refused = true;
                step_deadline = sys::monotonic_ms() + killed_worker_ms;
                continue;
            }
            timeout = static_cast<int>(left);
        }
        struct pollfd fds[5] = {{control_outside_.get(), POLLIN, 0},
                                {signals.value().get(), POLLIN, 0},
                                input.wanted(), output.wanted(), errors.wanted()};
        auto ready = sys::poll(fds, 5, timeout);
        if (!ready.ok())
            break;
        if (ready.value() == 0) {
            if (pty_)
                break;  // the pty has been idle since the worker exited
            continue;
        }
        if (fds[0].revents) {
            auto got = sys::receive(control_outside_.get());
            char tag = got.ok() ? got.value().tag : 0;
            if (tag == 'T' && got.value().fd) {
                master = static_cast<Fd&&>(got.value().fd);
                (void)sys::set_nonblocking(master.get());
                if (int terminal = caller_terminal(); terminal >= 0)
                    copy_window_size(terminal, master.get());
                if (relay_stdin_ && sys::isatty(0))
                    (void)raw.enter(0);
                if (relay_stdin_)
                    input.start(0, master.get(), false, Stream::AtEnd::keep_to);
                output.start(master.get(), 1, false, Stream::AtEnd::keep_to);
            } else if (const char* described = tag ? describe_step(tag) : nullptr) {
                step = described;
                step_deadline = sys::monotonic_ms() + container_step_ms;
            } else if (tag == 'R') {
                step = nullptr;
                auto checked = check_ready(worker);
                if (checked.ok()) {
                    (void)sys::send_fd(control_outside_.get(), 'G', -1);
                } else {
                    raw.restore();
                    report(name, checked.error());
                    (void)sys::kill(worker, SIGKILL);
                    refused = true;
                }
            } else {
                control_outside_.reset();  // the worker is done with it, or gone
            }
        }
        if (fds[1].revents) {
            auto read = sys::read_signal(fds[1].fd);
            int signal = read.ok() ? read.value() : 0;
            if (signal == SIGCHLD) {
                auto waited = sys::waitpid(worker, WNOHANG);
                if (waited.ok() && waited.value().pid == worker) {
                    exited = true;
                    status = waited.value().status;
                    deadline = sys::monotonic_ms() + pipe_drain_ms;
                    input.stop();
                }
            } else if (signal == SIGWINCH) {
                if (int terminal = caller_terminal(); terminal >= 0 && master)
                    copy_window_size(terminal, master.get());
            } else if (signal && signal != SIGPIPE) {
                (void)sys::kill(worker, signal);
            }
        }
        input.step(fds[2].revents);
        output.step(fds[3].revents);
        errors.step(fds[4].revents);
    }
    raw.restore();
    if (refused)
        return 1;
    return mirror_exit(status);
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
