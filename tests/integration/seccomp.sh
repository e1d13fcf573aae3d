#!/usr/bin/env bash
# nskit's seccomp compiler (src/context/seccomp/) against the real kernel and
# against runc. For each profile a probe (tests/tools/seccomp-probe.c) makes a
# table of system calls and prints what each got: once under the program
# nskit compiles, installed by tests/tools/seccomp-load, and once as the
# process of a runc container whose config.json has the same linux.seccomp.
# Identical output is the pass. Profiles: Docker's and Podman's defaults, one
# with argument rules (all seven operators, AND, OR), one naming calls no
# table knows, one with defaultErrnoRet, TRACE and LOG. Also: the committed
# syscall tables are what scripts/gen-syscall-tables writes now.
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/lib.sh"

WORK=$(mktemp -d)
at_exit "rm -rf $WORK"

# The generated tables, regenerated from the headers' package that
# scripts/gen-syscall-tables pins (Debian 13's linux-libc-dev, downloaded once
# into $NSKIT_TEST_CACHE/headers/ and checked against its SHA256): the whole
# file, header comment included, since nothing in it depends on this machine.
# The script exits 3 when the package cannot be had here (no network and no
# cached copy): the only reason to skip.
if ! command -v python3 >/dev/null; then
    skip "the committed syscall tables are what scripts/gen-syscall-tables writes now" "no python3"
elif "$TOP/scripts/gen-syscall-tables" "$WORK/tables.cpp" 2>"$WORK/gen.err"; then
    if diff "$TOP/src/context/seccomp/syscall_tables.cpp" "$WORK/tables.cpp" >"$WORK/tables.diff"; then
        pass "the committed syscall tables are what scripts/gen-syscall-tables writes now"
    else
        fail "the committed syscall tables are what scripts/gen-syscall-tables writes now" "$(head -c 300 "$WORK/tables.diff")"
    fi
elif [ $? = 3 ]; then
    skip "the committed syscall tables are what scripts/gen-syscall-tables writes now" \
        "the pinned headers cannot be had here: $(head -c 300 "$WORK/gen.err")"
else
    fail "the committed syscall tables are what scripts/gen-syscall-tables writes now" \
        "$(head -c 300 "$WORK/gen.err") (tests/install-deps installs the cross toolchains)"
fi

if [ "$(uname -m)" != x86_64 ]; then
    skip "seccomp probes" "the probe makes x86_64 calls; this machine is $(uname -m)"
    exit 0
fi
need_root "seccomp probes" || exit 0
need_cmd "seccomp probes" gcc || exit 0
make -s -C "$TOP" build/tests/seccomp-load >/dev/null || { fail "seccomp-load" "make build/tests/seccomp-load failed"; exit 0; }
LOAD=$TOP/build/tests/seccomp-load
PROBE=$WORK/probe
gcc -static -O1 -o "$PROBE" "$TOP/tests/tools/seccomp-probe.c" 2>"$WORK/gcc.err" ||
    { skip "seccomp probes" "gcc -static failed (glibc's static libraries: libc6-dev): $(head -c 200 "$WORK/gcc.err")"; exit 0; }
PROBE_ARGS=()
if "$PROBE" x86-works 2>/dev/null; then
    PROBE_ARGS=(--x86)
else
    skip "x86 (int \$0x80) calls in the probes" "this kernel has no IA-32 emulation"
fi

# The profiles, as linux.seccomp objects.
FIXTURES=$TOP/tests/unit/fixtures
cp "$FIXTURES/seccomp-docker-default.json" "$WORK/docker.json"
if [ -f /usr/share/containers/seccomp.json ]; then
    "$TOP/tests/tools/seccomp-oci-profile" /usr/share/containers/seccomp.json --arch amd64 --kernel "$(uname -r | cut -d. -f1,2)" \
        --caps CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_FOWNER,CAP_FSETID,CAP_KILL,CAP_NET_BIND_SERVICE,CAP_SETFCAP,CAP_SETGID,CAP_SETPCAP,CAP_SETUID,CAP_SYS_CHROOT \
        >"$WORK/podman.json"
else
    cp "$FIXTURES/seccomp-podman-default.json" "$WORK/podman.json"
fi
python3 - "$WORK" "$FIXTURES/seccomp-docker-default.json" "$TOP/src/context/seccomp/syscall_tables.cpp" <<'EOF'
import json, re, sys
work, docker = sys.argv[1], json.load(open(sys.argv[2]))
known = set(re.findall(r'^    \{"(\w+)",', open(sys.argv[3]).read(), re.M))
x86s = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]
def rule(names, action, *args, errno=None):
    r = {"names": names, "action": action}
    if args:
        r["args"] = [{"index": i, "value": v, "op": "SCMP_CMP_" + op, **({"valueTwo": two} if two else {})} for i, v, op, two in args]
    if errno is not None:
        r["errnoRet"] = errno
    return r
