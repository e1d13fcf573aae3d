#!/usr/bin/env bash
# LXC's containers, found daemonless as lxc:NAME (src/runtime/sources/lxc.cpp):
# the monitor's cgroup lxc.monitor.NAME, the monitor's child its init. Real
# busybox containers of Debian's LXC, compared with lxc-attach --clear-env:
#   - one with LXC's common.conf (capabilities dropped, its seccomp policy);
#   - a hostile one, with a policy of every kind of rule LXC has, read from
#     an lxc.include'd directory too, whose init adds two filters of its own
#     (tests/tools/hostile two-filters) and which then traces its own init
#     (hostile trace-init), as any container may.
# The policy docker-enter compiles (context/seccomp/lxc_policy.h) must answer
# every call as liblxc's filter on the init does (seccomp-dump, seccomp-load
# --dump, seccomp-compare.py), and the kernel must give a probe the same
# answers under docker-enter as under lxc-attach (tests/tools/seccomp-probe).
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/lib.sh"

need_root "LXC containers" || exit 0
for tool in lxc-create lxc-start lxc-attach lxc-info busybox; do need_cmd "LXC containers" $tool || exit 0; done
work=$(mktemp -d /tmp/nskit-lxc.XXXXXX)
name=nskit-lxc-$$
at_exit "rm -rf $work"
. "$TOP/tests/tools/lxc.sh"

# The programs the seccomp cases run: static, so that they run in busybox's
# rootfs. A host lab guest has no compiler: tests/host-lab.sh builds them
# for it, into the directory NSKIT_TEST_TOOLS names.
tools=
seccomp_load=$TOP/build/tests/seccomp-load
if [ -n "${NSKIT_TEST_TOOLS:-}" ]; then
    seccomp_load=$NSKIT_TEST_TOOLS/seccomp-load
    if cp "$NSKIT_TEST_TOOLS/seccomp-probe" "$work/probe" && cp "$NSKIT_TEST_TOOLS/seccomp-dump" "$NSKIT_TEST_TOOLS/hostile" "$work/"; then
        tools=1
    else
        tools_missing="NSKIT_TEST_TOOLS=$NSKIT_TEST_TOOLS lacks seccomp-probe, seccomp-dump or hostile"
    fi
elif ! command -v gcc >/dev/null || ! command -v python3 >/dev/null; then
    tools_missing="needs gcc and python3"
elif ! { gcc -static -O1 -o "$work/probe" "$TOP/tests/tools/seccomp-probe.c" &&
         gcc -static -O1 -o "$work/seccomp-dump" "$TOP/tests/tools/seccomp-dump.c" &&
         gcc -static -O2 -o "$work/hostile" "$TOP/tests/tools/hostile.c"; } 2>"$work/cc.err"; then
    tools_missing="gcc -static failed (glibc's static libraries: libc6-dev): $(head -c 200 "$work/cc.err")"
elif ! make -s -C "$TOP" build/tests/seccomp-load >/dev/null 2>"$work/make.err"; then
    tools_missing="make build/tests/seccomp-load failed: $(head -c 200 "$work/make.err")"
else
    tools=1
fi
probe_args=(--lxc)
[ -n "$tools" ] && { "$work/probe" x86-works; } >/dev/null 2>&1 && probe_args+=(--x86)  # a fault without IA-32 emulation

# same_filter NAME INIT POLICY: the init's oldest filter (liblxc's) answers every call as nskit's compiled POLICY.
same_filter() {
    if [ -z "$tools" ]; then skip "$1" "$tools_missing"; return; fi
    if ! "$work/seccomp-dump" "$2" 0 >"$work/theirs.bpf" 2>"$work/dump.err" ||
       ! "$seccomp_load" --lxc --dump "$3" >"$work/ours.bpf" 2>"$work/load.err"; then
        fail "$1" "$(cat "$work/dump.err" "$work/load.err" | head -c 300)"
        return
    fi
    local differences
    if differences=$(python3 "$TOP/tests/tools/seccomp-compare.py" "$work/theirs.bpf" "$work/ours.bpf"); then
        pass "$1 (${differences##*$'\n'})"
    else
        fail "$1" "$(echo "$differences" | head -5 | tr '\n' ' ')"
    fi
}

