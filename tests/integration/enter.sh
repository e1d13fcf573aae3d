#!/usr/bin/env bash
# docker-enter pid:N without any engine: the target is a process we start in
# namespaces, cgroups and capability sets of our own making, and what the
# entered command sees of itself must be what the target has.
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/lib.sh"

need_root "docker-enter pid:N" || exit 0
DE=("$NSKIT" docker-enter)

# Holders are started inside $(...), a subshell whose at_exit would be lost:
# their pids go to a file, and one cleanup kills them all, waits until they
# are gone, then removes the cgroups they were in.
HOLDERS=$(mktemp)
CGROUPS_MADE=()
cleanup() {
    local pid i
    for pid in $(cat "$HOLDERS"); do kill -9 "$pid" 2>/dev/null; done
    for pid in $(cat "$HOLDERS"); do
        for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.02; done
    done
    rm -f "$HOLDERS"
    for dir in "${CGROUPS_MADE[@]}"; do rmdir "$dir"; done
}
at_exit cleanup

# start_holder COMMAND...: runs COMMAND... sleep 1000000 in the background;
# prints the pid of the sleep (COMMAND may fork, as unshare --fork does).
start_holder() {
    "$@" sleep 1000000 >/dev/null 2>&1 </dev/null &
    local top=$! i pid
    echo "$top" >>"$HOLDERS"
    for i in $(seq 1 200); do
        for pid in $top $(pgrep -P "$top"); do
            if [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$(command -v sleep)")" ]; then
                echo "$pid" >>"$HOLDERS"
                echo "$pid"
                return
            fi
        done
        sleep 0.02
    done
}

