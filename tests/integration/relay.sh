#!/usr/bin/env bash
# The relay (ns/session.h): docker-enter's command, and nsenter --relay's
# program, get pipes or a pty of their own, never the caller's descriptors,
# and the process outside relays them. What a user sees of it must be what
# they would see of the command itself:
#   pipes   exit status and signals, stdout and stderr apart, stdin to its
#           end, every byte of a large output, no deadlock when the command
#           ignores its input, a reader that stops early, a background
#           process holding the output (2 s at most, as docker exec), a
#           command stopped by someone else does not stop the caller
#   bounded a flood of 1 GiB to a reader that stalls keeps docker-enter's
#           peak RSS under 512 KiB; a reader that goes away ends it all
#   pty     exit status, window size and SIGWINCH, typed input, ^C, the
#           caller's terminal restored after a normal end, an error and a
#           SIGTERM; -t without a terminal, -T with one
# The target is a process of the host's own, so nothing else is in the way.
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/lib.sh"

need_root "the relay" || exit 0
spawn sleep 1000000
T=$SPAWNED
DE=("$NSKIT" docker-enter)
NS=("$NSKIT" nsenter -t "$T" -a --relay)
PTY=("$TOP/tests/tools/in-pty.py" --timeout 30)

echo "-- pipes"
expect "exit status" --rc 7 -- "${DE[@]}" -T "pid:$T" sh -c 'exit 7'
expect "exit status (nsenter --relay)" --rc 7 -- "${NS[@]}" sh -c 'exit 7'
expect "killed by a signal: docker-enter dies of it too" --rc 143 -- "${DE[@]}" "pid:$T" sh -c 'kill -TERM $$'
expect "stdout and stderr apart" --out out --err err -- "${DE[@]}" "pid:$T" sh -c 'echo out; echo err >&2'
expect "stdin to its end" --in $'a\nb\nc\n' --out 3 -- "${DE[@]}" "pid:$T" sh -c 'wc -l'
expect "stdin to its end (nsenter --relay)" --in $'a\nb\n' --out 2 -- "${NS[@]}" sh -c 'wc -l'
expect "5 MB of output, every byte, and the exit status" --rc 3 --out 5000000 \
    -- bash -c '"$@" | wc -c; exit ${PIPESTATUS[0]}' _ "${DE[@]}" "pid:$T" sh -c 'head -c 5000000 /dev/zero; exit 3'
expect "a command that ignores its input still has its output relayed" --out 5000000 \
    -- bash -c 'head -c 10000000 /dev/zero | "$@" | wc -c' _ "${DE[@]}" "pid:$T" sh -c 'head -c 5000000 /dev/zero'
expect "a reader that stops early ends the command (SIGPIPE), not a hang" --out yyyyy \
    -- bash -c '"$@" | head -c 5' _ "${DE[@]}" "pid:$T" sh -c 'while :; do echo yyyyyyyyyy; done'
started=$(date +%s%N)
expect "output after the command's end is relayed while it comes (up to 2 s, as docker exec)" --out $'started\nlate' \
    -- "${DE[@]}" "pid:$T" sh -c '(sleep 0.5; echo late) & echo started'
expect "a background process holding the output: docker-enter ends 2 s after the command" --out started \
    -- "${DE[@]}" "pid:$T" sh -c 'sleep 30 & echo started'
elapsed=$(( ($(date +%s%N) - started) / 1000000 ))
if [ "$elapsed" -lt 10000 ]; then pass "...and not when the background process does ($elapsed ms for both)"
else fail "...and not when the background process does" "$elapsed ms for both"; fi
expect "a command stopped by another process does not stop docker-enter" --out resumed \
    -- "${DE[@]}" "pid:$T" sh -c '(sleep 0.5; kill -CONT $$) & kill -STOP $$; echo resumed'
# SIGTERM to docker-enter goes to the command, which may handle it.
out=$(mktemp); at_exit "rm -f $out"
"${DE[@]}" "pid:$T" sh -c 'trap "echo got TERM; exit 5" TERM; echo ready; while :; do sleep 0.1; done' >"$out" 2>&1 </dev/null &
relay=$!
wait_for 100 grep -q ready "$out"
kill -TERM "$relay"
wait "$relay"
same "SIGTERM to docker-enter reaches the command, whose exit status it keeps" "$? $(tail -1 "$out")" "5 got TERM"

echo "-- bounded: a flood, a slow reader, a reader that goes away"
# peak_rss_kib PID...: the largest VmHWM among PIDS, polled until all are gone.
peak_rss_kib() {
    local peak=0 pid hwm alive
    while :; do
        alive=
        for pid in "$@"; do
            hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null) || continue
            [ -n "$hwm" ] || continue
            alive=1
            [ "$hwm" -gt "$peak" ] && peak=$hwm
        done
        [ -n "$alive" ] || break
        sleep 0.1
    done
    echo "$peak"
}
flood_out=$(mktemp); at_exit "rm -f $flood_out"
# 1 GiB, read by a caller that stalls for 2 s first: the relay holds what
# the pipe holds, never more.
"${DE[@]}" -T "pid:$T" head -c 1073741824 /dev/zero </dev/null |
    python3 -c 'import sys, time
time.sleep(2); n = 0
while True:
    b = sys.stdin.buffer.read(1 << 20)
    if not b: break
    n += len(b)