# probe_lines NAME OUTPUT LINE|LINE...: each LINE is in the probe's OUTPUT.
probe_lines() {
    local missing= line
    IFS='|' read -r -a lines <<<"$3"
    for line in "${lines[@]}"; do
        grep -qxF -- "$line" <<<"$2" || missing="$missing [$line]"
    done
    if [ -z "$missing" ]; then pass "$1 (${#lines[@]} calls)"; else fail "$1" "not in the output:$missing"; fi
}

if ! lxc_start "$name"; then
    fail "LXC starts a busybox container" "lxc-create or lxc-start failed (see above)"
    exit 0
fi
main=("${lxc[@]}") main_rootfs=$rootfs
init=$(lxc-info "${main[@]}" -pH)
pass "LXC starts a busybox container ($name, init $init)"

enter=("$NSKIT" docker-enter -T)
attach_to() { local n=$1; shift; (cd / && lxc-attach -P "$work" -n "$n" --clear-env -- "$@" </dev/null); }
attach() { attach_to "$name" "$@"; }
# What lxc-attach gives and nskit gives alike. Left out, and checked below:
# HOME (nskit sets it from the container's passwd, as docker exec does), the
# supplementary groups (likewise), and cgroup v2's leaf. The security label
# is the init's for both (lxc-attach reads it there): AppArmor's
# lxc-container-default-cgns where AppArmor is on (the host lab's trixie).
probe='id -u; id -g; pwd; env | grep -v ^HOME= | sort; grep -E "^(Cap|Seccomp|NoNewPrivs)" /proc/self/status;
       grep -v "^0::" /proc/self/cgroup; for ns in mnt net pid uts ipc cgroup user; do readlink /proc/self/ns/$ns; done;
       cat /proc/self/attr/current 2>&1'
same "lxc:$name is what lxc-attach --clear-env gives: user, cwd, environment, capabilities, seccomp, no_new_privs, cgroups, namespaces, security label" \
    "$("${enter[@]}" lxc:$name sh -c "$probe" 2>&1)" "$(attach sh -c "$probe" 2>&1)"
bounding=$("${enter[@]}" lxc:$name sh -c 'grep CapBnd /proc/self/status' | awk '{print $2}')
same "...its capabilities are LXC's: the bounding set lacks what common.conf drops (sys_module, sys_rawio)" \
    "$(( 0x${bounding:-30000} & 0x30000 ))" 0
seccomp_line='echo $(grep -E "^(Seccomp|Seccomp_filters|NoNewPrivs):" /proc/self/status | cut -f2)'
if [ "$(grep '^Seccomp:' /proc/self/status | cut -f2)" = 0 ]; then
    expect "...its seccomp filter is common.seccomp compiled, one filter, no no_new_privs (lxc.no_new_privs is unset), as lxc-attach's" \
        --out "0 2 1" -- "${enter[@]}" lxc:$name sh -c "$seccomp_line"
else
    skip "...its seccomp filter is common.seccomp compiled, as lxc-attach's" \
        "this shell is under a seccomp filter: lxc-attach then loads no policy (unless lxc.seccomp.allow_nesting), docker-enter does"
fi
same_filter "...common.seccomp compiled by nskit answers every call as liblxc's filter on the init" "$init" \
    /usr/share/lxc/config/common.seccomp
if [ -n "$tools" ]; then
    cp "$work/probe" "$main_rootfs/probe"
    ours=$("${enter[@]}" lxc:$name /probe "${probe_args[@]}" 2>&1)
    same "...the kernel answers a probe's calls under it as under lxc-attach" "$ours" "$(attach /probe "${probe_args[@]}" 2>&1)"
    probe_lines "...kexec_load, open_by_handle_at and init_module get the policy's errno 1, umount2 with MNT_FORCE EACCES" \
        "$ours" "kexec_load = EPERM|open_by_handle_at = EPERM|init_module = EPERM|finit_module = EPERM|delete_module = EPERM|umount2 MNT_FORCE = EACCES|umount2 MNT_DETACH = ENOENT"
else
    skip "...the kernel answers a probe's calls under it as under lxc-attach" "$tools_missing"
