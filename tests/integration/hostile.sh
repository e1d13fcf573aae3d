#!/usr/bin/env bash
# A hostile container without any engine (README, "Threat model"): one made
# here with its own user namespace (root inside is uid 100000 outside, and
# holds every capability of its namespace, CAP_SYS_PTRACE included), mount,
# pid and other namespaces, and its own root: a static busybox and the
# attack program (tests/tools/hostile.c). Through nsenter -t PID -a and
# docker-enter pid:N:
#   racer      while the entering process is held before its exec: no
#              descriptor of the host's (the caller's directory on 7), no
#              handle on the binary, for nsenter too (it is not dumpable)
#   relay      nsenter --relay and docker-enter: no inherited descriptor, a
#              redirected stdout is not the command's to make setuid, a
#              session of its own, TIOCSTI reaches no shell of the caller
#   groups     the caller's supplementary groups never reach the command,
#              even where the container's user namespace denies setgroups
#   seccomp    a target's filters are installed in their own order
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/lib.sh"
. "$TOP/tests/tools/race.sh"

need_root "hostile containers without an engine" || exit 0
need_ns "hostile containers without an engine" user || exit 0
need_cmd "hostile containers without an engine" gcc || exit 0

WORK=$(mktemp -d /tmp/nskit-hostile-int.XXXXXX)
CONTAINERS=()
cleanup() {
    local pid
    for pid in "${CONTAINERS[@]}"; do kill -9 "$pid" 2>/dev/null; done
    rm -rf "$WORK"
}
at_exit cleanup
if ! gcc -static -O2 -o "$WORK/hostile" "$TOP/tests/tools/hostile.c" 2>"$WORK/cc.err"; then
    fail "the attack program builds" "$(head -c 300 "$WORK/cc.err")"
    exit 0
fi
cp "$NSKIT" "$WORK/nskit"
ln -s nskit "$WORK/nsenter"
ln -s nskit "$WORK/docker-enter"
NS=(timeout 30 "$WORK/nsenter")
DE=(timeout 30 "$WORK/docker-enter")
VICTIM_SUM=$(md5sum <"$NSKIT")
MARKER=/nskit-hostile-marker.int.$$
echo "the host's secret $$" >"$MARKER"
at_exit "rm -f $MARKER"
mkdir "$WORK/host-directory"

# new_root DIR: a static busybox and the attack program, owned by the container's root.
new_root() {
    local root=$1 applet
    mkdir -p "$root/bin" "$root/proc" "$root/tmp" "$root/etc" "$root/dev"
    cp /bin/busybox "$root/bin/busybox"
    for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"; done
    cp "$WORK/hostile" "$root/hostile"
    printf 'root:x:0:0:root:/:/bin/sh\n' >"$root/etc/passwd"
    printf 'root:x:0:\n' >"$root/etc/group"
    chown -R 100000:100000 "$root"
}

# start_container ROOT [unshare options...] -- SCRIPT: SCRIPT as the init of a
# new container (own user namespace mapped to 100000, mount, uts, ipc, net,
# pid); sets INIT to its pid as seen from here.
start_container() {
    local root=$1; shift
    local options=()
    while [ "$1" != -- ]; do options+=("$1"); shift; done
    shift
    "$NSKIT" unshare -U --map-users 0:100000:65536 --map-groups 0:100000:65536 -S 0 -G 0 "${options[@]}" \
        -m -u -i -n -p -f --mount-proc -R "$root" /bin/sh -c "$1" >/dev/null 2>&1 </dev/null &
    local top=$! i
    CONTAINERS+=("$top")
    INIT=
    for i in $(seq 1 100); do
        INIT=$(pgrep -P "$top" | head -1)
        [ -n "$INIT" ] && [ "$(readlink "/proc/$INIT/root")" = "$root" ] && return 0
        sleep 0.05
    done
    return 1
}

ROOT=$WORK/root
new_root "$ROOT"
# The container's init mounts a devpts of its own (for ptys), then starts a
# racer whenever the host asks (tests/tools/race.sh).
if ! start_container "$ROOT" -- "mkdir -p /dev/pts; mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts;
    $RACER_INIT"; then
    fail "a container with its own user namespace" "it did not start"
    exit 0
fi
CONTAINERS+=("$INIT")

