# Rootless engines of a user made for the tests, for tests/integration/podman.sh,
# tests/e2e/rootless.sh and bench/run-rootless. Source it after tests/lib.sh
# with $work (a scratch directory, mode 755) set. Everything it starts goes
# when the suite ends, and with $work everything it wrote: the user's home
# and runtime directory are in $work, and the user itself, when
# make_test_user made it.
#
#   rootless_user NAME FIRST_SUBID   makes the user (tests/lib.sh), its home
#                    ($rootless_home) and runtime directory ($rootless_xdg,
#                    mode 0700, its $XDG_RUNTIME_DIR) in $work, one user to a
#                    $work, and $as_user: a script
#                    that runs a command as that user, in its session's
#                    environment (expect runs it under timeout)
#   rootless_podman  sets podman_user: the user's Podman (runc, vfs, its own
#                    storage in its home)
#   rootless_dockerd starts the user's dockerd-rootless.sh and waits for it;
#                    sets docker_user (its CLI) and rootless_dockerd_pid;
#                    false, with $rootless_error, when it does not start
#
# This host runs the rootless dockerd as ../shared/TESTBED.md says: the host's
# network (/dev/net/tun is root's), no port driver, no iptables or bridge.
# rootlesskit keeps its state in $TMPDIR: the user's home here.

rootless_user() {
    local name=$1 first=$2
    make_test_user "$name" "$first" || return 1
    # Short paths: Podman refuses a run root of more than 50 characters.
    rootless_home=$work/home
    rootless_xdg=$work/xdg
    install -d -m 700 -o "$name" -g "$name" "$rootless_home" "$rootless_xdg"
    as_user=$work/as-user
    cat >"$as_user" <<EOF
#!/bin/sh
cd / && exec setpriv --reuid=$name --regid=$name --init-groups \\
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=$rootless_home XDG_RUNTIME_DIR=$rootless_xdg TMPDIR=$rootless_home "\$@"
EOF
    chmod 755 "$as_user"
}

rootless_podman() {
    podman_user=(podman --root "$rootless_home/containers" --runroot "$rootless_xdg/containers" --runtime runc
                 --events-backend file --storage-driver vfs)
    at_exit "kill -9 \$(cat $rootless_xdg/libpod/tmp/pause.pid 2>/dev/null) 2>/dev/null"
    # conmon runs `podman container cleanup` after each container ends: wait
    # for those before the storage goes (Podman's tools/podman.sh says why).
    at_exit "wait_for 200 eval '! pgrep -f -- $rootless_home/containers >/dev/null'"
    at_exit "$as_user ${podman_user[*]} rm -f -t 0 -a >/dev/null 2>&1"
}

_rootless_engine_up() { "${docker_user[@]}" version >/dev/null 2>&1; }

rootless_dockerd() {
    local script=/usr/share/docker.io/contrib/dockerd-rootless.sh
    rootless_error=
    if [ ! -f "$script" ]; then
        rootless_error="no $script (Debian's docker.io ships it)"
        return 1
    fi
    "$as_user" env DOCKERD_ROOTLESS_ROOTLESSKIT_NET=host DOCKERD_ROOTLESS_ROOTLESSKIT_PORT_DRIVER=none \
        sh "$script" --iptables=false --ip6tables=false --bridge=none --ip-forward=false \
        >"$work/dockerd-rootless.log" 2>&1 &
    local engine=$! user
    user=$(stat -c %U "$rootless_xdg")
    # rootlesskit holds the engine's namespaces, dockerd and containerd run in
    # them, the shims beside: every process of the user's goes.
    at_exit "pkill -KILL -u $user; kill -KILL $engine"
    docker_user=("$as_user" docker -H "unix://$rootless_xdg/docker.sock")
    if ! wait_for 600 _rootless_engine_up; then
        rootless_error="its engine did not start: $(tail -3 "$work/dockerd-rootless.log" | tr '\n' ' ' | head -c 300)"
        return 1
    fi
    rootless_dockerd_pid=$(cat "$rootless_xdg/docker.pid" 2>/dev/null)
    at_exit "${docker_user[*]} rm -f \$(${docker_user[*]} ps -aq) >/dev/null 2>&1"
}
