#!/usr/bin/env bash
# A hostile container against the administrator who enters it (README,
# "Threat model"). Each case is an attack the container mounts, written as
# the container would: tests/tools/hostile.c is its program. Every case runs
# through docker-enter with the daemon up and daemonless, and beside it
# through `docker exec` on the same container, whose outcome is the
# reference. A case passes when the container gets nothing of the host's.
#   racer       /proc/PID/exe, /proc/PID/fd and pidfd_getfd on every process it
#               can see, while the entering process is held before its exec
#               (strace delays the execve): no handle on the binary, no host
#               directory, no rewritten binary (the CVE-2019-5736 pattern);
#               with default capabilities and with SYS_PTRACE; and with --tools
#   workdir     WorkingDir replaced by a symlink to /proc/self/fd/N (CVE-2024-21626)
#   fake caps   an init whose seccomp filter makes capset and prctl lie
#   TIOCSTI     keystrokes pushed into the caller's terminal (stdin, stdout, stderr)
#   fds         an inherited descriptor, a redirected stdout made setuid
#   accounts    /etc/passwd and /etc/group as symlinks to /proc/self/fd/N
#   traced init the container ptraces its own init: still entered, with the
#               record's filter (no ptrace of the init needed)
# Run against another build with NSKIT=/path/to/nskit tests/run e2e/hostile.
# With NSKIT_LAB=1 (the host lab's guest, tests/host-lab/suite.sh) it uses
# the engine that runs there and the attack program built on the host, and
# tries fewer descriptor numbers for the working directory: each try costs a
# `docker exec` (the reference), seconds under emulation.
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/lib.sh"
. "$TOP/tests/e2e/docker.sh"
. "$TOP/tests/tools/race.sh"

WORK=$(mktemp -d /tmp/nskit-hostile.XXXXXX)
at_exit "rm -rf $WORK"
if [ -n "${NSKIT_LAB:-}" ]; then
    DOCKER_DIR=$WORK/engine  # scratch for make_busybox_image; the engine is the guest's
    mkdir -p "$DOCKER_DIR"
    cp "$TOP/build/host-lab/hostile" "$WORK/hostile"
    STATE=(--timeout 1)
    WORKDIR_FDS="3 8 16 24"
else
    need_cmd "hostile containers" gcc || exit 0
    docker_start "hostile containers" || exit 0
    if ! gcc -static -O2 -o "$WORK/hostile" "$TOP/tests/tools/hostile.c" 2>"$WORK/cc.err"; then
        fail "the attack program builds" "$(head -c 300 "$WORK/cc.err")"
        exit 0
    fi
    STATE=(--timeout 1 --state-dir "$DOCKER_DIR/x" --data-root "$DOCKER_DIR/d")
    WORKDIR_FDS=$(seq 3 24)
fi
docker image inspect nskit-test/busybox >/dev/null 2>&1 || make_busybox_image nskit-test/busybox ||
    { fail "busybox image" "docker import failed"; exit 0; }
printf 'FROM nskit-test/busybox\nCOPY hostile /hostile\n' >"$WORK/Dockerfile"
docker_build -q -t nskit-test/hostile "$WORK" >/dev/null 2>&1 || { fail "hostile image" "docker build failed"; exit 0; }
IMAGE=nskit-test/hostile

# The entered binary is a copy, made again before every case: an attack that
# rewrites it must rewrite neither the build nor the cases after it.
VICTIM=$WORK/nskit
fresh_victim() { rm -f "$VICTIM"; cp "$NSKIT" "$VICTIM"; }
fresh_victim
ln -s nskit "$WORK/docker-enter"
ln -s nskit "$WORK/nsenter"
DE=(timeout 30 "$WORK/docker-enter")
NS=(timeout 30 "$WORK/nsenter")
VICTIM_SUM=$(md5sum <"$NSKIT")
# A file at the host's root that no container has: reading it is an escape.
MARKER=/nskit-hostile-marker.$$
echo "the host's secret $$" >"$MARKER"
at_exit "rm -f $MARKER"
SECRET="the host's secret $$"
DAEMONLESS=(env DOCKER_HOST="unix://$DOCKER_DIR/no-daemon.sock")