echo "-- racer: a root with every capability of its own user namespace"
if need_cmd "racer with the exec held back" strace; then
    # The entering command holds the host's directory on descriptor 7.
    racer_case "racer: nsenter -t PID -a gives no host descriptor or handle" "nsenter -t" "$ROOT" "$WORK/nskit" \
        -- bash -c 'exec "$@" 7<"$0"' "$WORK/host-directory" "$WORK/nsenter" -t "$INIT" -a -r true
    racer_case "racer: docker-enter pid:N gives no host descriptor or handle" "docker-enter pid:" "$ROOT" "$WORK/nskit" \
        -- bash -c 'exec "$@" 7<"$0"' "$WORK/host-directory" "$WORK/docker-enter" "pid:$INIT" true
    same "racer: the binary is as it was" "$(md5sum <"$WORK/nskit")" "$VICTIM_SUM"
fi

echo "-- the relay: nothing of the caller's but what is relayed"
# descriptors COMMAND...: the descriptors a command holds (ls lists its own:
# the last one is the directory it reads).
descriptors() { "$@" ls /proc/self/fd 7<"$WORK/host-directory" 2>&1 </dev/null | tr '\n' ' '; }
same "nsenter --relay: no inherited descriptor" "$(descriptors "${NS[@]}" -t "$INIT" -a -r --relay)" "0 1 2 3 "
same "docker-enter: no inherited descriptor" "$(descriptors "${DE[@]}" "pid:$INIT")" "0 1 2 3 "
same "docker-enter --preserve-fds 5: descriptors 3 to 7 go in" \
    "$(exec 3</dev/null 4</dev/null 5</dev/null 6</dev/null; descriptors "${DE[@]}" --preserve-fds 5 "pid:$INIT")" \
    "0 1 2 3 4 5 6 7 8 "
expect "docker-enter --preserve-fds: a descriptor that is not open is refused" --rc 1 \
    --err "--preserve-fds 9: descriptor" -- "${DE[@]}" --preserve-fds 9 "pid:$INIT" true
# setuid COMMAND...: the mode of the file COMMAND's stdout went to, after it
# tried to make it setuid through /proc/self/fd/1.
setuid() {
    local file=$WORK/out
    rm -f "$file"; : >"$file"; chmod 644 "$file"
    "$@" /bin/chmod 4755 /proc/self/fd/1 >"$file" 2>/dev/null </dev/null
    stat -c %a "$file"
}
same "nsenter --relay: a redirected stdout cannot be made setuid" "$(setuid "${NS[@]}" -t "$INIT" -a -r --relay)" 644
same "docker-enter: a redirected stdout cannot be made setuid" "$(setuid "${DE[@]}" "pid:$INIT")" 644
session_of() { "$@" sh -c 'set -- $(cat /proc/$$/stat); [ "$6" = $$ ] && echo own session || echo "session $6"' </dev/null; }
same "nsenter --relay: the program leads a session of its own" "$(session_of "${NS[@]}" -t "$INIT" -a -r --relay)" "own session"
same "docker-enter: the command leads a session of its own" "$(session_of "${DE[@]}" "pid:$INIT")" "own session"
if need_cmd "TIOCSTI under a terminal" python3; then
    injected() {
        local out
        out=$("$TOP/tests/tools/in-pty.py" --timeout 30 "$* ; read -t 1 line; echo \"AFTER:[\$line]\"" 2>&1 | tr -d '\r')
        grep -qE '^(pushed [0-9]+ characters|TIOCSTI on descriptor)' <<<"$out" || echo "the attack did not run: $out"
        sed -n 's/^AFTER:\[\(.*\)\]$/\1/p' <<<"$out"
    }
    same "nsenter --relay: TIOCSTI reaches no shell of the caller" \
        "$(injected "$WORK/nsenter -t $INIT -a -r --relay /hostile tiocsti 0 \$'echo INJECTED\\n'")" ""
    same "docker-enter pid:N: TIOCSTI reaches no shell of the caller" \
        "$(injected "$WORK/docker-enter pid:$INIT /hostile tiocsti 0 \$'echo INJECTED\\n'")" ""
fi

echo "-- groups: the caller's never reach the command"
ROOT2=$WORK/root2
new_root "$ROOT2"
if start_container "$ROOT2" --setgroups deny -- 'exec sleep 1000000'; then
    CONTAINERS+=("$INIT")
    groups=$(setpriv --groups 4444 "${DE[@]}" "pid:$INIT" grep '^Groups:' /proc/self/status 2>&1 </dev/null)
    same "setgroups denied inside: the caller's group 4444 is dropped before entering" "$(tr -d '\t ' <<<"$groups")" "Groups:"
else
    fail "a container whose user namespace denies setgroups" "it did not start"
fi

