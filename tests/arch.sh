#!/usr/bin/env bash
# The other architectures: make ARCH=... cross-builds nskit for arm64, armhf,
# ppc64le and s390x with Debian's cross compilers and musl-dev:ARCH, and each
# build runs here under qemu-user (qemu-user-static, called directly; no
# binfmt registration is needed or made).
#
# What qemu-user can run honestly, it runs: the unit tests (a static glibc
# build, checking the kernel constants against that target's own headers),
# every applet's help and its errors, byte for byte against this host's build,
# setns into the UTS, IPC, network and PID namespaces of a real process with
# the command's exit status, and the installer into a directory. What it
# cannot is skipped with the reason: qemu-user is multi-threaded, so the kernel
# refuses it a new user or mount namespace (EINVAL), it refuses clone with
# namespace flags, and it has no execveat, which docker-enter's private copy
# of itself needs. Those run on each architecture's own kernel in
# tests/arch-lab.sh.
#
# NSKIT_ARCHES="arm64 s390x" narrows the list.
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
. "$TOP/tests/lib.sh"

arches=${NSKIT_ARCHES:-arm64 armhf ppc64le s390x}
case $(uname -m) in aarch64) host_arch=arm64 ;; armv7l) host_arch=armhf ;; *) host_arch=$(uname -m) ;; esac
need_root "setns into a process's namespaces" || exit 0

work=$(mktemp -d /tmp/nskit-arch.XXXXXX)
at_exit "rm -rf $work"
# A target holding its own UTS, IPC and network namespaces, with a hostname of
# its own, for as long as the suite runs (killed at its end): the suite takes
# over ten minutes, and a target of `sleep 600` was gone before s390x's turn.
spawn unshare --uts --ipc --net sh -c 'hostname nskit-arch-test; exec sleep infinity'
target=$SPAWNED
has_own_hostname() { [ "$(nsenter -t "$target" -u hostname 2>/dev/null)" = nskit-arch-test ]; }
if ! wait_for 100 has_own_hostname; then
    fail "a target process with namespaces of its own" "unshare --uts --ipc --net did not start"
    exit 0
fi

# qemu's name for each architecture, and what readelf says of its binaries.
declare -A qemu=([arm64]=aarch64 [armhf]=arm [ppc64le]=ppc64le [s390x]=s390x [x86_64]=x86_64)
declare -A machine=([arm64]=AArch64 [armhf]=ARM [ppc64le]=PowerPC64 [s390x]="IBM S/390" [x86_64]="Advanced Micro Devices X86-64")
declare -A data=([arm64]=little [armhf]=little [ppc64le]=little [s390x]=big [x86_64]=little)
declare -A class=([arm64]=ELF64 [armhf]=ELF32 [ppc64le]=ELF64 [s390x]=ELF64 [x86_64]=ELF64)