high = 1 << 32
# Argument rules under a permissive default: each operator returns its own errno when it holds.
args = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": x86s, "syscalls": [
    rule(["dup"], "SCMP_ACT_ERRNO", (0, high + 1000, "EQ", 0), errno=101),
    rule(["dup2"], "SCMP_ACT_ERRNO", (1, high + 1001, "NE", 0), errno=102),
    rule(["fchdir"], "SCMP_ACT_ERRNO", (0, high + 1000, "LT", 0), errno=103),
    rule(["fsync"], "SCMP_ACT_ERRNO", (0, high + 1000, "LE", 0), errno=104),
    rule(["fdatasync"], "SCMP_ACT_ERRNO", (0, high + 1000, "GT", 0), errno=105),
    rule(["syncfs"], "SCMP_ACT_ERRNO", (0, 0xffffffff00001000, "GE", 0), errno=106),
    rule(["fchmod"], "SCMP_ACT_ERRNO", (1, 0xff00000000000f00, "MASKED_EQ", 0x1200000000000300), errno=107),
    rule(["fchown"], "SCMP_ACT_ERRNO", (1, 7, "EQ", 0), (2, 9, "EQ", 0), errno=108),
    rule(["ioctl"], "SCMP_ACT_ERRNO", (0, 5, "EQ", 0), errno=109),
    rule(["ioctl"], "SCMP_ACT_ERRNO", (1, 0, "EQ", 0), errno=109),
    rule(["socket"], "SCMP_ACT_ERRNO", (0, 40, "EQ", 0), (0, 38, "EQ", 0), errno=110),
    rule(["mount"], "SCMP_ACT_ALLOW", (0, 0, "EQ", 0)),
    rule(["mount"], "SCMP_ACT_ERRNO", errno=111),
]}
# Docker's unconditional allow list, less what the probe asks, keeps runc's
# init and the probe's start working under the defaults below. Less, too, the
# names newer than the tables (see KNOWN_NEWER): runc's higher ENOSYS limit
# would show the same known difference in every call between the two limits.
probed = {"dup", "dup2", "fchdir", "fsync", "fdatasync", "syncfs", "fchmod", "fchown", "ioctl", "socket", "clone3",
          "unshare", "add_key", "io_uring_setup", "perf_event_open", "futex_waitv", "personality", "setns"}
allowed = {n for s in docker["syscalls"] if s["action"] == "SCMP_ACT_ALLOW" and not s.get("args") for n in s["names"]}
base = sorted((allowed - probed) & known)
unknown = {"defaultAction": "SCMP_ACT_ERRNO", "architectures": x86s, "syscalls": [
    rule(base, "SCMP_ACT_ALLOW"),
    rule(["no_such_call", "cachestat_but_misspelt", "waitpid", "arm_fadvise64_64", "s390_runtime_instr", "dup"], "SCMP_ACT_ALLOW"),
    rule(["riscv_flush_icache", "fchdir"], "SCMP_ACT_ERRNO", errno=13),
]}
errnoret = {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 95, "architectures": x86s, "syscalls": [
    rule(base, "SCMP_ACT_ALLOW"),
    rule(["setns"], "SCMP_ACT_ERRNO"),
    rule(["perf_event_open"], "SCMP_ACT_TRACE"),
    rule(["add_key"], "SCMP_ACT_LOG"),
    rule(["io_uring_setup"], "SCMP_ACT_ERRNO", errno=0),
]}
for name, profile in (("args", args), ("unknown", unknown), ("errnoret", errnoret)):
    json.dump(profile, open(f"{work}/{name}.json", "w"), indent=1)
EOF