echo "-- seccomp: a target's filters in their own order"
ROOT3=$WORK/root3
new_root "$ROOT3"
if start_container "$ROOT3" -- 'exec /hostile two-filters sleep 1000000'; then
    CONTAINERS+=("$INIT")
    wait_for 100 grep -q '^Seccomp_filters:.*2' "/proc/$INIT/status"
    expect "docker-enter pid:N: the newest filter answers, as in the target" --out "getppid: errno 22" \
        -- "${DE[@]}" "pid:$INIT" /hostile getppid
else
    fail "a target with two filters" "it did not start"
fi

echo "-- the container's files: never waited on, never read past a bound"
# A container whose account files are anything but files, or files that
# never answer: each is refused within a second, naming the file, and the
# caller gets its terminal back. /dev/null and /dev/fuse are device nodes
# the host puts in the root (a container with its own user namespace may
# use them, not make them).
ROOT4=$WORK/root4
new_root "$ROOT4"
mknod -m 666 "$ROOT4/dev/null" c 1 3
mknod -m 666 "$ROOT4/dev/zero" c 1 5
have_fuse=
[ -c /dev/fuse ] && mknod -m 666 "$ROOT4/dev/fuse" c 10 229 && have_fuse=1
chown -R 100000:100000 "$ROOT4"
if start_container "$ROOT4" -- 'exec sleep 1000000'; then
    CONTAINERS+=("$INIT")
    ETC=/proc/$INIT/root/etc
    # refused_in_time CASE FILE EXPECTED_ERROR: docker-enter -u root pid:N,
    # refused naming FILE within a second.
    refused_in_time() {
        local case=$1 error=$2 started took out
        started=$(date +%s%N)
        out=$("${DE[@]}" -u root "pid:$INIT" true 2>&1 </dev/null)
        took=$(( ($(date +%s%N) - started) / 1000000 ))
        if ! grep -qF -- "$error" <<<"$out"; then
            fail "$case" "not refused with '$error': $(head -c 300 <<<"$out")"
        elif [ "$took" -ge 1000 ]; then
            fail "$case" "refused after $took ms: $out"
        else
            pass "$case"
        fi
    }
    for kind in fifo socket device directory; do
        rm -rf "$ETC/passwd"
        case $kind in
            fifo) mkfifo "$ETC/passwd" ;;
            socket) python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$ETC/passwd" ;;
            device) ln -s /dev/zero "$ETC/passwd" ;;
            directory) mkdir "$ETC/passwd" ;;
        esac
        refused_in_time "/etc/passwd a $kind: refused within a second" "cannot read /etc/passwd: not a regular file"
    done
    rm -rf "$ETC/passwd"; printf 'root:x:0:0:root:/:/bin/sh\n' >"$ETC/passwd"
    rm -f "$ETC/group"; mkfifo "$ETC/group"
    refused_in_time "/etc/group a fifo: refused within a second" "cannot read /etc/group: not a regular file"
    rm -f "$ETC/group"; truncate -s 1G "$ETC/group"
    refused_in_time "/etc/group a sparse 1 GiB file: refused within a second" "cannot read /etc/group: the file is larger than expected"
    rm -f "$ETC/group"; printf 'root:x:0:\n' >"$ETC/group"
    chown -h 100000:100000 "$ETC/passwd" "$ETC/group"
    # A FUSE file system of the container's own whose reads never answer:
    # the read waits even through SIGKILL, so the caller must not wait with it.
    if [ -z "$have_fuse" ]; then
        skip "/etc/passwd on a FUSE file system that never answers" "no /dev/fuse here"
    else
        "$WORK/nsenter" -t "$INIT" -a -r /hostile fuse-hang /etc passwd group >"$WORK/fuse.log" 2>&1 </dev/null &
        CONTAINERS+=($!)
        wait_for 100 grep -q "serving" "$WORK/fuse.log"
        refused_in_time "/etc/passwd on a FUSE file system that never answers: refused within a second" \
            "cannot read the container's /etc/passwd: no answer within 0.75 s"
        # It ends when the file system does: nothing of ours outlives the container.
        worker=$(pgrep -f "docker-enter -u root pid:$INIT")
        same "the worker blocked in the FUSE read is the one process left" "$(wc -w <<<"$worker")" 1
        kill -9 "$INIT"
        wait_for 100 eval 'test -z "$(pgrep -f "docker-enter -u root pid:$INIT")"'
        same "the worker blocked in the FUSE read ends with the container" "$(pgrep -f "docker-enter -u root pid:$INIT")" ""
    fi
else
    fail "a container for hostile files" "it did not start"
fi

