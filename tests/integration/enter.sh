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

echo "-- cgroups of the target: every v1 hierarchy and v2"
for dir in /sys/fs/cgroup/*/; do
    fs=$(stat -f -c %T "$dir" 2>/dev/null)
    [ "$fs" = cgroupfs ] || [ "$fs" = cgroup2fs ] || continue
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
    # With a pid namespace docker-enter forks: the child starts in the v2
    # cgroup (clone3 CLONE_INTO_CGROUP) and enters the cgroup namespace after;
    # where clone3 is refused, it moves itself first. Both must end the same.
    target=$(start_holder env CGROUPS="${CGROUPS_MADE[*]}" \
        sh -c 'for d in $CGROUPS; do echo $$ > $d/cgroup.procs || exit 1; done; exec "$@"' sh \
        unshare --pid --fork --cgroup --uts)
    if [ -z "$target" ]; then
        fail "cgroup target with pid and cgroup namespaces" "did not start"
    else
        # Seen from the target's cgroup namespace (rooted at its cgroups): "/" in
        # each hierarchy; a process left behind in ours would read "/..".
        want="$("$NSKIT" nsenter -t "$target" -C cat /proc/"$target"/cgroup) $(readlink /proc/"$target"/ns/cgroup)"
        same "cgroups joined through clone3 into the cgroup, cgroup namespace after" "$want" \
            "$("${DE[@]}" "pid:$target" sh -c 'echo "$(cat /proc/self/cgroup) $(readlink /proc/self/ns/cgroup)"')"
        pretend=$(mktemp /tmp/nskit-pretend.XXXXXX); at_exit "rm -f $pretend"
        if gcc -O2 -o "$pretend" "$TOP/tests/tools/pretend-kernel.c" 2>/dev/null; then
            same "cgroups joined without clone3 (as before Linux 5.7)" "$want" \
                "$("$pretend" no-clone3 "${DE[@]}" "pid:$target" sh -c 'echo "$(cat /proc/self/cgroup) $(readlink /proc/self/ns/cgroup)"')"
        else
            fail "cgroups joined without clone3" "cannot build tests/tools/pretend-kernel.c"
        fi
    fi
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
