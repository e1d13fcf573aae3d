#!/usr/bin/env bash
# nskit's seccomp compiler (src/context/seccomp/) against the real kernel and
# against runc. For each profile a probe (tests/tools/seccomp-probe.c) makes a
# table of system calls and prints what each got: once under the program
# nskit compiles, installed by tests/tools/seccomp-load, and once as the
# process of a runc container whose config.json has the same linux.seccomp.
# Identical output is the pass, against what runc does with the names its
# libseccomp knows (below: where nskit's Linux 6.12 tables know more, the
# compiler built with that library's answers is compared). Profiles: Docker's
# and Podman's defaults, one with argument rules (all seven operators, AND,
# OR), one naming calls no table knows, one with defaultErrnoRet, TRACE and
# LOG, one with 1050 equality rules on one argument. Also: the committed
# syscall tables are what scripts/gen-syscall-tables writes now, and they
# agree with runc's libseccomp on every number.
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
. "$TOP/tests/tools/seccomp-judge.sh"
seccomp_build_probe || { skip "seccomp probes" "$SECCOMP_WHY"; exit 0; }
[ ${#PROBE_ARGS[@]} -gt 0 ] || skip "x86 (int \$0x80) calls in the probes" "this kernel has no IA-32 emulation"

# The profiles, as linux.seccomp objects (tests/tools/seccomp-profiles, shared with tests/e2e/seccomp.sh).
FIXTURES=$TOP/tests/unit/fixtures
TABLES=$TOP/src/context/seccomp/syscall_tables.cpp
cp "$FIXTURES/seccomp-docker-default.json" "$WORK/docker.json"
if [ -f /usr/share/containers/seccomp.json ]; then
    "$TOP/tests/tools/seccomp-oci-profile" /usr/share/containers/seccomp.json --arch amd64 --kernel "$(uname -r | cut -d. -f1,2)" \
        --caps CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_FOWNER,CAP_FSETID,CAP_KILL,CAP_NET_BIND_SERVICE,CAP_SETFCAP,CAP_SETGID,CAP_SETPCAP,CAP_SETUID,CAP_SYS_CHROOT \
        >"$WORK/podman.json"
else
    cp "$FIXTURES/seccomp-podman-default.json" "$WORK/podman.json"
fi
"$TOP/tests/tools/seccomp-profiles" "$WORK" "$FIXTURES/seccomp-docker-default.json" "$TABLES"

# What the probe prints under nskit's program, and a few lines checked on their own.
# (Podman's setns: its first rule allows it, and of two rules without
# conditions the first wins; the later EPERM one loses, under runc too.)
# The calls past Linux 6.7 follow the tables (Linux 6.12): Docker's profile
# allows listmount and mseal and does not name lsm_list_modules, which is
# under its highest known name (mseal, 462) and so gets the default action;
# setxattrat (463, Linux 6.13) is newer than the tables and above that limit.
declare -A expected=(
    [docker]="mount = EPERM|clone3 = ENOSYS|clone CLONE_THREAD alone = EINVAL|clone CLONE_NEWUSER+CLONE_FS = EPERM|socket AF_VSOCK = EPERM|syscall 1000 = ENOSYS|read = EBADF|cachestat bad fd = $(bare 'cachestat bad fd')|fchmodat2 bad flags = $(bare 'fchmodat2 bad flags')|listmount bad flags = $(bare 'listmount bad flags')|lsm_list_modules bad flags = EPERM|mseal bad flags = $(bare 'mseal bad flags')|syscall 463 (setxattrat) = ENOSYS"
    [podman]="mount = EFAULT|setns = EBADF|syscall 1000 = ENOSYS|read = EBADF"
    [args]="dup = EBADF|dup high+1000 = ENETUNREACH|dup 2*high+1000 = EBADF|dup2 ne = ENETRESET|dup2 ne equal = EBADF|fchdir lt = ECONNABORTED|fchdir lt equal = EBADF|fchdir lt high word below = ECONNABORTED|fchdir lt high word above = EBADF|fsync le = ECONNRESET|fsync le above = EBADF|fsync le low word above = ECONNRESET|fdatasync gt = ENOBUFS|fdatasync gt equal = EBADF|fdatasync gt low word = EBADF|fdatasync gt high word = ENOBUFS|syncfs ge = EISCONN|syncfs ge below = EBADF|fchmod masked = ENOTCONN|fchmod masked other = EBADF|fchown and = ESHUTDOWN|fchown and not = EBADF|ioctl = ETOOMANYREFS|socket AF_VSOCK = ETIMEDOUT|socket AF_ALG = ETIMEDOUT|mount = ECONNREFUSED|syscall 1000 = ENOSYS|mseal bad flags = $(bare 'mseal bad flags')"
    [unknown]="dup = EBADF|fchdir lt = EACCES|setns = EPERM|add_key = EPERM|mseal bad flags = $(bare 'mseal bad flags')|lsm_list_modules bad flags = EPERM"
    [many]="ioctl cmd 998 = ENFILE|ioctl cmd 999 = EBADF|ioctl cmd 1998 = ENFILE|ioctl cmd 2000 = EBADF|ioctl cmd high+98 = EISDIR|ioctl cmd high+998 = EBADF|ioctl = ENOTDIR"
    [errnoret]="setns = EPERM|perf_event_open = ENOSYS|add_key = EFAULT|io_uring_setup = ok|clone3 = EOPNOTSUPP|lsm_list_modules bad flags = EOPNOTSUPP"
)

# runc as the judge: what it does with the names its own libseccomp knows
# (tests/tools/seccomp-judge.sh says how, src/context/seccomp/compile.h why).
runc_works=
if seccomp_runtime_judge; then
    mkdir -p "$WORK/bundle/rootfs" && cp "$PROBE" "$WORK/bundle/rootfs/probe"
    (cd "$WORK/bundle" && runc spec) && runc_works=1
fi

# nskit's tables against the library runc links, name by name and ABI by ABI.
if [ -n "$RUNC_LIBSECCOMP" ]; then
    "$TOP/tests/tools/seccomp-runtime-table" "$RUNC_LIBSECCOMP" "$TABLES" --differences >"$WORK/differences"
    same "nskit's tables and $RUNC_VERSION's name look-up agree on every number both know, and it knows no name they lack" \
        "" "$(grep -v '^more ' "$WORK/differences")"
    # Debian 12's library: what the tables know beyond it, each explained in syscall_tables.h.
    if [ "$(dpkg-query -W -f '${Version}' libseccomp2 2>/dev/null)" = 2.5.4-1+deb12u1 ]; then
        every="x86_64 x86 x32 aarch64 arm ppc64le s390x s390"
        same "the names nskit's tables know beyond Debian 12's libseccomp: Linux 6.8-6.12's calls, x32's map_shadow_stack, arm's sync_file_range2" \
            "$(printf '%s\n' "more listmount $every" "more lsm_get_self_attr $every" "more lsm_list_modules $every" \
                "more lsm_set_self_attr $every" "more map_shadow_stack x32" "more mseal $every" "more statmount $every" \
                "more sync_file_range2 arm" "more uretprobe x86_64 x32")" \
            "$(grep '^more ' "$WORK/differences")"
    else
        echo "  (the tables know beyond libseccomp $(dpkg-query -W -f '${Version}' libseccomp2 2>/dev/null): $(grep '^more ' "$WORK/differences" | cut -d' ' -f2 | tr '\n' ' '))"
    fi
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

for profile in docker podman args unknown errnoret many; do
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
        skip "$profile: runc and nskit agree" "$SECCOMP_WHY"
        continue
    fi
    if ! run_under_runc "$json" "$WORK/$profile.runc"; then
        fail "$profile: runc runs the probe" "$(head -c 200 "$WORK/$profile.runc.err")"
        continue
    fi
    "$RUNTIME_LOAD" "$json" "$PROBE" "${PROBE_ARGS[@]}" >"$WORK/$profile.modeled" 2>"$WORK/$profile.modeled.err" ||
        { fail "$profile: the probe runs under nskit's program of runc's names" "$(head -c 300 "$WORK/$profile.modeled.err")"; continue; }
    same "$profile: $RUNC_VERSION and nskit's compiler resolving names as that libseccomp does give every call the same answer" \
        "$(cat "$WORK/$profile.runc")" "$(cat "$WORK/$profile.modeled")"
    same "$profile: nskit's own program differs from runc's only in calls runc's libseccomp cannot name" \
        "$(changed_lines "$WORK/$profile.runc" "$WORK/$profile.ours")" "$(changed_lines "$WORK/$profile.modeled" "$WORK/$profile.ours")"
    newer=$(differences_said "$WORK/$profile.runc" "$WORK/$profile.ours")
    [ -z "$newer" ] || echo "  $profile: calls runc's libseccomp cannot name, as runc / as nskit gives them: $newer"
done
