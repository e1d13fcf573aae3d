// The outside of a session (session.h): docker-enter's (and nsenter
// --relay's) process that stays on the host relays the caller's stdin,
// stdout and stderr to the command's pipes or pty, admits the command its
// worker starts (checked, placed), bounds in time what the worker does in
// the container's world, and passes signals on.
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <cstdint>

#include "base/buffer.h"
#include "base/output.h"
#include "base/relay.h"
#include "base/sys.h"
#include "context/terminal.h"
#include "ns/session.h"
#include "base/proc_status.h"

namespace nskit {

namespace {

// After the worker has exited: pipes are drained for at most this long, as
// `docker exec` does (a background process may hold them open); a pty until
// it has been idle this long.
constexpr int pipe_drain_ms = 2000;
constexpr int pty_idle_ms = 100;
// A worker killed for a step that hung: how long it may take to go.
constexpr int killed_worker_ms = 100;
// After a signal that ends a session: how long the worker may take to end.
constexpr int ending_signal_ms = 1000;

constexpr int relayed_signals[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGCHLD, SIGPIPE};

bool ends_session(int signal) { return signal == SIGHUP || signal == SIGINT || signal == SIGQUIT || signal == SIGTERM; }

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

sigset_t session_signals()
{
    sigset_t set;
    sigemptyset(&set);
    for (int signal : relayed_signals)
        sigaddset(&set, signal);
    return set;
}

class SessionRelay {
public:
    SessionRelay(Session& session, std::string_view name, pid_t worker, Session::Hooks hooks)
        : session_(session), name_(name), worker_(worker), hooks_(hooks)
    {
    }

    Session::End run();

private:
    void start_pipes();
    // Acts on a deadline that has passed; the poll timeout until the next one (-1: none).
    int next_timeout();
    void on_message();
    void on_signal(int signal);
    void on_pty(Fd master);
    // The command the worker names, its /proc/PID/status read into `status`.
    struct Named {
        pid_t pid;
        std::string_view status;
    };
    Result<Named> named_command(int control, std::span<char> status);
    // The worker is refused (said already): it ends, and so does the session.
    void refuse(const Error& error);