fi
expect "...its environment has the container's lxc.environment settings, as lxc-attach gives them" \
    --out "hello, world 2 lxc" -- "${enter[@]}" lxc:$name sh -c 'echo $GREETING $SECOND $container'
expect "lxc:$name: the command's exit status" --rc 9 -- "${enter[@]}" lxc:$name sh -c 'exit 9'
expect "$name, unprefixed, with no engine answering" --out lxc -- \
    env DOCKER_HOST=unix://"$work"/no.sock "${enter[@]}" "$name" sh -c 'echo $container'
same "--list: the LXC container by name, with its init's PID, running" \
    "$("$NSKIT" docker-enter --list | awk -v n="$name" '$2 == n {print $1, $3, $4, $5}')" "lxc - $init running"

# The container makes a cgroup named like a monitor's, with a process of its
# own in it: the cgroup is inside the container's, never where LXC's monitors are.
# Its own cgroup2 mount where LXC's is read-only (cgroup v1 beside v2 here);
# under AppArmor (the host lab's trixie) LXC's profile allows cgroup2 mounts
# only on /sys/fs/cgroup, where LXC mounts it writable on cgroup v2 alone.
attach sh -c 'd=/sys/fs/cgroup; mkdir $d/lxc.monitor.fake 2>/dev/null ||
              { d=/tmp/cg; mkdir -p $d && mount -t cgroup2 none $d && mkdir $d/lxc.monitor.fake; } &&
              { sleep 1000 </dev/null >/dev/null 2>&1 & echo $! >$d/lxc.monitor.fake/cgroup.procs; }' >/dev/null 2>&1
if [ -d "/sys/fs/cgroup/unified/lxc.payload.$name/lxc.monitor.fake" ] || [ -d "/sys/fs/cgroup/lxc.payload.$name/lxc.monitor.fake" ]; then
    same "a cgroup the container names lxc.monitor.fake names no container" \
        "$("$NSKIT" docker-enter --list | awk '$2 == "fake"')" ""
else
    skip "a cgroup the container names lxc.monitor.fake" "the container cannot make cgroups here"
fi

# The hostile container: a policy of every kind of rule LXC's language has
# (every comparison on values no ordinary call passes, sections that count
# here and one that does not), an environment from an included directory, an
# init that adds two filters of its own (getppid fails with EAGAIN, then
# EINVAL) and no_new_privs.
hname=$name-h
mkdir -p "$work/conf.d"
echo 'lxc.environment = FROM_INCLUDE=yes' >"$work/conf.d/10-env.conf"
echo 'lxc.environment = NOT_READ=1' >"$work/conf.d/10-env.conf.orig"
cat >"$work/rich.seccomp" <<'POLICY'
2
denylist
reject_force_umount  # as common.seccomp
kexec_load errno 1
open_by_handle_at errno 1
init_module errno 1
finit_module errno 1
delete_module errno 1
# every comparison, in LXC's spellings, on values no ordinary call passes
[x86_64]
dup errno 101 [0,4294968296,==]
dup2 errno 102 [0,1000,==][1,4294968297,!=]
setns errno 103 [0,0xffffffffffffffff,SCMP_CMP_EQ][1,1,<]
ioctl errno 104 [0,0xffffffffffffffff,==][1,0,<=]
fdatasync errno 105 [0,4294968296,>]
syncfs errno 106 [0,0xffffffff00001000,>=]
fchmod errno 107 [1,0x1200000000000300,&=,0xff00000000000f00]
fchown errno 108 [0,1000,SCMP_CMP_EQ][2,9,SCMP_CMP_EQ]
personality errno 109 [0,0xffffffff,SCMP_CMP_EQ]
[X86]
waitpid errno 110
socket errno 111
[arm64]
fsync errno 112
this line is never read
[all]
add_key errno 113
perf_event_open errno 114
io_uring_setup errno 115
no_such_call errno 116
semop errno 117
POLICY
if [ "$(uname -m)" != x86_64 ]; then
    skip "a hostile LXC container" "its policy's sections are x86_64's; this machine is $(uname -m)"
elif [ -z "$tools" ]; then
    skip "a hostile LXC container" "$tools_missing"
