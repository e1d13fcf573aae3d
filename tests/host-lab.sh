#!/usr/bin/env bash
# The host lab: other hosts, booted under qemu, for what this machine is
# not: pure cgroup v2, AppArmor enforcing, and the kernels and engines of
# three Debian releases:
#   bookworm (12)   Linux 6.1, Docker 20.10, runc 1.1, containerd 1.6
#   trixie (13)     Linux 6.12, Docker 26, runc 1.1.15, containerd 1.7, AppArmor 4
#   bullseye (11)   Linux 5.10, Docker 20.10.5, runc 1.0.0-rc93, containerd 1.4
# tests/host-lab/build-guest makes each guest from its release's packages
# (cached); the checkout is shared read-only (9p) and each guest runs
# tests/host-lab/suite.sh inside, whose result lines come back here, one per
# case, as the other suites' do, named with the release.
#   NSKIT_LAB_RELEASE="trixie ..."     the releases to boot, in order (default: all three)
#   NSKIT_LAB_KERNEL=linux-image-...   another kernel package the release offers (one release)
#   NSKIT_LAB_TIMEOUT=SECONDS          a hung guest is stopped after this (default 1800)
#   NSKIT_LAB_ACCEL=kvm                try KVM (nested, it is slower than emulation here)
#   NSKIT_LAB_KEEP=DIR                 keep each guest's console and logs in DIR/RELEASE
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
. "$TOP/tests/lib.sh"

need_root "the host lab" || exit 0
if ! command -v qemu-system-x86_64 >/dev/null 2>&1 || ! command -v modinfo >/dev/null 2>&1; then
    "$TOP/tests/install-deps" >/dev/null 2>&1
fi
need_cmd "the host lab" qemu-system-x86_64 || exit 0
need_cmd "the host lab" modinfo || exit 0
need_cmd "the host lab" gcc || exit 0

# What the guests need from the host, next to the binary in build/.
inputs=$TOP/build/host-lab
rm -rf "$inputs"
mkdir -p "$inputs"
gcc -static -O2 -o "$inputs/hostile" "$TOP/tests/tools/hostile.c" || { fail "the host lab" "cannot build hostile.c"; exit 0; }
gcc -static -O2 -o "$inputs/pretend-kernel" "$TOP/tests/tools/pretend-kernel.c" ||
    { fail "the host lab" "cannot build pretend-kernel.c"; exit 0; }
# What tests/integration/lxc.sh builds for itself where there is a compiler (NSKIT_TEST_TOOLS).
gcc -static -O1 -o "$inputs/seccomp-probe" "$TOP/tests/tools/seccomp-probe.c" &&
    gcc -static -O1 -o "$inputs/seccomp-dump" "$TOP/tests/tools/seccomp-dump.c" &&
    make -s -C "$TOP" build/tests/seccomp-load >/dev/null && cp "$TOP/build/tests/seccomp-load" "$inputs/" ||
    { fail "the host lab" "cannot build the seccomp tools"; exit 0; }
"$TOP/tests/host-lab/installer-image" "$NSKIT" "$inputs/nskit-image.tar" || { fail "the host lab" "cannot make the installer image"; exit 0; }
cp "$NSKIT" "$inputs/nskit"

# One boot of the guest: qemu's exit status; 124 when it was stopped after
# NSKIT_LAB_TIMEOUT; 125 when its kernel locked up: the console says so (a
# soft lockup, an RCU stall) and no case was recorded for $stall_limit s.
# Under emulation a guest's kernel can lock up for good on its own, with
# nothing of ours running (CI saw both virtual CPUs stuck for 600 s in runc
# and runc init, at the suite's first container); such a boot is stopped
# and the guest booted once more, never counted as a result.
stall_limit=150
stall_pattern='soft lockup|rcu: INFO: rcu_preempt detected stalls|rcu_preempt self-detected stall'
qemu=
boot_guest() {
    rm -f "$results/complete" "$results/results.txt"
    qemu-system-x86_64 \
        -machine pc -accel "$accel" -cpu max -smp 2 -m 2048 -nographic -no-reboot \
        -kernel "$guest/vmlinuz" -initrd "$guest/initrd.img" \
        -append "console=ttyS0 apparmor=1 security=apparmor panic=-1 quiet" \
        -drive "file=$guest/root.img,if=virtio,format=raw,snapshot=on" \
        -virtfs "local,path=$TOP,mount_tag=lab,security_model=none,readonly=on" \
        -virtfs "local,path=$results,mount_tag=results,security_model=none" \
        </dev/null >"$results/console.log" 2>&1 &
    qemu=$!
    local started=$SECONDS recorded=-1 quiet_since=$SECONDS
    while kill -0 "$qemu" 2>/dev/null; do
        sleep 5
        local now; now=$(cat "$results/results.txt" 2>/dev/null | wc -l)
        if [ "$now" != "$recorded" ]; then
            recorded=$now
            quiet_since=$SECONDS
        fi
        local verdict=
        [ $((SECONDS - started)) -ge "${NSKIT_LAB_TIMEOUT:-1800}" ] && verdict=124
        [ $((SECONDS - quiet_since)) -ge "$stall_limit" ] && grep -qE "$stall_pattern" "$results/console.log" && verdict=125
        if [ -n "$verdict" ]; then
            kill "$qemu" 2>/dev/null
            wait "$qemu" 2>/dev/null
            qemu=
            return "$verdict"
        fi
    done
    local status=0
    wait "$qemu" || status=$?
    qemu=  # gone: its pid may be another process's by the time we exit
    return "$status"
}