# Groups are left out: docker-enter gives the user's groups as docker exec
# does (the primary gid first), whatever the target has.
status_lines() { grep -E "^(Uid|Gid|Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):" "${1:--}"; }
ns_of() { for f in /proc/"$1"/ns/*; do echo "$(basename "$f") $(readlink "$f")"; done; }
# The same two views, from a command docker-enter runs (arguments: its options and target).
status_inside() { "${DE[@]}" "$@" cat /proc/self/status | status_lines; }
ns_inside() { "${DE[@]}" "$@" sh -c 'for f in /proc/self/ns/*; do echo "$(basename "$f") $(readlink "$f")"; done'; }

echo "-- capabilities, no_new_privs and namespaces of the target"
target=$(start_holder unshare --mount --uts --ipc --net --pid --fork --mount-proc \
    setpriv --bounding-set -all,+chown,+net_admin,+setuid,+setgid --inh-caps -all --no-new-privs)
if [ -z "$target" ]; then
    fail "restricted target" "did not start"
else
    same "restricted target: status" "$(status_lines /proc/"$target"/status)" \
        "$(status_inside "pid:$target")"
    same "restricted target: namespaces" "$(ns_of "$target")" \
        "$(ns_inside "pid:$target")"
    expect "--runtime pid takes a bare number" --out "$(grep ^CapBnd: /proc/"$target"/status)" \
        -- "${DE[@]}" --runtime pid "$target" grep ^CapBnd: /proc/self/status
    expect "--privileged: every capability docker-enter has" --out "$(grep ^CapBnd: /proc/self/status)" \
        -- "${DE[@]}" --privileged "pid:$target" grep ^CapBnd: /proc/self/status
fi

echo "-- ambient capabilities of a non-root target"
target=$(start_holder unshare --uts --ipc setpriv --reuid 1000 --regid 1000 --clear-groups \
    --inh-caps +net_admin --ambient-caps +net_admin)
if [ -z "$target" ]; then
    fail "ambient target" "did not start"
else
    same "ambient target: status, as the same user" "$(status_lines /proc/"$target"/status)" \
        "$(status_inside -u 1000:1000 "pid:$target")"
fi

echo "-- a target in its own user namespace (setgroups denied, as rootless containers have it)"
if need_ns "user namespace target" user; then
    target=$(start_holder unshare --user --map-root-user --pid --fork --mount-proc --uts --ipc)
    if [ -z "$target" ]; then
        fail "user namespace target" "did not start"
    else
        same "user namespace target: status" "$(status_lines /proc/"$target"/status)" \
            "$(status_inside "pid:$target")"
        same "user namespace target: namespaces" "$(ns_of "$target")" \
            "$(ns_inside "pid:$target")"
    fi
fi

echo "-- environment of the target (--env-from process is the default for pid:N)"
target=$(start_holder env -i FOO=bar PATH=/usr/bin:/bin unshare --uts)
expect "environment of the target" --out "$(printf 'FOO=bar\nPATH=/usr/bin:/bin')" \
    -- "${DE[@]}" "pid:$target" /usr/bin/env
expect "-e adds to it" --out "$(printf 'FOO=bar\nPATH=/usr/bin:/bin\nX=1')" \
    -- "${DE[@]}" -e X=1 "pid:$target" /usr/bin/env
expect "--env-from none" --out "Y=2" -- "${DE[@]}" --env-from none -e Y=2 "pid:$target" /usr/bin/env

# The issue-24 cases: only the command is ever in the target's cgroups, and
# the target's cgroup state (frozen, full, out of memory) never holds the
# caller. They run against a holder in the cgroups made above.
cgroup_dir() { for d in "${CGROUPS_MADE[@]}"; do case $d in /sys/fs/cgroup/$1/*) echo "$d"; return;; esac; done; }
# members DIR: the command lines of the processes in a cgroup, one per line.
members() { local p; for p in $(cat "$1/cgroup.procs"); do tr '\0' ' ' <"/proc/$p/cmdline"; echo; done | sort; }
cgroups_section() {
    echo "-- only the command joins the target's cgroups"
    local target out relay dir started took rc
    target=$(start_holder env CGROUPS="${CGROUPS_MADE[*]}" \
        sh -c 'for d in $CGROUPS; do echo $$ > $d/cgroup.procs || exit 1; done; exec "$@"' sh unshare --pid --fork --uts)
    [ -n "$target" ] || { fail "a cgroup target for the session cases" "did not start"; return; }
    declare -A before=()
    for dir in "${CGROUPS_MADE[@]}"; do before[$dir]=$(members "$dir"); done
    out=$(mktemp); at_exit "rm -f $out"
    "${DE[@]}" "pid:$target" sh -c 'echo ready; exec sleep 30' >"$out" 2>&1 </dev/null &
    relay=$!
    wait_for 200 grep -q ready "$out"
    for dir in "${CGROUPS_MADE[@]}"; do
        same "during a session, $dir gains the command alone" "$(members "$dir")" \
            "$(printf '%s\nsleep 30 \n' "${before[$dir]}" | sort)"
    done
    # The relay and its worker stay where docker-enter was started.
    same "the relay stays in our cgroups" "$(cat /proc/$relay/cgroup)" "$(cat /proc/self/cgroup)"
    local worker; worker=$(pgrep -P "$relay")
    same "the worker stays in our cgroups" "$(cat /proc/"$worker"/cgroup 2>&1)" "$(cat /proc/self/cgroup)"
    kill -TERM "$relay"; wait "$relay"

    # Frozen mid-session (docker pause; a container with a cgroup of its own
    # may write cgroup.freeze itself): a signal still ends docker-enter within
    # a second, and the command, which handles it, gets it when it runs again.
    local freeze= thaw= frozen=
    if dir=$(cgroup_dir freezer) && [ -n "$dir" ]; then
        freeze="echo FROZEN >$dir/freezer.state" thaw="echo THAWED >$dir/freezer.state"
        frozen="grep -qx FROZEN $dir/freezer.state"
    elif dir=$(cgroup_dir unified) && [ -e "$dir/cgroup.freeze" ]; then
        freeze="echo 1 >$dir/cgroup.freeze" thaw="echo 0 >$dir/cgroup.freeze" frozen="grep -qx 'frozen 1' $dir/cgroup.events"
    fi
    if [ -n "$freeze" ]; then
        # Emptied here, not by the job's own redirection, which may come after
        # the wait below has read the last session's "ready" in it.
        : >"$out"
        "${DE[@]}" "pid:$target" sh -c 'trap "exit 7" TERM; echo ready; while :; do sleep 0.1; done' >"$out" 2>&1 </dev/null &
        relay=$!
        wait_for 200 grep -q ready "$out"
        eval "$freeze"; wait_for 100 eval "$frozen"
        started=$(date +%s%N)
        kill -TERM "$relay"
        # A docker-enter the container holds would wait for ever: 5 s is enough to say so.
        wait_for 100 eval '! kill -0 '"$relay"' 2>/dev/null' || { eval "$thaw"; kill -9 "$relay"; }
        wait "$relay"; rc=$?
        took=$(( ($(date +%s%N) - started) / 1000000 ))
        if [ "$rc" = 143 ] && [ "$took" -lt 2000 ] && grep -q "has not ended a second after signal 15" "$out"; then
            pass "frozen mid-session: SIGTERM ends docker-enter with a word ($took ms)"
        else
            fail "frozen mid-session: SIGTERM ends docker-enter with a word" "exit $rc after $took ms: $(tail -2 "$out")"
        fi
        same "frozen mid-session: no process of ours is left but the command" \
            "$(pgrep -f "docker-enter pid:$target" | tr '\n' ' ')" ""
        eval "$thaw"
        wait_for 100 eval 'test -z "$(pgrep -f "trap \"exit 7\" TERM")"' 
        same "thawed, the command got the signal and ended" "$(pgrep -f 'trap "exit 7" TERM')" ""
    else
        skip "frozen mid-session" "no freezer here (v1 freezer, or v2 cgroup.freeze of Linux 5.2+)"
    fi

    # At its pids limit: refused within a second, nothing left behind.
    local pids; pids=$(cgroup_dir pids)
    [ -z "$pids" ] && [ -e "$(cgroup_dir unified)/pids.max" ] && pids=$(cgroup_dir unified)
    if [ -n "$pids" ] && [ -e "$pids/pids.max" ]; then
        local held; held=$(members "$pids")
        cat "$pids/pids.current" >"$pids/pids.max"
        started=$(date +%s%N)
        out=$("${DE[@]}" "pid:$target" true 2>&1 </dev/null); rc=$?
        took=$(( ($(date +%s%N) - started) / 1000000 ))
        if [ "$rc" = 1 ] && [ "$took" -lt 1000 ] && grep -qF "is at its pids limit ($pids/pids.max is" <<<"$out"; then
            pass "at its pids limit: refused, naming the limit ($took ms)"
        else
            fail "at its pids limit: refused, naming the limit" "exit $rc after $took ms: $out"
        fi
        same "at its pids limit: nothing is left in the cgroup" "$(members "$pids")" "$held"
        echo max >"$pids/pids.max"
    else
        skip "at its pids limit" "no pids controller here"
    fi

    # Out of memory: the command is killed by the target's OOM killer;
    # docker-enter, in our cgroups, survives it, says so and exits 137.
    local memory limit=memory.limit_in_bytes
    memory=$(cgroup_dir memory)
    [ -z "$memory" ] && [ -e "$(cgroup_dir unified)/memory.max" ] && memory=$(cgroup_dir unified) && limit=memory.max
    if [ -n "$memory" ] && [ -e "$memory/$limit" ]; then
        echo 64M >"$memory/$limit"
        out=$("${DE[@]}" "pid:$target" sh -c 'x=$(head -c 300000000 /dev/zero | tr "\0" a); echo ${#x}' 2>&1 </dev/null)
        rc=$?
        if [ "$rc" = 137 ] && grep -qF "the command was killed by the out-of-memory killer" <<<"$out"; then
            pass "out of memory: the command is killed, docker-enter says so and exits 137"
        else
            fail "out of memory: the command is killed, docker-enter says so and exits 137" "exit $rc: $out"
        fi
        echo -1 >"$memory/$limit" 2>/dev/null || echo max >"$memory/$limit"
    else
        skip "out of memory" "no memory controller here"
    fi
}

echo "-- cgroups of the target: every v1 hierarchy and v2"
for dir in /sys/fs/cgroup/*/; do
    fs=$(stat -f -c %T "$dir" 2>/dev/null)
    [ "$fs" = cgroupfs ] || [ "$fs" = cgroup2fs ] || continue
    dir=${dir%/}
    mkdir "$dir/nskit-enter-$$" 2>/dev/null || continue
    CGROUPS_MADE+=("$dir/nskit-enter-$$")
    # A v1 cpuset cgroup takes no process until it has cpus and mems.
    if [ -f "$dir/cpuset.cpus" ]; then
        cat "$dir/cpuset.cpus" >"$dir/nskit-enter-$$/cpuset.cpus"
        cat "$dir/cpuset.mems" >"$dir/nskit-enter-$$/cpuset.mems"
    fi
done
if [ ${#CGROUPS_MADE[@]} = 0 ]; then
    skip "cgroups of the target" "no cgroup hierarchy to make a cgroup in"
else
    target=$(start_holder env CGROUPS="${CGROUPS_MADE[*]}" \
        sh -c 'for d in $CGROUPS; do echo $$ > $d/cgroup.procs || exit 1; done; exec "$@"' sh unshare --uts)
    if [ -z "$target" ]; then
        fail "cgroup target" "did not start"
    else
        same "cgroups joined (${#CGROUPS_MADE[@]} hierarchies)" "$(cat /proc/"$target"/cgroup)" \
            "$("${DE[@]}" "pid:$target" cat /proc/self/cgroup)"
        expect "--no-cgroup stays in ours" --out "$(cat /proc/self/cgroup)" \
            -- "${DE[@]}" --no-cgroup "pid:$target" cat /proc/self/cgroup
    fi
    # With pid and cgroup namespaces of its own: seen from there (rooted at
    # its cgroups) "/" in each hierarchy; a command left in ours would read "/..".
    target=$(start_holder env CGROUPS="${CGROUPS_MADE[*]}" \
        sh -c 'for d in $CGROUPS; do echo $$ > $d/cgroup.procs || exit 1; done; exec "$@"' sh \
        unshare --pid --fork --cgroup --uts)
    if [ -z "$target" ]; then
        fail "cgroup target with pid and cgroup namespaces" "did not start"
    else
        want="$("$NSKIT" nsenter -t "$target" -C cat /proc/"$target"/cgroup) $(readlink /proc/"$target"/ns/cgroup)"
        same "cgroups joined, the target's cgroup namespace too" "$want" \
            "$("${DE[@]}" "pid:$target" sh -c 'echo "$(cat /proc/self/cgroup) $(readlink /proc/self/ns/cgroup)"')"
    fi
    cgroups_section
fi

echo "-- never more capabilities than the container: refuse instead"
target=$(start_holder unshare --uts --ipc)
# docker-enter itself without CAP_NET_RAW cannot give the target's full set.
expect "refuses when it cannot give the target's capabilities" --rc 1 --out "" \
    --err "docker-enter: cannot set the capabilities of the container" \
    -- setpriv --bounding-set -net_raw --inh-caps -all "${DE[@]}" "pid:$target" echo ran
expect "a target that is gone" --rc 1 --err "no such process" -- "${DE[@]}" pid:4194303 true

echo "-- a private copy of nskit: what /proc/PID/exe of the entering process leads to"
# The target shares our pid namespace, so the worker (the command's parent) is visible here.
target=$(start_holder unshare --uts)
pretend=$(mktemp /tmp/nskit-pretend.XXXXXX); at_exit "rm -f $pretend"
if [ -z "$target" ]; then
    fail "private copy target" "did not start"
elif ! gcc -O2 -o "$pretend" "$TOP/tests/tools/pretend-kernel.c" 2>/dev/null; then
    fail "private copy" "cannot build tests/tools/pretend-kernel.c"
else
    worker_exe() { timeout 30 "$@" "${DE[@]}" "pid:$target" sh -c 'readlink /proc/$PPID/exe' 2>&1; }
    same "a sealed memfd" "$(worker_exe)" "/memfd:nskit (deleted)"
    same "where no memfd may be run: a read-only clone of the binary's mount (its root, /)" \
        "$(worker_exe "$pretend" no-memfd)" "/"
    nskit_dir=$(dirname "$(readlink -f "$NSKIT")")
    got=$(worker_exe "$pretend" no-memfd-no-mount-api)
    case $got in
        "$nskit_dir/#"*" (deleted)") pass "and before the mount API: an unlinked copy beside the binary" ;;
        *) fail "and before the mount API: an unlinked copy beside the binary" "exe is '$got'" ;;
    esac
    got=$(worker_exe "$pretend" no-private-copy; echo "rc=$?")
    case $got in
        "docker-enter: cannot run from a private copy of nskit ("*"rc=1") pass "none of the three: refused, never run from the host's file" ;;
        *) fail "none of the three: refused, never run from the host's file" "$got" ;;
    esac
fi
