# Rootful Podman in a storage of its own, for tests/integration/podman.sh and
# tests/e2e/sources.sh. Source it after tests/lib.sh with $work (a scratch
# directory, mode 755) set; every container it runs is removed at exit.
#
#   podman_setup           imports localhost/nskit-busybox (a static busybox)
#                          into the storage; sets podman_root (the command) and
#                          podman_run (podman run with this host's options)
#
# crun refuses hosts whose cgroup v2 hierarchy beside v1 has controllers
# ("cgroups in hybrid mode not supported"), so runc runs them everywhere.
# Podman asks for 1048576 open files and processes, which a root without
# CAP_SYS_RESOURCE cannot raise its own limits to: then it asks for this
# root's own. Podman would read a private Docker engine's DOCKER_CONFIG as its
# registry credentials: it is not given one.

podman_setup() {
    podman_root=(env -u DOCKER_CONFIG -u DOCKER_HOST podman --root "$work/root" --runroot "$work/runroot" --runtime runc --cgroup-manager cgroupfs
                 --events-backend file --storage-driver vfs)
    podman_run=("${podman_root[@]}" run -d --network none)
    if (( ! ((0x$(awk '/^CapEff/ {print $2}' /proc/self/status) >> 24) & 1) )); then
        podman_run+=(--ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit "nproc=32768:32768")
    fi
    # conmon runs `podman container cleanup` on this storage after each
    # container ends: wait for every such process before the storage goes,
    # or it makes the storage's directories again once they are removed.
    at_exit "wait_for 200 eval '! pgrep -f -- $work/root >/dev/null'"
    at_exit "${podman_root[*]} rm -f -t 0 -a >/dev/null 2>&1"
    mkdir -p "$work/rootfs/bin" "$work/rootfs/etc" "$work/rootfs/tmp" "$work/rootfs/srv"
    cp "$(command -v busybox)" "$work/rootfs/bin/busybox"
    for applet in sh sleep id hostname cat readlink pwd echo env sort grep umask; do
        ln -sf busybox "$work/rootfs/bin/$applet"
    done
    tar -C "$work/rootfs" -cf "$work/busybox.tar" .
    chmod 644 "$work/busybox.tar"
    "${podman_root[@]}" import -q --change 'ENV PATH=/bin' "$work/busybox.tar" localhost/nskit-busybox >/dev/null
}