    Session& session_;
    std::string_view name_;
    pid_t worker_;
    Session::Hooks hooks_;
    Session::End end_;
    Stream input_, output_, errors_;
    Fd master_;
    RawMode raw_;
    // The worker's messages come in this order: the pty and the steps while
    // it prepares, then 'C' once. Anything else is refused: the command
    // holds the way to us for a moment after its fork, and a container
    // allowed to trace it could take it and speak for the worker.
    enum class Phase : std::uint8_t { preparing, admitted } phase_ = Phase::preparing;
    bool exited_ = false, done_ = false;
    std::int64_t drain_deadline_ = 0;
    const char* step_ = nullptr;  // the worker's step in the container's world
    std::int64_t step_deadline_ = 0;
    bool step_killed_ = false;
    int ending_signal_ = 0;  // the first signal that ends the session, and how long the worker has after it
    std::int64_t give_up_deadline_ = 0;
};

void SessionRelay::start_pipes()
{
    Session& s = session_;
    for (Fd* ours : {&s.in_write_, &s.out_read_, &s.err_read_})
        (void)sys::set_nonblocking(ours->get());
    if (s.relay_stdin_)
        input_.start(0, s.in_write_.release(), false, Stream::AtEnd::close_to);
    else
        s.in_write_.reset();  // the command's stdin ends at once, as `docker exec` without -i gives it
    output_.start(s.out_read_.release(), 1, true, Stream::AtEnd::keep_to);
    errors_.start(s.err_read_.release(), 2, true, Stream::AtEnd::keep_to);
}

void SessionRelay::refuse(const Error& error)
{
    raw_.restore();
    report(name_, error);
    (void)sys::kill(worker_, SIGKILL);
    session_.admission_write_.reset();  // a command it may have started never runs
    end_.refused = true;
}

int SessionRelay::next_timeout()
{
    std::int64_t now = sys::monotonic_ms();
    if (exited_) {
        std::int64_t left = drain_deadline_ - now;
        if (left <= 0)
            done_ = true;
        return session_.pty_ ? pty_idle_ms : static_cast<int>(left > 0 ? left : 0);
    }
    if (give_up_deadline_ && now >= give_up_deadline_) {
        // A frozen container holds its processes (the command gets the
        // signal when it runs again); a command may ignore the signal. Either
        // way the caller is let go, and the worker with it: the command
        // stays the container's, as docker exec leaves its process.
        end_.gave_up = ending_signal_;
        warn(name_, "the command has not ended a second after signal ", end_.gave_up,
             " (is the container paused?): it is left to the container");
        (void)sys::kill(worker_, SIGKILL);
        done_ = true;
        return 0;
    }
    if (step_ && now >= step_deadline_) {
        if (step_killed_) {
            // A read a FUSE server has taken and not answered waits even
            // through SIGKILL: it ends when the container's file system
            // answers or goes (the container stops). Nothing of the host's
            // is left in that process; the caller need not wait with it.
            warn(name_, "PID ", worker_, " stays blocked in the container's file system until it answers");
            done_ = true;
            return 0;
        }
        refuse(Error::because("no answer within 0.75 s (a FUSE file system or a device behind it?)", step_));
        step_killed_ = true;
        step_deadline_ = now + killed_worker_ms;
    }
    std::int64_t next = -1;
    for (std::int64_t deadline : {step_ ? step_deadline_ : 0, give_up_deadline_})
        if (deadline && (next < 0 || deadline - now < next))
            next = deadline - now;
    return static_cast<int>(next < 0 ? -1 : next);
}

void SessionRelay::on_pty(Fd master)
{
    master_ = static_cast<Fd&&>(master);
    (void)sys::set_nonblocking(master_.get());
    if (int terminal = caller_terminal(); terminal >= 0)
        copy_window_size(terminal, master_.get());
    if (session_.relay_stdin_ && sys::isatty(0))
        (void)raw_.enter(0);
    if (session_.relay_stdin_)
        input_.start(0, master_.get(), false, Stream::AtEnd::keep_to);
    output_.start(master_.get(), 1, false, Stream::AtEnd::keep_to);
}

// The command the worker names: its child, or no command of ours.
Result<SessionRelay::Named> SessionRelay::named_command(int control, std::span<char> status)
{
    pid_t command = 0;
    // Sent with its tag in one write: it is there, or this is no message of the worker's.
    ssize_t got = ::recv(control, &command, sizeof command, MSG_DONTWAIT);
    auto text = got == sizeof command ? read_small_file(AT_FDCWD, Text<40>("/proc/", command, "/status").c_str(), status)
                                      : Result<std::string_view>(Error::because("short message", "read failed"));
    auto field = text.ok() ? status_field(text.value(), "PPid") : std::nullopt;
    if (!field || parse_decimal(trim(*field)) != std::optional<std::uint64_t>(static_cast<std::uint64_t>(worker_)))
        return Error::because("it is not the worker's child", "refusing to admit PID ", command);
    return Named{command, text.value()};
}

void SessionRelay::on_message()
{
    Fd& control = session_.control_outside_;
    auto got = sys::receive(control.get());
    char tag = got.ok() ? got.value().tag : 0;
    const char* step = tag ? describe_step(tag) : nullptr;
    if (tag == 0) {
        control.reset();  // the worker is done with it, or gone
    } else if (phase_ == Phase::preparing && tag == 'T' && got.value().fd && !master_) {
        on_pty(static_cast<Fd&&>(got.value().fd));
    } else if (phase_ == Phase::preparing && step) {
        step_ = step;
        step_deadline_ = sys::monotonic_ms() + container_step_ms;
    } else if (phase_ == Phase::preparing && tag == 'C') {
        step_ = nullptr;
        phase_ = Phase::admitted;
        char status[4096];
        auto command = named_command(control.get(), status);
        auto admitted = command.ok() ? hooks_.admit(command.value().pid, command.value().status)
                                     : Result<void>(command.take_error());
        if (admitted.ok()) {
            (void)sys::write_all(session_.admission_write_.get(), "g");
        } else {
            raw_.restore();
            report(name_, admitted.error());
            end_.refused = true;
        }
        // One word at most: closed after it, or in its place (a command not
        // admitted reads nothing and ends without running anything, the worker with it).
        session_.admission_write_.reset();
    } else {
        refuse(Error::because("out of turn", "refusing the worker's message '", tag, '\''));
        control.reset();
    }
}

void SessionRelay::on_signal(int signal)
{
    if (signal == SIGCHLD) {
        auto waited = sys::waitpid(worker_, WNOHANG);
        if (waited.ok() && waited.value().pid == worker_) {
            exited_ = true;
            end_.status = waited.value().status;
            drain_deadline_ = sys::monotonic_ms() + pipe_drain_ms;
            input_.stop();
        }
    } else if (signal == SIGWINCH) {
        if (int terminal = caller_terminal(); terminal >= 0 && master_)
            copy_window_size(terminal, master_.get());
    } else if (signal && signal != SIGPIPE) {
        (void)sys::kill(worker_, signal);
        if (ends_session(signal) && !give_up_deadline_ && !exited_) {
            ending_signal_ = signal;
            give_up_deadline_ = sys::monotonic_ms() + ending_signal_ms;
        }
    }
}

Session::End SessionRelay::run()
{
    Session& s = session_;
    s.control_inside_.reset();
    s.admission_read_.reset();
    s.in_read_.reset();
    s.out_write_.reset();
    s.err_write_.reset();
    if (!s.pty_)
        start_pipes();
    auto signals = sys::signalfd(session_signals());
    if (!signals.ok()) {
        refuse(signals.error());
        (void)sys::waitpid(worker_, 0);
        return end_;
    }
    for (;;) {
        if (exited_ && !output_.active() && !errors_.active())
            break;
        int timeout = next_timeout();
        if (done_)
            break;
        struct pollfd fds[5] = {{s.control_outside_.get(), POLLIN, 0},
                                {signals.value().get(), POLLIN, 0},
                                input_.wanted(), output_.wanted(), errors_.wanted()};
        auto ready = sys::poll(fds, 5, timeout);
        if (!ready.ok())
            break;
        if (ready.value() == 0 && exited_ && s.pty_)
            break;  // the pty has been idle since the worker exited
        if (fds[0].revents)
            on_message();
        if (fds[1].revents) {
            auto read = sys::read_signal(fds[1].fd);
            on_signal(read.ok() ? read.value() : 0);
        }
        input_.step(fds[2].revents);
        output_.step(fds[3].revents);
        errors_.step(fds[4].revents);
    }
    raw_.restore();
    if (!exited_ && !end_.gave_up)
        end_.refused = true;  // a step the worker is stuck in: said already
    return end_;
}

Session::End Session::relay(std::string_view name, pid_t worker, Hooks hooks)
{
    return SessionRelay(*this, name, worker, hooks).run();
}

}  // namespace nskit