run_container() {  # NAME [docker run options...] -- [command...]
    local name=$1; shift
    local options=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do options+=("$1"); shift; done
    shift
    [ $# -gt 0 ] || set -- sleep 1000000
    docker run -d --network none --name "$name" "${options[@]}" "$IMAGE" "$@" >/dev/null
}
pid_of() { docker inspect -f '{{.State.Pid}}' "$1"; }

# escapes TEXT: the lines of the attack's output that say it got something.
escapes() { grep '^ESCAPE' <<<"$1" | sort -u | head -5 | tr '\n' ' '; }

echo "-- racer: the entering process, held before its exec, gives nothing away"
need_cmd "racer with the exec held back" strace
RUNC=$(command -v runc || command -v docker-runc)
for caps in default SYS_PTRACE; do
    options=(); [ "$caps" = SYS_PTRACE ] && options=(--cap-add SYS_PTRACE)
    run_container "racer-$caps" "${options[@]}" -- sh -c "$RACER_INIT"
    root=/proc/$(pid_of "racer-$caps")/root
    for how in daemon daemonless; do
        prefix=(); extra=()
        [ "$how" = daemonless ] && prefix=("${DAEMONLESS[@]}") && extra=("${STATE[@]}")
        fresh_victim
        racer_case "racer ($caps capabilities, $how): docker-enter gives no host handle" "docker-enter.*racer-$caps true" \
            "$root" "$VICTIM" -- "${prefix[@]}" "$WORK/docker-enter" "${extra[@]}" "racer-$caps" true
        same "racer ($caps capabilities, $how): the binary is as it was" "$(md5sum <"$VICTIM")" "$VICTIM_SUM"
    done
    # The reference, for the record: Debian 12's runc 1.1.5 runs `runc init`
    # from its own file for a moment, so a SYS_PTRACE container can get a
    # handle on /usr/sbin/runc (never rewritten here).
    if [ -n "$RUNC" ] && [ -z "${NSKIT_LAB:-}" ]; then
        out=$(race "$root" "$RUNC" 0 -- docker exec "racer-$caps" true)
        echo "  reference: docker exec ($caps capabilities): $(escapes "$out" | sed 's/HOSTILE_EXE/runc/g')"
    fi
done
# With --tools the worker also makes the view (a mount namespace of its own,
# the toolbox cloned from the host): still nothing of the host's reaches the command.
mkdir "$WORK/toolbox" && cp /bin/busybox "$WORK/toolbox/busybox" && ln -s busybox "$WORK/toolbox/sh"
fresh_victim
racer_case "racer (SYS_PTRACE capabilities): docker-enter --tools gives no host handle" \
    "docker-enter.*racer-SYS_PTRACE true" "/proc/$(pid_of racer-SYS_PTRACE)/root" "$VICTIM" \
    -- "$WORK/docker-enter" --tools="$WORK/toolbox" racer-SYS_PTRACE true
same "racer (SYS_PTRACE capabilities): docker-enter --tools: the binary is as it was" "$(md5sum <"$VICTIM")" "$VICTIM_SUM"
# Plain nsenter keeps util-linux's semantics: its command is host root with
# every capability, which a container without CAP_SYS_PTRACE cannot touch
# (and one with it can take over: README says so).
fresh_victim
racer_case "racer (default capabilities): nsenter -t PID -a gives no host handle" "nsenter -t" \
    "/proc/$(pid_of racer-default)/root" "$VICTIM" -- "$WORK/nsenter" -t "$(pid_of racer-default)" -a true
same "racer (default capabilities): nsenter -t PID -a: the binary is as it was" "$(md5sum <"$VICTIM")" "$VICTIM_SUM"

echo "-- working directory: a symlink to /proc/self/fd/N (CVE-2024-21626)"
run_container workdir -w /wd --
# The container's files are changed from here, through its init's root, as
# it could change them itself (no docker exec for each: seconds each under
# emulation).
WORKDIR_ROOT=/proc/$(pid_of workdir)/root
# leaks COMMAND...: for each N, point /wd at /proc/self/fd/N and try to read
# the marker relative to the working directory; prints each N that leaked.
leaks() {
    local n
    for n in $WORKDIR_FDS; do
        rm -rf "$WORKDIR_ROOT/wd"
        ln -s "/proc/self/fd/$n" "$WORKDIR_ROOT/wd"
        "$@" cat ../../../../../../../../.."$MARKER" 2>/dev/null </dev/null | grep -qF "$SECRET" && echo -n "$n "
    done
}
same "symlinked working directory: docker exec (reference) reads no host file" "$(leaks docker exec workdir)" ""
fresh_victim
same "symlinked working directory: docker-enter reads no host file" "$(leaks "${DE[@]}" workdir)" ""
same "symlinked working directory: docker-enter (daemonless) reads no host file" \
    "$(leaks "${DAEMONLESS[@]}" "${DE[@]}" "${STATE[@]}" workdir)" ""
rm -rf "$WORKDIR_ROOT/wd"; mkdir "$WORKDIR_ROOT/wd"

echo "-- an init whose seccomp filter fakes capset, capget and prctl"
CAPS_PROBE='grep -E "^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp):" /proc/self/status'
for profile in default unconfined; do
    options=(); [ "$profile" = unconfined ] && options=(--security-opt seccomp=unconfined)
    name="fakecaps-$profile"
    run_container "$name" "${options[@]}" -- /hostile fake-caps sleep 1000000
    wait_for 100 grep -q '^NoNewPrivs:.*1' "/proc/$(pid_of "$name")/status"
    expected=$(docker exec "$name" sh -c "$CAPS_PROBE" 2>&1)
    fresh_victim
    same "faking filter ($profile seccomp): docker-enter has docker exec's capabilities" \
        "$("${DE[@]}" "$name" sh -c "$CAPS_PROBE" 2>&1 </dev/null)" "$expected"
    same "faking filter ($profile seccomp): docker-enter (daemonless) has docker exec's capabilities" \
        "$("${DAEMONLESS[@]}" "${DE[@]}" "${STATE[@]}" "$name" sh -c "$CAPS_PROBE" 2>&1 </dev/null)" "$expected"
done
# The check from outside: the relay reads its worker's /proc/PID/status
# before the command may start. A filter that the kernel "installed" without
# installing it (a fault strace injects) passes become()'s own read-back,
# which sees no filters, but not this check.
if command -v strace >/dev/null 2>&1; then
    fresh_victim
    expect "a filter the kernel did not install: the check from outside refuses" --rc 1 --out "" \
        --err "refusing to run the command (0, planned 1): the process that would run it holds other seccomp filters" \
        -- strace -f -o /dev/null -e trace=seccomp -e inject=seccomp:retval=0 "$WORK/docker-enter" fakecaps-default echo ran
fi
# pid:N has no record: the init's own filters, never more than its bounding set (none here).
fresh_victim
got=$("${DE[@]}" "pid:$(pid_of fakecaps-default)" grep -E '^Cap(Prm|Eff|Bnd|Amb):' /proc/self/status 2>&1 </dev/null)
same "faking filter, pid:N: nothing beyond the init's bounding set" \
    "$(tr -d '\t' <<<"$got" | tr '\n' ' ')" "CapPrm:0000000000000000 CapEff:0000000000000000 CapBnd:0000000000000000 CapAmb:0000000000000000 "

echo "-- an init the container traces itself: entering needs no ptrace of it"
run_container traced --
docker exec -d traced /hostile trace-init
if wait_for 100 eval '! grep -q "^TracerPid:[[:space:]]*0$" /proc/'"$(pid_of traced)"'/status'; then
    SECCOMP_PROBE='grep "^Seccomp" /proc/self/status; unshare -U true 2>&1; echo "unshare rc=$?"'
    expected=$(docker exec traced sh -c "$SECCOMP_PROBE" 2>&1)
    fresh_victim
    same "traced init: docker-enter is let in, with the record's filter (as docker exec)" \
        "$("${DE[@]}" traced sh -c "$SECCOMP_PROBE" 2>&1 </dev/null)" "$expected"
    same "traced init: docker-enter (daemonless) is let in, with the record's filter" \
        "$("${DAEMONLESS[@]}" "${DE[@]}" "${STATE[@]}" traced sh -c "$SECCOMP_PROBE" 2>&1 </dev/null)" "$expected"
    # pid:N has no record: it must trace the init, and says who holds it.
    expect "traced init, pid:N: refused, naming the tracer" --rc 1 --err "is traced by PID" \
        -- "${DE[@]}" "pid:$(pid_of traced)" true
else
    fail "a container that traces its own init" "the tracer did not attach: $(docker logs traced 2>&1 | tail -2)"
fi

# One container for what follows (its /etc/passwd is broken last).
run_container misc --

echo "-- TIOCSTI: keystrokes pushed into the caller's terminal"
fresh_victim
# injected COMMAND...: what the caller's shell reads from its terminal after
# COMMAND (never run under `timeout`, which would put it in the background
# of the terminal; in-pty.py has a timeout of its own).
injected() {
    local out
    out=$("$TOP/tests/tools/in-pty.py" --timeout 30 "$* ; read -t 1 line; echo \"AFTER:[\$line]\"" 2>&1 | tr -d '\r')
    grep -qE '^(pushed [0-9]+ characters|TIOCSTI on descriptor)' <<<"$out" || echo "the attack did not run: $out"
    sed -n 's/^AFTER:\[\(.*\)\]$/\1/p' <<<"$out"
}
INJECT="/hostile tiocsti FD \$'echo INJECTED\\n'"
need_cmd "TIOCSTI under a terminal" python3 && {
    same "TIOCSTI through stdin: docker exec -it (reference) reaches no shell of the caller" \
        "$(injected "docker exec -it misc ${INJECT/FD/0}")" ""
    for fd in 0 1 2; do
        redirect=; [ "$fd" != 0 ] && redirect="</dev/null"
        same "TIOCSTI through descriptor $fd: docker-enter reaches no shell of the caller" \
            "$(injected "$WORK/docker-enter misc ${INJECT/FD/$fd} $redirect")" ""
        same "TIOCSTI through descriptor $fd: docker-enter (daemonless) reaches no shell of the caller" \
            "$(injected "${DAEMONLESS[*]} $WORK/docker-enter ${STATE[*]} misc ${INJECT/FD/$fd} $redirect")" ""
    done
}

echo "-- descriptors of the caller"
echo "$SECRET" >"$WORK/host-file"
fresh_victim
read_fd7='cat <&7 2>&1 || true'
same "an inherited descriptor: docker exec (reference) does not pass it" \
    "$(docker exec misc sh -c "$read_fd7" 7<"$WORK/host-file" | grep -cF "$SECRET")" 0
same "an inherited descriptor: docker-enter does not pass it" \
    "$("${DE[@]}" misc sh -c "$read_fd7" 7<"$WORK/host-file" </dev/null | grep -cF "$SECRET")" 0
same "an inherited descriptor: docker-enter (daemonless) does not pass it" \
    "$("${DAEMONLESS[@]}" "${DE[@]}" "${STATE[@]}" misc sh -c "$read_fd7" 7<"$WORK/host-file" </dev/null | grep -cF "$SECRET")" 0
# setuid STDOUT_FILE COMMAND...: the mode of the file COMMAND's stdout went to
# after it tried to make it setuid through /proc/self/fd/1.
setuid() {
    local file=$1; shift
    rm -f "$file"; : >"$file"; chmod 644 "$file"
    "$@" sh -c 'chmod 4755 /proc/self/fd/1' >"$file" 2>/dev/null </dev/null
    stat -c %a "$file"
}
same "a redirected stdout: docker exec (reference) cannot make it setuid" "$(setuid "$WORK/out" docker exec misc)" 644
same "a redirected stdout: docker-enter cannot make it setuid" "$(setuid "$WORK/out" "${DE[@]}" misc)" 644
same "a redirected stdout: docker-enter (daemonless) cannot make it setuid" \
    "$(setuid "$WORK/out" "${DAEMONLESS[@]}" "${DE[@]}" "${STATE[@]}" misc)" 644

echo "-- /etc/passwd and /etc/group: symlinks to /proc/self/fd/7"
printf 'hostonly:x:4242:4242::/:/bin/sh\n' >"$WORK/host-passwd"
printf 'hostgroup:x:4343:\n' >"$WORK/host-group"
ln -sf /proc/self/fd/7 "/proc/$(pid_of misc)/root/etc/passwd"
ln -sf /proc/self/fd/8 "/proc/$(pid_of misc)/root/etc/group"
fresh_victim
# ids COMMAND...: whether -u hostonly and -u root:hostgroup took their ids
# (4242, 4343) from the host's files, which the caller holds on 7 and 8.
ids() {
    local user group
    user=$("$@" -u hostonly misc id -u 7<"$WORK/host-passwd" 8<"$WORK/host-group" 2>&1 </dev/null)
    group=$("$@" -u root:hostgroup misc id -g 7<"$WORK/host-passwd" 8<"$WORK/host-group" 2>&1 </dev/null)
    echo "host uid: $(grep -c '^4242$' <<<"$user"), host gid: $(grep -c '^4343$' <<<"$group")"
}
same "symlinked accounts: docker exec (reference) reads no host file" "$(ids docker exec)" "host uid: 0, host gid: 0"
same "symlinked accounts: docker-enter reads no host file" "$(ids "${DE[@]}")" "host uid: 0, host gid: 0"
same "symlinked accounts: docker-enter (daemonless) reads no host file" \
    "$(ids "${DAEMONLESS[@]}" "${DE[@]}" "${STATE[@]}")" "host uid: 0, host gid: 0"