elif ! lxc_create "$hname" "lxc.seccomp.profile = $work/rich.seccomp" "lxc.include = $work/conf.d" \
        "lxc.init.cmd = /hostile two-filters /sbin/init" ||
     ! cp "$work/hostile" "$work/probe" "$rootfs/" || ! lxc_run; then
    fail "a hostile LXC container starts" "lxc-create or lxc-start failed (see above)"
else
    hinit=$(lxc-info "${lxc[@]}" -pH)
    pass "a hostile LXC container starts ($hname, init $hinit, under $(grep Seccomp_filters /proc/$hinit/status | cut -f2) filters)"
    same_filter "...its policy compiled by nskit answers every call as liblxc's filter on the init" "$hinit" "$work/rich.seccomp"
    ours=$("${enter[@]}" lxc:$hname /probe "${probe_args[@]}" 2>&1)
    same "...the kernel answers a probe's calls under it as under lxc-attach" "$ours" \
        "$(attach_to "$hname" /probe "${probe_args[@]}" 2>&1)"
    probe_lines "...each rule gives its errno, each comparison where it holds" "$ours" \
        "dup high+1000 = ENETUNREACH|dup = EBADF|dup2 ne = ENETRESET|dup2 ne equal = EBADF|setns = ECONNABORTED|ioctl = ECONNRESET|fdatasync gt = ENOBUFS|fdatasync gt equal = EBADF|syncfs ge = EISCONN|syncfs ge below = EBADF|fchmod masked = ENOTCONN|fchmod masked other = EBADF|fchown and = ESHUTDOWN|fchown and not = EBADF|personality query = ETOOMANYREFS|socket AF_INET = ECONNREFUSED|add_key = EHOSTUNREACH|perf_event_open = EALREADY|io_uring_setup = EINPROGRESS|kexec_load = EPERM|umount2 MNT_FORCE = EACCES|umount2 MNT_DETACH = ENOENT"
    same "...seccomp and no_new_privs are lxc-attach's, not the init's (3 filters, no_new_privs)" \
        "$("${enter[@]}" lxc:$hname sh -c "$seccomp_line" 2>&1)" "$(attach_to "$hname" sh -c "$seccomp_line" 2>&1)"
    expect "...the filters the init added itself are never installed (getppid works)" --out "getppid: ok" -- \
        "${enter[@]}" lxc:$hname /hostile getppid
    expect "...lxc.environment from a file of an included directory counts, as for lxc-attach" \
        --out "yes hello, world -" -- "${enter[@]}" lxc:$hname sh -c 'echo $FROM_INCLUDE $GREETING ${NOT_READ:--}'
    same "...the environment is lxc-attach's" "$("${enter[@]}" lxc:$hname sh -c 'env | grep -v ^HOME= | sort')" \
        "$(attach_to "$hname" sh -c 'env | grep -v ^HOME= | sort')"

    # A process of the container traces its init, which keeps anyone else from tracing it.
    (cd / && lxc-attach -P "$work" -n "$hname" -- /hostile trace-init </dev/null >"$work/trace.out" 2>&1) &
    at_exit "kill -9 $!"
    if ! wait_for 200 grep -q "tracing PID 1" "$work/trace.out"; then
        fail "the container traces its own init" "$(head -c 200 "$work/trace.out")"
    else
        pass "the container traces its own init (TracerPid $(grep TracerPid /proc/$hinit/status | cut -f2))"
        expect "...and docker-enter lxc:$hname still enters, with the policy" --out "$(echo "$ours" | grep -F 'dup2 ne =')" -- \
            "${enter[@]}" lxc:$hname sh -c '/probe | grep -F "dup2 ne ="'
        expect "...with lxc-attach's filters" --out "$(attach_to "$hname" sh -c "$seccomp_line")" -- \
            "${enter[@]}" lxc:$hname sh -c "$seccomp_line"
    fi
fi

lxc-freeze "${main[@]}"
same "--list: a frozen container is paused" "$("$NSKIT" docker-enter --list | awk -v n="$name" '$2 == n {print $5}')" paused
expect "...and refused" --rc 1 --err "is paused" -- "${enter[@]}" lxc:$name true
lxc-unfreeze "${main[@]}"
lxc-stop "${main[@]}" -k
expect "a stopped container is not found" --rc 1 --err "cannot find container lxc:$name: no such container" -- \
    "${enter[@]}" lxc:$name true
