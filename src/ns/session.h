// The entered command's standard streams and session (README: "Threat
// model"). The command never holds a descriptor of the caller's: not its
// terminal (TIOCSTI would push keystrokes into the caller's shell), not its
// files (stdout redirected to a file could be made setuid through
// /proc/self/fd/1). It runs in a session of its own, with a pty from the
// entered root when there is a terminal to serve (docker exec -t's way),
// else with pipes, as `docker exec` gives it pipes from the daemon. The
// process that stayed outside relays them to the caller's stdin, stdout and
// stderr, puts the caller's terminal in raw mode and back, passes the
// window size on and forwards signals.
//
//   outside: the relay                  inside: the worker, then the command
//   session.prepare(mode), and prepare_admission() when the command is to be admitted
//   fork -----------------------------> session.worker_begin()     stdio: the pipes
//                                         ... enter namespaces ...
//                                       session.worker_attach(root) pty: opened, master sent out, stdio: the slave
//                                       session.worker_step(...)    before each step in the container's world
//                                       fork: the command (by way of a placer, see applets/enter.h)
//                                       session.command_named(pid)  says it exists
//                                       session.worker_end()        nothing of the outside's is left
//   admit(command): its /proc status    the command: command_begin() (setsid, controlling tty),
//   checked from outside; the word      then command_admitted() waits for the outside's word,
//                                       which comes straight from the relay: exec
//   session.relay(worker, hooks) -> the worker's end (a waitpid status)
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <cstdint>
#include <span>
#include <string_view>

#include "base/fd.h"
#include "base/function_ref.h"
#include "base/result.h"
#include "context/in_root.h"

namespace nskit {

// automatic: a pty when stdin is a terminal and we are in its foreground.
enum class Terminal : std::uint8_t { automatic, pty, pipes };

// What the worker is doing in the container's world, which the container
// controls: a file there may sit on a FUSE file system that never answers,
// and a process blocked there can only be killed. The worker names each
// step before it takes it, and the relay outside gives every step 0.75 s
// before it kills the worker and says which step hung.
enum class ContainerStep : char {
    toolbox = 'b',  // the toolbox shown over the container's root
    pty = 'y',      // a pty from the container's /dev/pts/ptmx
    passwd = 'p',   // the container's /etc/passwd
    group = 'g',    // the container's /etc/group
    workdir = 'w',  // the working directory
};
inline constexpr int container_step_ms = 750;

// Whether stdin is a terminal whose foreground process group is ours: only
// then may we read it or change its mode without being stopped (SIGTTIN,
// SIGTTOU), as under `timeout` or `cmd &` we are not.
bool stdin_is_our_terminal();

class Session {
public:
    // Outside, before forking the worker. Blocks the signals the relay
    // handles; the command gets them unblocked (command_begin).
    Result<void> prepare(Terminal mode);
    // Also outside, before the fork, when the worker's command is to be
    // admitted (Hooks::admit): the way the relay's word reaches the command.
    Result<void> prepare_admission();
    bool pty() const { return pty_; }

    // Inside, first thing: stdin, stdout and stderr become the pipes (or
    // stay the caller's until worker_attach gives the pty).
    Result<void> worker_begin();
    // Where the worker keeps its descriptors to the outside (see
    // keep_descriptors): the way to the relay, and the way the relay's word
    // comes to the command (prepare_admission; else not open).
    Fd& control() { return control_inside_; }
    Fd& admission() { return admission_read_; }
    // With a pty: opens it in the entered root and makes it stdio.
    Result<void> worker_attach(const ContainerRoot& where);
    // Gives the command's stdio to its user, as runc does (the pty slave inside).
    Result<void> give_stdio_to(uid_t uid);
    // Tells the outside what it does next in the container's world (above).
    Result<void> worker_step(ContainerStep step);
    // Tells the outside the command (a child that waits) exists, for it to
    // check (Hooks::admit).
    Result<void> command_named(pid_t command);
    void worker_end()
    {
        control_inside_.reset();
        admission_read_.reset();
    }
    // In the command's own process, first: before it waits to be admitted,
    // so that what it sets up for itself takes none of that time.
    Result<void> command_begin();
    // In the command's own process: waits for the outside's word, straight
    // from the relay; an error when it was not admitted (said outside).
    Result<void> command_admitted();

    // Outside: relays until the worker has exited and the output is drained
    // (at most 2 s more with pipes, as docker exec does; what the pty holds
    // then). Returns the worker's end as waitpid gives it, or 128 + signal
    // as an exit status when the relay gave up waiting (below).
    //   admit  runs when the worker's command exists and waits, with the
    //          command's /proc/PID/status (read once here): checks what it
    //          holds; a failure ends the command before it runs anything
    // A signal that ends a session (HUP, INT, QUIT, TERM) is passed on; when
    // the worker has not ended a second later (the container is frozen, the
    // command ignores it), the relay says so, lets the worker go and returns.
    struct Hooks {
        FunctionRef<Result<void>(pid_t command, std::string_view status)> admit;
    };
    struct End {
        int status = 0;      // the worker's waitpid status
        bool refused = false;  // a hook or a step refused: status 1, said already
        int gave_up = 0;     // the signal after which the relay stopped waiting
    };
    End relay(std::string_view name, pid_t worker, Hooks hooks);

private:
    friend class SessionRelay;  // session_relay.cpp: relay()'s loop
    bool pty_ = false;
    bool relay_stdin_ = true;  // not a terminal we would be stopped for reading
    Fd control_outside_, control_inside_;
    Fd admission_read_, admission_write_;  // the relay writes 'g' to admit the command, or closes it
    Fd in_read_, in_write_, out_read_, out_write_, err_read_, err_write_;
};

// The signals the relay handles: blocked from prepare() on, read through a signalfd.
sigset_t session_signals();

// Moves the descriptors of `keep` to `first`, `first` + 1, ... (updating
// them) and closes every other from `first` on. `proc_self_fd`, when one of
// them, is a /proc/self/fd for kernels without close_range.
Result<void> keep_descriptors(std::span<Fd* const> keep, int first, const Fd* proc_self_fd = nullptr);

}  // namespace nskit