for arch in $arches; do
    [ "$arch" = "$host_arch" ] && continue
    echo "-- $arch"
    if ! make -s -j"$(nproc)" -C "$TOP" ARCH="$arch" >"$work/build.log" 2>&1; then
        fail "$arch: make ARCH=$arch" "$(tail -5 "$work/build.log")"
        continue
    fi
    bin=$TOP/build/$arch/nskit
    size=$(stat -c %s "$bin")
    pass "$arch: make ARCH=$arch builds build/$arch/nskit ($size bytes)"
    # The ceiling is the native build's (integration/hardening.sh): 512 KiB of file.
    if [ "$size" -le $((512 * 1024)) ]; then pass "$arch: within the 512 KiB ceiling"
    else fail "$arch: within the 512 KiB ceiling" "$size bytes"; fi

    # The same hardening as the native build: a static PIE, full RELRO, no
    # executable stack, no interpreter and no library.
    header=$(readelf -hW "$bin"); segments=$(readelf -lW "$bin"); dynamic=$(readelf -dW "$bin")
    problems=
    grep -q "Machine: *${machine[$arch]}\$" <<<"$header" || problems="$problems machine"
    grep -q "Class: *${class[$arch]}" <<<"$header" || problems="$problems class"
    grep -q "Data: *2's complement, ${data[$arch]} endian" <<<"$header" || problems="$problems byte-order"
    grep -q "Type: *DYN" <<<"$header" || problems="$problems not-PIE"
    grep -q "INTERP" <<<"$segments" && problems="$problems interpreter"
    grep -q "(NEEDED)" <<<"$dynamic" && problems="$problems shared-library"
    grep -q "GNU_RELRO" <<<"$segments" || problems="$problems no-RELRO"
    grep -Eq "\(FLAGS\).*BIND_NOW|\(FLAGS_1\).*NOW" <<<"$dynamic" || problems="$problems no-BIND_NOW"
    grep -E "GNU_STACK" <<<"$segments" | grep -q "RWE" && problems="$problems executable-stack"
    same "$arch: a ${class[$arch]} ${data[$arch]}-endian ${machine[$arch]} static PIE, full RELRO, no executable stack" "$problems" ""

    run=(qemu-"${qemu[$arch]}"-static "$bin")
    if ! command -v "${run[0]}" >/dev/null; then
        fail "$arch: qemu-user" "${run[0]} not found (Debian: apt-get install qemu-user-static)"
        continue
    fi
    expect "$arch: --version names the architecture" --out-has "static $arch musl" -- "${run[@]}" --version

    # The option tables are the same on every architecture: so is every help text and error.
    for applet in "" nsenter unshare install uninstall; do
        same "$arch: ${applet:-nskit} --help is the host build's, byte for byte" \
            "$("${run[@]}" $applet --help 2>&1; echo "rc=$?")" "$("$NSKIT" $applet --help 2>&1; echo "rc=$?")"
    done
    for bad in "nsenter --bogus" "nsenter -t" "unshare --map-user=" "nsenter -t 0 true" "install --bogus"; do
        same "$arch: '$bad' fails as the host build does" \
            "$("${run[@]}" $bad 2>&1; echo "rc=$?")" "$("$NSKIT" $bad 2>&1; echo "rc=$?")"
    done

    # docker-enter starts by running from a private copy of itself, which
    # qemu-user cannot execute: it must refuse, never go on without one.
    expect "$arch: docker-enter refuses to run without its private copy" --rc 1 \
        --err "docker-enter: cannot run from a private copy of nskit" -- "${run[@]}" docker-enter --help

    # Real namespaces: setns is allowed to a multi-threaded process for these kinds.
    expect "$arch: nsenter -u into a process's UTS namespace" --out nskit-arch-test -- "${run[@]}" nsenter -t "$target" -u hostname
    expect "$arch: nsenter -u -i -n: the command's exit status" --rc 7 -- "${run[@]}" nsenter -t "$target" -u -i -n sh -c 'exit 7'
    same "$arch: nsenter -n: the target's network namespace" \
        "$("${run[@]}" nsenter -t "$target" -n readlink /proc/self/ns/net)" "$(readlink /proc/$target/ns/net)"
    expect "$arch: nsenter -p forks into the PID namespace" --out "$(readlink /proc/$target/ns/pid)" -- \
        "${run[@]}" nsenter -t "$target" -p readlink /proc/self/ns/pid
    # IDs past 16 bits: 32-bit arm's plain setresuid is the old 16-bit call.
    expect "$arch: nsenter -S/-G set a 32-bit user and group" --out "100000 100001" -- \
        "${run[@]}" nsenter -t "$target" -u -S 100000 -G 100001 sh -c 'echo $(id -u) $(id -g)'
    expect "$arch: a command that is not there is 127" --rc 127 --err "nsenter: failed to execute no-such-command" -- \
        "${run[@]}" nsenter -t "$target" -u no-such-command
    printf 'not a program' >"$work/not-executable"
    expect "$arch: a command that cannot run is 126" --rc 126 -- "${run[@]}" nsenter -t "$target" -u "$work/not-executable"

    # The installer: copies the running binary (qemu shows it as /proc/self/exe) and its links.
    rm -rf "$work/target"; mkdir "$work/target"
    expect "$arch: install into a directory" --out-has "install: 4 installed in $work/target" -- "${run[@]}" install "$work/target"
    same "$arch: the installed nskit is build/$arch/nskit" "$(cmp "$bin" "$work/target/nskit" 2>&1 && readlink "$work/target/nsenter")" nskit
    expect "$arch: install again changes nothing" --out-has "nothing changed" -- "${run[@]}" install "$work/target"
    expect "$arch: uninstall removes all of it" --out-has "4 removed" -- "${run[@]}" uninstall "$work/target"
    same "$arch: nothing is left" "$(ls -A "$work/target")" ""

    # The unit tests, cross-built against the target's glibc and run under qemu.
    if make -s -j"$(nproc)" -C "$TOP" ARCH="$arch" build/"$arch"/unit-tests >"$work/unit.log" 2>&1; then
        "${run[0]}" "$TOP/build/$arch/unit-tests" >"$work/unit.log" 2>&1
        rc=$?
        summary=$(grep -E "^(All tests passed|test cases:)" "$work/unit.log" | tail -1)
        if [ "$rc" = 0 ] && [[ $summary == "All tests passed"* ]]; then
            pass "$arch: unit tests under qemu: ${summary#All tests passed }"
        else
            fail "$arch: unit tests under qemu" "exit $rc: $summary $(grep -m3 -A3 FAILED "$work/unit.log" | head -c 400)"
        fi
    else
        fail "$arch: unit tests build" "$(grep -m3 -i error "$work/unit.log")"
    fi

    # What the emulator cannot do: skipped, with its reason shown by the attempt itself.
    out=$("${run[@]}" unshare -r true 2>&1)
    if [ $? = 0 ]; then
        fail "$arch: unshare -r under qemu-user" "it worked: this suite should run the namespace cases here"
    else
        skip "$arch: new namespaces (unshare, nsenter -m/-U, docker-enter)" \
            "qemu-user is multi-threaded, so the kernel refuses it a new user or mount namespace ($out); docker-enter needs execveat, which qemu-user lacks"
    fi
done