echo "-- what the container's files say reaches the caller's terminal visibly"
ROOT5=$WORK/root5
new_root "$ROOT5"
printf 'root:x:0:0:root:/:/nowhere\033]2;PWNED\007\033[2J\n' >"$ROOT5/etc/passwd"
if start_container "$ROOT5" -- 'exec sleep 1000000'; then
    CONTAINERS+=("$INIT")
    out=$("${DE[@]}" -T "pid:$INIT" 2>&1 </dev/null)
    same "a shell in /etc/passwd made of escape sequences: no escape byte reaches the caller" \
        "$(tr -d '\n' <<<"$out" | tr -dc '\000-\037\177' | od -An -c | tr -d ' ')" ""
    expect "a shell in /etc/passwd made of escape sequences: shown visibly" --rc 127 \
        --err 'no /nowhere\x1b]2;PWNED\x07\x1b[2J in container' -- "${DE[@]}" -T "pid:$INIT"
else
    fail "a container whose passwd names an escape sequence for a shell" "it did not start"
fi

echo "-- /proc and /dev/pts faked inside: nothing nskit writes or opens is redirected"
# The container's root (holding every capability of its user namespace) mounts
# a tmpfs over /proc whose self/oom_score_adj and self/attr/exec lead to a
# file the host shares with it (as a volume would), and a tmpfs over /dev/pts
# whose ptmx is a FIFO (runc's CVE-2025-31133 and -52881 shape). Whatever
# nskit writes through /proc happens before it enters, or through the /proc it
# opened on the host; the pty's multiplexer is checked before it is opened.
ROOT6=$WORK/root6
new_root "$ROOT6"
mkdir -p "$ROOT6/volume"
echo untouched >"$ROOT6/volume/victim"
chown -R 100000:100000 "$ROOT6/volume"
if start_container "$ROOT6" -- 'mkdir -p /dev/pts /real-proc; mount -t proc proc /real-proc
    mount -t tmpfs fake /proc
    for d in self thread-self 1; do mkdir -p /proc/$d/attr/apparmor; for f in oom_score_adj attr/exec attr/apparmor/exec setgroups uid_map gid_map; do ln -s /volume/victim /proc/$d/$f; done; done
    mkdir -p /proc/sys/kernel; mkfifo /proc/sys/kernel/cap_last_cap
    mount -t tmpfs fake /dev/pts; mkfifo /dev/pts/ptmx; ln -sf pts/ptmx /dev/ptmx
    exec sleep 1000000'; then
    CONTAINERS+=("$INIT")
    wait_for 100 eval '[ "$(cat /proc/$INIT/comm)" = sleep ]'  # its set-up done
    echo 321 >"/proc/$INIT/oom_score_adj"
    prlimit --pid "$INIT" --nofile=777:888
    "${DE[@]}" -T "pid:$INIT" sleep 7 >/dev/null 2>"$WORK/fake-proc.err" </dev/null &
    session=$!
    wait_for 200 eval 'test -n "$(pgrep -f "^sleep 7$")"' 
    command=$(pgrep -f '^sleep 7$' | head -1)
    [ -n "$command" ] || echo "  (no command: $(cat "$WORK/fake-proc.err"); $(ps -eo pid,stat,wchan:20,cmd | grep -E 'docker-enter|sleep 7' | grep -v grep | tr '\n' ';'))"
    same "faked /proc: the command has the target's OOM score" "$(cat /proc/"$command"/oom_score_adj 2>&1)" 321
    same "faked /proc: the command has the target's nofile limit" \
        "$(awk '/^Max open files/ {print $4, $5}' /proc/"$command"/limits 2>&1)" "777 888"
    kill "$session" 2>/dev/null; wait "$session" 2>/dev/null
    same "faked /proc: the host's file behind it is untouched" "$(cat "$ROOT6/volume/victim")" untouched
    expect "faked /dev/pts: a FIFO for ptmx is refused, never opened" --rc 1 \
        --err "cannot make a pty for the command with the container's /dev/pts/ptmx (-T needs none): not the pty multiplexer" \
        -- "${DE[@]}" -t "pid:$INIT" true
    # nsenter --keep-caps raises the ambient capabilities after entering: how
    # many this kernel has was asked of the host's /proc before.
    expect "faked /proc: nsenter --keep-caps never waits on the container's cap_last_cap (a FIFO)" \
        --out "CapAmb:	000001ffffffffff" -- "${NS[@]}" -t "$INIT" -a -r --keep-caps grep CapAmb /real-proc/self/status
    same "faked /dev/pts: the host's file behind /proc is still untouched" "$(cat "$ROOT6/volume/victim")" untouched
else
    fail "a container that fakes /proc and /dev/pts" "it did not start"
fi
