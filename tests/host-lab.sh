#!/usr/bin/env bash
# The host lab: a second host, booted under qemu, for what this machine is
# not: Debian 12's 6.1 kernel, pure cgroup v2, AppArmor enforcing, Docker
# 20.10. tests/host-lab/build-guest makes the guest from Debian packages
# (cached); the checkout is shared read-only (9p) and the guest runs
# tests/host-lab/suite.sh inside, whose result lines come back here, one per
# case, as the other suites' do.
#   NSKIT_LAB_KERNEL=linux-image-...   another kernel package Debian offers
#   NSKIT_LAB_TIMEOUT=SECONDS          a hung guest is stopped after this (default 720)
#   NSKIT_LAB_ACCEL=kvm                try KVM (nested, it is slower than emulation here)
#   NSKIT_LAB_KEEP=DIR                 keep the guest's console and logs there
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
. "$TOP/tests/lib.sh"

need_root "the host lab" || exit 0
if ! command -v qemu-system-x86_64 >/dev/null 2>&1 || ! command -v modinfo >/dev/null 2>&1; then
    "$TOP/tests/install-deps" >/dev/null 2>&1
fi
need_cmd "the host lab" qemu-system-x86_64 || exit 0
need_cmd "the host lab" modinfo || exit 0
need_cmd "the host lab" gcc || exit 0

started=$SECONDS
build_log=$(mktemp)
at_exit "rm -f $build_log"
if ! guest=$("$TOP/tests/host-lab/build-guest" ${NSKIT_LAB_KERNEL:-} 2>"$build_log"); then
    # A package that cannot be had (no mirror) is this machine's lack, not a failure of ours.
    if grep -q -e "cannot download" -e "debootstrap failed" -e "no linux-image" "$build_log"; then
        skip "the host lab" "the guest cannot be built here: $(tail -2 "$build_log" | tr '\n' ' ')"
    else
        fail "the host lab" "building the guest failed: $(tail -3 "$build_log" | tr '\n' ' ')"
    fi
    exit 0
fi
# Its stdout is the guest's directory and nothing else (a cold build once
# slipped mkfs's chatter in front of it, and qemu got that as a file name).
if [ ! -e "$guest/complete" ]; then
    fail "build-guest prints only the guest's directory" "it printed '$(head -c 300 <<<"$guest")'"
    exit 0
fi
pass "build-guest prints only the guest's directory"
echo "  (guest $(cat "$guest/package"): ready after $((SECONDS - started)) s)"

# What the guest needs from the host, next to the binary in build/.
inputs=$TOP/build/host-lab
rm -rf "$inputs"
mkdir -p "$inputs"
gcc -static -O2 -o "$inputs/hostile" "$TOP/tests/tools/hostile.c" || { fail "the host lab" "cannot build hostile.c"; exit 0; }
"$TOP/tests/host-lab/installer-image" "$NSKIT" "$inputs/nskit-image.tar" || { fail "the host lab" "cannot make the installer image"; exit 0; }
cp "$NSKIT" "$inputs/nskit"

results=$(mktemp -d /tmp/nskit-lab.XXXXXX)
at_exit "rm -rf $results"
accel=tcg,thread=multi
[ "${NSKIT_LAB_ACCEL:-}" = kvm ] && accel=kvm
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
at_exit '[ -n "$qemu" ] && kill "$qemu" 2>/dev/null'
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
        [ $((SECONDS - started)) -ge "${NSKIT_LAB_TIMEOUT:-720}" ] && verdict=124
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

boot_started=$SECONDS
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
[ -n "${NSKIT_LAB_KEEP:-}" ] && rm -rf "$NSKIT_LAB_KEEP" && cp -r "$results" "$NSKIT_LAB_KEEP"
echo "  (the guest ran for $((SECONDS - boot_started)) s; qemu's exit status $status)"

# The guest's lines, as if this suite had recorded them.
if [ -s "$results/results.txt" ]; then
    cat "$results/results.txt" >>"$NSKIT_RESULTS"
    sed -e 's/^pass host-lab: /  PASS /' -e 's/^fail host-lab: /  FAIL /' -e 's/^skip host-lab: /  SKIP /' \
        "$results/results.txt"
fi
if [ ! -e "$results/complete" ]; then
    why="the guest did not finish"
    [ "$status" = 124 ] && why="the guest was stopped after ${NSKIT_LAB_TIMEOUT:-720} s"
    [ "$status" = 125 ] && why="the guest's kernel locked up on both boots (no case for ${stall_limit} s)"
    fail "the host lab" "$why: $(tail -c 600 "$results/console.log" | tr '\n' ' ')"
fi