# What the probe prints under nskit's program, and a few lines checked on their own.
# (Podman's setns: its first rule allows it, and of two rules without
# conditions the first wins; the later EPERM one loses, under runc too.)
declare -A expected=(
    [docker]="mount = EPERM|clone3 = ENOSYS|clone CLONE_THREAD alone = EINVAL|clone CLONE_NEWUSER+CLONE_FS = EPERM|socket AF_VSOCK = EPERM|syscall 1000 = ENOSYS|read = EBADF"
    [podman]="mount = EFAULT|setns = EBADF|syscall 1000 = ENOSYS|read = EBADF"
    [args]="dup = EBADF|dup high+1000 = ENETUNREACH|dup 2*high+1000 = EBADF|dup2 ne = ENETRESET|dup2 ne equal = EBADF|fchdir lt = ECONNABORTED|fchdir lt equal = EBADF|fchdir lt high word below = ECONNABORTED|fchdir lt high word above = EBADF|fsync le = ECONNRESET|fsync le above = EBADF|fsync le low word above = ECONNRESET|fdatasync gt = ENOBUFS|fdatasync gt equal = EBADF|fdatasync gt low word = EBADF|fdatasync gt high word = ENOBUFS|syncfs ge = EISCONN|syncfs ge below = EBADF|fchmod masked = ENOTCONN|fchmod masked other = EBADF|fchown and = ESHUTDOWN|fchown and not = EBADF|ioctl = ETOOMANYREFS|socket AF_VSOCK = ETIMEDOUT|socket AF_ALG = ETIMEDOUT|mount = ECONNREFUSED|syscall 1000 = ENOSYS"
    [unknown]="dup = EBADF|fchdir lt = EACCES|setns = EPERM|add_key = EPERM"
    [errnoret]="setns = EPERM|perf_event_open = ENOSYS|add_key = EFAULT|io_uring_setup = ok|clone3 = EOPNOTSUPP"
)
# Linux 6.1's headers (Debian 12's, the tables' source) stop at call 450;
# Debian 12's libseccomp (2.5.4-1+deb12u1) knows calls up to Linux 6.7, 451 to
# 456 (cachestat ... futex_requeue): a profile naming those gets them allowed
# by runc and refused by nskit (ENOSYS). The probe's line for call 451 is
# compared apart and a difference reported as that known one.
KNOWN_NEWER='^syscall 451 (cachestat) = '

runc_works=
if command -v runc >/dev/null; then
    mkdir -p "$WORK/bundle/rootfs" && cp "$PROBE" "$WORK/bundle/rootfs/probe"
    (cd "$WORK/bundle" && runc spec) && runc_works=1
fi

run_under_runc() {  # PROFILE OUTPUT
    python3 - "$WORK/bundle/config.json" "$1" "${PROBE_ARGS[@]}" <<'EOF'
import json, sys
path, profile, probe_args = sys.argv[1], sys.argv[2], sys.argv[3:]
config = json.load(open(path))
config["process"]["args"] = ["/probe", *probe_args]
config["process"]["terminal"] = False
config["root"] = {"path": "rootfs", "readonly": True}
config["linux"]["seccomp"] = json.load(open(profile))
json.dump(config, open(path, "w"))
EOF
    timeout 60 runc --root "$WORK/runc-state" run --bundle "$WORK/bundle" "nskit-seccomp-$$-$RANDOM" >"$2" 2>"$2.err"
}

for profile in docker podman args unknown errnoret; do
    json=$WORK/$profile.json
    count=$("$LOAD" --count "$json" 2>"$WORK/count.err") ||
        { fail "$profile: compiles" "$(head -c 300 "$WORK/count.err")"; continue; }
    echo "  $profile profile: $count instructions"
    if ! "$LOAD" "$json" "$PROBE" "${PROBE_ARGS[@]}" >"$WORK/$profile.ours" 2>"$WORK/$profile.ours.err"; then
        fail "$profile: the probe runs under nskit's program" "$(head -c 300 "$WORK/$profile.ours.err")"
        continue
    fi
    IFS='|' read -r -a lines <<<"${expected[$profile]}"
    missing=
    for line in "${lines[@]}"; do
        grep -qxF -- "$line" "$WORK/$profile.ours" || missing="$missing [$line]"
    done
    if [ -z "$missing" ]; then pass "$profile: the kernel gives what the profile says (${#lines[@]} calls checked)"
    else fail "$profile: the kernel gives what the profile says" "not in the output:$missing"; fi

    if [ -z "$runc_works" ]; then
        skip "$profile: runc and nskit agree" "runc is not installed (tests/install-deps installs it)"
        continue
    fi
    if ! run_under_runc "$json" "$WORK/$profile.runc"; then
        skip "$profile: runc and nskit agree" "runc run failed here: $(head -c 200 "$WORK/$profile.runc.err")"
        continue
    fi
    same "$profile: runc $(runc --version | sed -n 's/^runc version //p') and nskit give every call the same answer" \
        "$(grep -v "$KNOWN_NEWER" "$WORK/$profile.runc")" "$(grep -v "$KNOWN_NEWER" "$WORK/$profile.ours")"
    theirs=$(grep "$KNOWN_NEWER" "$WORK/$profile.runc") ours=$(grep "$KNOWN_NEWER" "$WORK/$profile.ours")
    if [ "$theirs" = "$ours" ]; then
        pass "$profile: call 451 (newer than the tables' Linux 6.1) alike too"
    else
        skip "$profile: call 451 (newer than the tables' Linux 6.1)" \
            "runc's libseccomp knows it ('${theirs#*= }'), nskit's 6.1 tables do not ('${ours#*= }'): the known difference"
    fi
done
