# The racer of the attack suites (tests/e2e/hostile.sh, tests/integration/hostile.sh),
# sourced after tests/lib.sh. A container whose init is RACER_INIT starts
# tests/tools/hostile.c's racer whenever the host writes /tmp/go into its
# root; the host reads what it found from /tmp/race.out there. No process is
# started in the container for it, so nothing but the entering command
# itself is new there while the race runs. The racer ends a second after
# that command has gone, or after 20 s (a guest under emulation, slowed
# further by two others beside it, once took more than 4 s to bring one in).
RACER_INIT='while :; do if [ -e /tmp/go ]; then . /tmp/go; rm /tmp/go;
    /hostile race 20 >/tmp/race.out 2>&1; touch /tmp/race.done; fi; sleep 0.05; done'

# race ROOT EXE REWRITE -- COMMAND...: the racer in the container whose root
# is ROOT (/proc/INIT/root) looks for handles on EXE and for $MARKER (and
# with REWRITE 1 rewrites EXE afterwards), while COMMAND runs with its
# execve held back for 0.7 s by strace; prints what the racer said.
race() {
    local root=$1 exe=$2 rewrite=$3; shift 4
    rm -f "$root/tmp/race.out" "$root/tmp/race.done"
    printf 'export HOSTILE_EXE=%s HOSTILE_MARKER=%s HOSTILE_REWRITE=%s\n' "$(stat -L -c %d:%i "$exe")" "$MARKER" \
        "$rewrite" >"$root/tmp/go"
    wait_for 200 grep -q racing "$root/tmp/race.out"
    timeout 60 strace -f -o /dev/null -e trace=execve -e inject=execve:delay_enter=700000 "$@" \
        >/dev/null 2>&1 </dev/null
    wait_for 600 test -e "$root/tmp/race.done"
    cat "$root/tmp/race.out"
}

# racer_case NAME PATTERN ROOT EXE -- COMMAND...: passes when the racer saw
# the entering process (its command line matches PATTERN) and got nothing.
racer_case() {
    local name=$1 pattern=$2 root=$3 exe=$4 out; shift 5
    out=$(race "$root" "$exe" 1 -- "$@")
    if ! grep -q 'race over' <<<"$out"; then
        fail "$name" "the racer did not finish: $(head -c 200 <<<"$out")"
    elif ! grep -q "^saw PID .*$pattern" <<<"$out"; then
        fail "$name" "the racer never saw the entering process: $(head -c 300 <<<"$out")"
    else
        same "$name" "$(grep '^ESCAPE' <<<"$out" | sort -u | head -5 | tr '\n' ' ')" ""
    fi
}
