#!/usr/bin/env python3
"""tests/tools/in-pty.py: run a shell command line on a new terminal, as an
administrator's interactive shell would run it.

    in-pty.py [--input TEXT [--after MARK]] [--size ROWS COLS]
              [--resize ROWS COLS AFTER] [--timeout SECONDS] COMMAND_LINE

COMMAND_LINE runs under `bash -c` as the session leader of a new pty (the pty
is its controlling terminal and its stdin, stdout and stderr), of ROWS x COLS
(24 x 80 unless --size says). TEXT, if given, is typed into the terminal once
the command has started (0.3 s), or with --after once MARK has shown on it. --resize changes the size AFTER seconds (the
kernel then sends SIGWINCH to the terminal's foreground process group). Everything
the terminal shows is copied to our stdout; the exit status is the
command's. A TIOCSTI injection into "the caller's terminal" lands in this
pty's input, where the rest of COMMAND_LINE (a `read`) can see it.
"""
import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time


def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def main():
    args = sys.argv[1:]
    typed = b""
    mark = None
    timeout = 60.0
    size = (24, 80)
    resize = None
    while args and args[0].startswith("--"):
        if args[0] == "--input":
            typed = args[1].encode()
        elif args[0] == "--after":
            mark = args[1].encode()
        elif args[0] == "--timeout":
            timeout = float(args[1])
        elif args[0] == "--size":
            size = (int(args[1]), int(args[2]))
            args = args[1:]
        elif args[0] == "--resize":
            resize = (int(args[1]), int(args[2]), float(args[3]))
            args = args[2:]
        else:
            sys.exit("in-pty.py: unknown option " + args[0])
        args = args[2:]
    if len(args) != 1:
        sys.exit("usage: in-pty.py [--input TEXT] [--timeout SECONDS] COMMAND_LINE")

    pid, master = pty.fork()
    if pid == 0:
        set_size(0, *size)
        os.execvp("bash", ["bash", "-c", args[0]])
    started = time.monotonic()
    deadline = started + timeout
    out = sys.stdout.buffer
    if typed and mark is None:
        time.sleep(0.3)
        os.write(master, typed)
        typed = b""
    shown = b""
    status = None
    while True:
        if resize and time.monotonic() - started >= resize[2]:
            set_size(master, resize[0], resize[1])
            resize = None
        left = deadline - time.monotonic()
        if left <= 0:
            os.kill(pid, 9)
            out.write(b"\nin-pty.py: timed out\n")
            break
        ready, _, _ = select.select([master], [], [], min(left, 0.05))
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every holder of the terminal has gone
                data = b""
            if not data:
                break
            out.write(data)
            out.flush()
            if typed:
                shown += data
                if mark in shown:
                    os.write(master, typed)
                    typed = b""
        elif status is None:
            got, status_now = os.waitpid(pid, os.WNOHANG)
            if got:
                status = status_now
    if status is None:
        _, status = os.waitpid(pid, 0)
    out.flush()
    sys.exit(os.waitstatus_to_exitcode(status) & 0xFF)


main()
