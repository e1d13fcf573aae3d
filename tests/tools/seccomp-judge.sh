# What the seccomp differentials share (tests/integration/seccomp.sh under
# runc, tests/e2e/seccomp.sh under a Docker engine). Source it after
# tests/lib.sh with $WORK set (a scratch directory).
#
#   seccomp_build_probe     builds $WORK/probe (tests/tools/seccomp-probe.c,
#                           gcc -static) and $WORK/bare (its answers with no
#                           filter); sets PROBE and PROBE_ARGS (--x86 where
#                           the kernel has IA-32 emulation). Non-zero, with
#                           the reason in SECCOMP_WHY, when it cannot.
#   seccomp_runtime_judge   nskit's compiler built with the names runc's
#                           libseccomp resolves (see below): sets
#                           RUNTIME_LOAD, RUNC_VERSION and RUNC_LIBSECCOMP.
#                           Non-zero, with SECCOMP_WHY, when it cannot.
#   changed_lines A B       the lines of file B that differ from file A's
#                           (the same probes in the same order)
#   with_lines_of A B C     file A's lines, those that differ between B and C
#                           replaced by C's
#
# runc skips a name its libseccomp cannot resolve (no rule) and takes its
# ENOSYS stub's limit from the names it can (patchbpf's findLastSyscalls).
# nskit's tables (Linux 6.12) may know more names than that library (Debian
# 12's knows Linux 6.7's): then the two legitimately differ, and the judge is
# what that runtime does with what its library knows. RUNTIME_LOAD is
# tests/tools/seccomp-load built with the tables restricted to the library's
# own answers (tests/tools/seccomp-runtime-table): it must give every call
# runc's answer, and nskit's own program may differ from runc's only where
# RUNTIME_LOAD's program differs from it (src/context/seccomp/compile.h).

seccomp_build_probe() {
    PROBE=$WORK/probe PROBE_ARGS=()
    if ! gcc -static -O1 -o "$PROBE" "$TOP/tests/tools/seccomp-probe.c" 2>"$WORK/gcc.err"; then
        SECCOMP_WHY="gcc -static failed (glibc's static libraries: libc6-dev): $(head -c 200 "$WORK/gcc.err")"
        return 1
    fi
    # Without IA-32 emulation an int $0x80 faults: asked through sh, whose word on the fault goes nowhere.
    if sh -c '"$0" x86-works; exit $?' "$PROBE" >/dev/null 2>&1; then
        PROBE_ARGS=(--x86)
    fi
    "$PROBE" "${PROBE_ARGS[@]}" >"$WORK/bare"
}

# bare LINE: what the kernel answers the probe's call LINE with no filter.
bare() { sed -n "s/^$1 = //p" "$WORK/bare"; }

seccomp_runtime_judge() {
    RUNTIME_LOAD= RUNC_LIBSECCOMP= RUNC_VERSION=
    if ! command -v runc >/dev/null; then
        SECCOMP_WHY="runc is not installed (tests/install-deps installs it)"
        return 1
    fi
    RUNC_LIBSECCOMP=$(ldd "$(command -v runc)" 2>/dev/null | awk '/libseccomp/ { print $3 }')
    RUNC_VERSION="runc $(runc --version | sed -n 's/^runc version //p') with libseccomp $(dpkg-query -W -f '${Version}' libseccomp2 2>/dev/null)"
    if [ -z "$RUNC_LIBSECCOMP" ]; then
        SECCOMP_WHY="$(command -v runc) does not link libseccomp dynamically, so its table cannot be asked"
        return 1
    fi
    "$TOP/tests/tools/seccomp-runtime-table" "$RUNC_LIBSECCOMP" "$TOP/src/context/seccomp/syscall_tables.cpp" \
        --write "$WORK/runtime_tables.cpp" 2>"$WORK/runtime-table.err" ||
        { SECCOMP_WHY="tests/tools/seccomp-runtime-table failed: $(head -c 200 "$WORK/runtime-table.err")"; return 1; }
    if ! make -s -C "$TOP" build/tests/seccomp-load-with-table SECCOMP_TABLE="$WORK/runtime_tables.cpp" >"$WORK/make.out" 2>&1; then
        SECCOMP_WHY="make build/tests/seccomp-load-with-table failed: $(tail -c 200 "$WORK/make.out")"
        return 1
    fi
    cp "$TOP/build/tests/seccomp-load-with-table" "$WORK/seccomp-load-runtime" && RUNTIME_LOAD=$WORK/seccomp-load-runtime
}

changed_lines() { diff "$1" "$2" | sed -n 's/^> //p'; }

with_lines_of() {
    local a=$1 b=$2 c=$3
    paste -d '\n' "$b" "$c" | awk -v file="$a" '
        NR % 2 == 1 { before = $0; next }
        before != $0 { swap[before] = $0 }
        END { while ((getline line < file) > 0) print (line in swap ? swap[line] : line) }'
}

# differences_said A B: "LINE: A's answer, B's answer; ..." for the lines that differ.
differences_said() {
    paste -d '|' <(changed_lines "$2" "$1") <(changed_lines "$1" "$2") |
        sed 's/^\(.*\) = \(.*\)|.* = \(.*\)$/\1: \2 \/ \3/' | tr '\n' ';' | sed 's/;$//'
}