print(n)' >"$flood_out" &
flood=$!
wait_for 100 eval 'test -n "$(pgrep -f "docker-enter -T pid:$T head -c 1073741824")"'
peak=$(peak_rss_kib $(pgrep -f "docker-enter -T pid:$T head -c 1073741824"))
wait "$flood"
same "a flood of 1 GiB to a slow reader: every byte arrives" "$(cat "$flood_out")" 1073741824
if [ "$peak" -gt 0 ] && [ "$peak" -lt 512 ]; then pass "a flood of 1 GiB to a slow reader: docker-enter's peak RSS stays at $peak KiB"
else fail "a flood of 1 GiB to a slow reader: docker-enter's peak RSS stays under 512 KiB" "$peak KiB"; fi
# A reader that goes away: the command's next write fails, and everything ends.
started=$(date +%s%N)
"${DE[@]}" -T "pid:$T" sh -c 'while :; do echo flood; done' </dev/null | head -c 1000 >/dev/null
wait_for 100 eval 'test -z "$(pgrep -f "docker-enter -T pid:$T sh -c while")"'
took=$(( ($(date +%s%N) - started) / 1000000 ))
same "a reader that goes away ends the session, leaving no process ($took ms)" \
    "$(pgrep -f "docker-enter -T pid:$T sh -c while"; pgrep -f 'while :; do echo flood')" ""

echo "-- a pty"
need_cmd "a pty" python3 || exit 0
# in_pty OPTIONS... -- COMMAND_LINE: what the terminal shows, without carriage returns.
in_pty() {
    local options=()
    while [ "$1" != -- ]; do options+=("$1"); shift; done
    shift
    "${PTY[@]}" "${options[@]}" "$*" 2>&1 | tr -d '\r'
}
same "exit status" "$(in_pty -- "${DE[*]} pid:$T sh -c 'exit 4'; echo rc=\$?" | tail -1)" "rc=4"
same "exit status (nsenter --relay)" "$(in_pty -- "${NS[*]} sh -c 'exit 4'; echo rc=\$?" | tail -1)" "rc=4"
same "the command's terminal is a new pty, its controlling terminal" \
    "$(in_pty -- "${DE[*]} pid:$T sh -c 'tty >/dev/null && test \$(cat /proc/\$\$/stat | cut -d\" \" -f7) != 0 && echo own pty'")" "own pty"
same "the window size" "$(in_pty --size 30 100 -- "${DE[*]} pid:$T stty size")" "30 100"
same "SIGWINCH passes the new size on" \
    "$(in_pty --size 30 100 --resize 40 120 0.8 -- "${DE[*]} pid:$T sh -c 'sleep 1.5; stty size'")" "40 120"
same "typed input reaches the command" \
    "$(in_pty --input $'hello\n' --after ready -- "${DE[*]} pid:$T sh -c 'echo ready; read x; echo got:\$x'" | tail -1)" "got:hello"
# A caller in the background of a script ignores SIGINT and SIGQUIT: docker
# exec's command never inherits that, and docker-enter's does not either.
same "the command starts with no signal ignored, whatever the caller ignores" \
    "$(bash -c "trap '' INT QUIT; ${DE[*]} -T pid:$T grep SigIgn /proc/self/status")" "SigIgn:	0000000000000000"
same "... nor with nsenter --relay" \
    "$(bash -c "trap '' INT QUIT; ${NS[*]} --relay=pipes grep SigIgn /proc/self/status")" "SigIgn:	0000000000000000"
same "^C interrupts the command, not docker-enter" \
    "$(in_pty --input $'\x03' --after started -- "${DE[*]} pid:$T sh -c 'echo started; exec sleep 100'; echo rc=\$?" |
       tail -1 | grep -o 'rc=[0-9]*')" "rc=130"
restored() {  # COMMAND_LINE run at the terminal; then whether its settings are as before
    in_pty -- "before=\$(stty -g); $*; [ \"\$(stty -g)\" = \"\$before\" ] && echo restored || echo changed" | tail -1
}
same "the terminal is restored after a normal end" "$(restored "${DE[*]} pid:$T true")" restored
same "the terminal is restored after the command fails" "$(restored "${DE[*]} pid:$T /no/such/program")" restored
same "the terminal is restored after an error before the command" "$(restored "${DE[*]} pid:0 true")" restored
same "the terminal is restored after SIGTERM" \
    "$(restored "${DE[*]} pid:$T sleep 100 & p=\$!; sleep 1; kill -TERM \$p; wait \$p")" restored
same "-t: a pty, without a terminal here" "$("${DE[@]}" -t "pid:$T" sh -c 'tty | cut -c1-9' </dev/null | tr -d '\r')" "/dev/pts/"
same "-T: pipes, at a terminal" "$(in_pty -- "${DE[*]} -T pid:$T sh -c 'tty || true'")" "not a tty"
# Under timeout (without --foreground) we are in the background of the
# terminal: taking it over would stop us (SIGTTOU), reading it too (SIGTTIN).
same "in the background of its terminal: pipes, the terminal left alone, no stop" \
    "$(in_pty -- "before=\$(stty -g); timeout 20 ${DE[*]} pid:$T sh -c 'tty || true'; echo rc=\$?; [ \"\$(stty -g)\" = \"\$before\" ] && echo restored")" \
    $'not a tty\nrc=0\nrestored'
