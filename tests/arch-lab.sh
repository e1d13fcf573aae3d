#!/usr/bin/env bash
# The architecture lab: what qemu-user cannot run (tests/arch.sh skips it),
# on the kernel of the architecture itself. Debian's own arm64, armhf
# (armmp-lpae), ppc64le and s390x kernels boot under qemu-system (TCG) with an
# initramfs holding
# that architecture's static busybox, nskit built for it (make ARCH=...), and
# tests/arch-lab/{init,suite.sh}: new user, mount and PID namespaces, nsenter
# into all of them, the nsfs ioctls, IDs past 16 bits, the relay, and
# `nskit enter pid:N` (private copy, the command placed in the cgroup, ptrace). Each
# case's result line comes back on the console.
#   NSKIT_LAB_ARCHES="arm64"   narrow the list (default: arm64 armhf ppc64le s390x)
#   NSKIT_LAB_TIMEOUT=SECONDS  a hung guest is stopped after this (default 600)
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
. "$TOP/tests/lib.sh"

need_cmd "the architecture lab" busybox || exit 0
cache=${NSKIT_TEST_CACHE:-/var/cache/nskit-tests}/arch-lab
work=$(mktemp -d /tmp/nskit-arch-lab.XXXXXX)
at_exit "rm -rf $work"
mkdir -p "$cache"

# Per architecture: Debian's name, its kernel flavour, qemu's machine and console.
declare -A deb=([arm64]=arm64 [armhf]=armhf [ppc64le]=ppc64el [s390x]=s390x)
declare -A flavour=([arm64]=arm64 [armhf]=armmp-lpae [ppc64le]=powerpc64le [s390x]=s390x)
declare -A qemu=([arm64]="qemu-system-aarch64 -machine virt -cpu cortex-a72"
                 [armhf]="qemu-system-arm -machine virt -cpu cortex-a15"
                 [ppc64le]="qemu-system-ppc64 -machine pseries -cpu power9"
                 [s390x]="qemu-system-s390x -machine s390-ccw-virtio -cpu max")
declare -A console=([arm64]=ttyAMA0 [armhf]=ttyAMA0 [ppc64le]=hvc0 [s390x]=ttysclp0)

# download NAME:ARCH: the package file, fetched once into the cache.
download() {
    local pattern="$cache/${1%%:*}_*_${1#*:}.deb" found
    found=$(ls $pattern 2>/dev/null | head -1)
    if [ -z "$found" ]; then
        (cd "$cache" && apt-get download -q "$1" >/dev/null 2>&1) || return 1
        found=$(ls $pattern 2>/dev/null | head -1)
    fi
    [ -n "$found" ] && echo "$found"
}

for arch in ${NSKIT_LAB_ARCHES:-arm64 armhf ppc64le s390x}; do
    read -r -a machine <<<"${qemu[$arch]}"
    need_cmd "$arch: the architecture lab" "${machine[0]}" || continue
    # linux-image-arm64 depends on the kernel package of the day: ask apt which.
    kernel_package=$(apt-cache depends "linux-image-${flavour[$arch]}:${deb[$arch]}" 2>/dev/null |
                     sed -n 's/^ *Depends: \(linux-image-[^:]*\).*/\1/p' | head -1)
    if [ -z "$kernel_package" ] || ! kernel_deb=$(download "$kernel_package:${deb[$arch]}") ||
       ! busybox_deb=$(download "busybox-static:${deb[$arch]}"); then
        skip "$arch: the architecture lab" "Debian's ${flavour[$arch]} kernel or busybox-static:${deb[$arch]} cannot be downloaded here"
        continue
    fi
    if ! make -s -j"$(nproc)" -C "$TOP" ARCH="$arch" >"$work/build.log" 2>&1; then
        fail "$arch: make ARCH=$arch" "$(tail -3 "$work/build.log")"
        continue
    fi

    root=$work/$arch-root
    mkdir -p "$root/bin" "$work/$arch-kernel" "$work/$arch-busybox"
    dpkg-deb --fsys-tarfile "$kernel_deb" | tar -x -C "$work/$arch-kernel" --wildcards './boot/vmlinu[xz]-*'
    dpkg-deb -x "$busybox_deb" "$work/$arch-busybox"
    cp "$work/$arch-busybox/bin/busybox" "$root/bin/busybox"
    cp "$TOP/build/$arch/nskit" "$root/nskit"
    cp "$TOP/tests/arch-lab/init" "$root/init"
    cp "$TOP/tests/arch-lab/suite.sh" "$root/suite.sh"
    (cd "$root" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) >"$work/$arch-initrd"

    started=$SECONDS
    timeout "${NSKIT_LAB_TIMEOUT:-600}" "${machine[@]}" -smp 2 -m 1024 -nographic -no-reboot \
        -kernel "$(echo "$work/$arch-kernel"/boot/vmlinu[xz]-*)" -initrd "$work/$arch-initrd" \
        -append "console=${console[$arch]} rdinit=/init panic=-1 quiet nskit.arch=$arch" \
        </dev/null >"$work/$arch-console.log" 2>&1
    status=$?
    tr -d '\r' <"$work/$arch-console.log" >"$work/$arch-console"
    echo "  ($arch: $(sed -n 's/.*ARCH-LAB-START //p' "$work/$arch-console") booted and ran in $((SECONDS - started)) s; qemu's exit status $status)"
    while read -r verdict rest; do
        case $verdict in
            pass) pass "$rest" ;;
            fail) fail "${rest%%: *}" "${rest#*: }" ;;
            skip) skip "${rest%%: *}" "${rest#*: }" ;;
        esac
    done < <(sed -n 's/^RESULT //p' "$work/$arch-console")
    if ! grep -q '^ARCH-LAB-DONE' "$work/$arch-console"; then
        fail "$arch: the guest ran its suite to the end" "$(tail -5 "$work/$arch-console" | tr '\n' ' ' | cut -c1-400)"
    fi
done
