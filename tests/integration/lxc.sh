#!/usr/bin/env bash
# LXC's containers, found daemonless as lxc:NAME (src/runtime/sources/lxc.cpp):
# the monitor's cgroup lxc.monitor.NAME, the monitor's child its init. A real
# busybox container of Debian's LXC, with LXC's common.conf (capabilities
# dropped, its seccomp profile), compared with lxc-attach --clear-env.
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/lib.sh"

need_root "LXC containers" || exit 0
for tool in lxc-create lxc-start lxc-attach lxc-info busybox; do need_cmd "LXC containers" $tool || exit 0; done
work=$(mktemp -d /tmp/nskit-lxc.XXXXXX)
name=nskit-lxc-$$
at_exit "rm -rf $work"
. "$TOP/tests/tools/lxc.sh"
if ! lxc_start "$name"; then
    fail "LXC starts a busybox container" "lxc-create or lxc-start failed (see above)"
    exit 0
fi
init=$(lxc-info "${lxc[@]}" -pH)
pass "LXC starts a busybox container ($name, init $init)"

enter=("$NSKIT" docker-enter -T)
attach() { (cd / && lxc-attach "${lxc[@]}" --clear-env -- "$@" </dev/null); }
# What lxc-attach gives and nskit gives alike. Left out, and checked below:
# HOME (nskit sets it from the container's passwd, as docker exec does), the
# supplementary groups (likewise), no_new_privs, and cgroup v2's leaf.
probe='id -u; id -g; pwd; env | grep -v ^HOME= | sort; grep -E "^(Cap|Seccomp)" /proc/self/status;
       grep -v "^0::" /proc/self/cgroup; for ns in mnt net pid uts ipc cgroup user; do readlink /proc/self/ns/$ns; done'
same "lxc:$name is what lxc-attach --clear-env gives: user, cwd, environment, capabilities, seccomp filter, cgroups, namespaces" \
    "$("${enter[@]}" lxc:$name sh -c "$probe" 2>&1)" "$(attach sh -c "$probe" 2>&1)"
bounding=$("${enter[@]}" lxc:$name sh -c 'grep CapBnd /proc/self/status' | awk '{print $2}')
same "...its capabilities are LXC's: the bounding set lacks what common.conf drops (sys_module, sys_rawio)" \
    "$(( 0x${bounding:-30000} & 0x30000 ))" 0
expect "...its seccomp filter is installed last, with no_new_privs (the init's filter is the container's own)" \
    --out "2 1" -- "${enter[@]}" lxc:$name sh -c 'echo $(grep ^Seccomp: /proc/self/status | cut -f2) $(grep NoNewPrivs /proc/self/status | cut -f2)'
expect "...its environment has the container's lxc.environment settings, as lxc-attach gives them" \
    --out "hello, world 2 lxc" -- "${enter[@]}" lxc:$name sh -c 'echo $GREETING $SECOND $container'
expect "lxc:$name: the command's exit status" --rc 9 -- "${enter[@]}" lxc:$name sh -c 'exit 9'
expect "$name, unprefixed, with no engine answering" --out lxc -- \
    env DOCKER_HOST=unix://"$work"/no.sock "${enter[@]}" "$name" sh -c 'echo $container'
same "--list: the LXC container by name, with its init's PID, running" \
    "$("$NSKIT" docker-enter --list | awk -v n="$name" '$2 == n {print $1, $3, $4, $5}')" "lxc - $init running"

# The container makes a cgroup named like a monitor's, with a process of its
# own in it: the cgroup is inside the container's, never where LXC's monitors are.
attach sh -c 'mkdir -p /tmp/cg && mount -t cgroup2 none /tmp/cg && mkdir /tmp/cg/lxc.monitor.fake &&
              { sleep 1000 </dev/null >/dev/null 2>&1 & echo $! >/tmp/cg/lxc.monitor.fake/cgroup.procs; }' >/dev/null 2>&1
if [ -d "/sys/fs/cgroup/unified/lxc.payload.$name/lxc.monitor.fake" ] || [ -d "/sys/fs/cgroup/lxc.payload.$name/lxc.monitor.fake" ]; then
    same "a cgroup the container names lxc.monitor.fake names no container" \
        "$("$NSKIT" docker-enter --list | awk '$2 == "fake"')" ""
else
    skip "a cgroup the container names lxc.monitor.fake" "the container cannot make cgroups here"
fi

lxc-freeze "${lxc[@]}"
same "--list: a frozen container is paused" "$("$NSKIT" docker-enter --list | awk -v n="$name" '$2 == n {print $5}')" paused
expect "...and refused" --rc 1 --err "is paused" -- "${enter[@]}" lxc:$name true
lxc-unfreeze "${lxc[@]}"
lxc-stop "${lxc[@]}" -k
expect "a stopped container is not found" --rc 1 --err "cannot find container lxc:$name: no such container" -- \
    "${enter[@]}" lxc:$name true