# One release: its guest built (or found in the cache), booted, its cases
# recorded as "host-lab RELEASE".
lab_release() {
    local release=$1 started=$SECONDS guest status
    local build_log; build_log=$(mktemp)
    at_exit "rm -f $build_log"
    echo "-- $release"
    if ! guest=$("$TOP/tests/host-lab/build-guest" "$release" ${NSKIT_LAB_KERNEL:-} 2>"$build_log"); then
        # A package that cannot be had (no mirror) is this machine's lack, not a failure of ours.
        if grep -q -e "cannot download" -e "debootstrap failed" -e "no linux-image" "$build_log"; then
            skip "$release: the host lab" "the guest cannot be built here: $(tail -2 "$build_log" | tr '\n' ' ')"
        else
            fail "$release: the host lab" "building the guest failed: $(tail -3 "$build_log" | tr '\n' ' ')"
        fi
        return
    fi
    # Its stdout is the guest's directory and nothing else (a cold build once
    # slipped mkfs's chatter in front of it, and qemu got that as a file name).
    if [ ! -e "$guest/complete" ]; then
        fail "$release: build-guest prints only the guest's directory" "it printed '$(head -c 300 <<<"$guest")'"
        return
    fi
    pass "$release: build-guest prints only the guest's directory"
    echo "  (guest $(cat "$guest/package"): ready after $((SECONDS - started)) s)"

    # trixie's kernel, under qemu 7.2's multi-threaded TCG, now and then dies
    # with "Oops: int3" on both CPUs at a `docker run`; one thread never did.
    accel=tcg,thread=multi
    [ "$release" = trixie ] && accel=tcg,thread=single
    [ "${NSKIT_LAB_ACCEL:-}" = kvm ] && accel=kvm
    results=$(mktemp -d /tmp/nskit-lab.XXXXXX)  # the guest's writable share
    at_exit "rm -rf $results"
    local boot_started=$SECONDS
    boot_guest
    status=$?
    if [ "$status" = 125 ]; then
        echo "  (the guest's kernel locked up after $((SECONDS - boot_started)) s, no case recorded for ${stall_limit} s:" \
             "$(grep -m1 -oE "($stall_pattern).*" "$results/console.log" | head -c 200); booting it again)"
        cp "$results/console.log" "$results/console-locked-up.log"
        boot_started=$SECONDS
        boot_guest
        status=$?
    fi
    if [ -n "${NSKIT_LAB_KEEP:-}" ]; then
        rm -rf "${NSKIT_LAB_KEEP:?}/$release"
        mkdir -p "$NSKIT_LAB_KEEP"
        cp -r "$results" "$NSKIT_LAB_KEEP/$release"
    fi
    echo "  ($release: the guest ran for $((SECONDS - boot_started)) s; qemu's exit status $status)"
    grep -a "^lab guest: " "$results/console.log" | tr -d '\r' | sed 's/^/  /'

    # The guest's lines, as if this suite had recorded them, named with the release.
    if [ -s "$results/results.txt" ]; then
        sed -E "s/^(pass|fail|skip) host-lab: /\1 host-lab: $release: /" "$results/results.txt" >>"$NSKIT_RESULTS"
        sed -E -e "s/^pass host-lab: /  PASS $release: /" -e "s/^fail host-lab: /  FAIL $release: /" \
            -e "s/^skip host-lab: /  SKIP $release: /" "$results/results.txt"
    fi
    if [ ! -e "$results/complete" ]; then
        local why="the guest did not finish"
        [ "$status" = 124 ] && why="the guest was stopped after ${NSKIT_LAB_TIMEOUT:-1800} s"
        [ "$status" = 125 ] && why="the guest's kernel locked up on both boots (no case for ${stall_limit} s)"
        fail "$release: the host lab" "$why: $(tail -c 600 "$results/console.log" | tr '\n' ' ')"
    fi
}

# The guests boot side by side: each spends much of its run waiting (its
# engine, its timers), and one after another they would not fit the time
# tests/run has. Each one's lines come out when all are done, one release
# after another, in order.
releases=${NSKIT_LAB_RELEASE:-bookworm trixie bullseye}
side_by_side=$(mktemp -d /tmp/nskit-labs.XXXXXX)
at_exit "rm -rf $side_by_side"
echo "  (booting $(wc -w <<<"$releases") guests side by side: $releases)"
for release in $releases; do
    (
        # A suite's cleanups of its own, run when this one ends or is stopped.
        _cleanups=()
        at_exit '[ -n "$qemu" ] && kill "$qemu" 2>/dev/null'
        trap _run_cleanups EXIT
        trap 'exit 130' INT TERM
        NSKIT_RESULTS=$side_by_side/$release.results
        lab_release "$release"
    ) >"$side_by_side/$release.log" 2>&1 &
    at_exit "kill $! 2>/dev/null; wait $! 2>/dev/null"
done
wait
for release in $releases; do
    cat "$side_by_side/$release.log"
    cat "$side_by_side/$release.results" >>"$NSKIT_RESULTS" 2>/dev/null
done
