# A private Docker engine for end-to-end suites. Source it after tests/lib.sh:
#
#   . "$TOP/tests/lib.sh"; . "$TOP/tests/e2e/docker.sh"
#   docker_start "my case" || exit 0     # records a skip and returns 1 when no engine can start
#   make_busybox_image nskit-test/busybox
#   docker run --rm --network none nskit-test/busybox true
#
# What it gives a suite:
#   docker_start CASE [DOCKERD_OPTION...]
#                           installs docker.io/debootstrap/busybox-static when missing, starts
#                           a dockerd of its own (own --data-root, --exec-root, --pidfile, socket,
#                           --iptables=false --bridge=none, and the options given: --userns-remap
#                           makes its directory one the remapped root may pass through) and
#                           waits until it answers. Exports
#                           DOCKER_HOST (its socket), DOCKER_CONFIG, and puts a `docker` matching
#                           the engine first in PATH. Everything it starts is stopped at exit
#                           (at_exit): containers, dockerd, containerd, mounts, its directory.
#   docker_build ARGS...    DOCKER_BUILDKIT=0 docker build --network host ARGS (nothing is pulled:
#                           base images must exist in the engine)
#   make_busybox_image NAME a static busybox root (Debian's busybox-static, its links,
#                           /etc/passwd, /etc/group), docker import'ed as NAME
#   make_debian_image [NAME]  debootstrap --variant=minbase bookworm, imported as NAME (default
#                           debian:bookworm-slim), the builder base of the Dockerfile. The root
#                           tarball is cached in $NSKIT_TEST_CACHE (default /var/cache/nskit-tests).
#   DOCKER_DIR              the engine's private directory (keep paths under it short)
# Containers in tests always run with --network none; no image is ever pulled.

NSKIT_TEST_CACHE=${NSKIT_TEST_CACHE:-/var/cache/nskit-tests}
DOCKER_DIR=

docker_build() { DOCKER_BUILDKIT=0 docker build --network host "$@"; }

# _docker_deps: the packages the engine needs, installed through tests/install-deps' list.
_docker_deps() {
    command -v dockerd >/dev/null 2>&1 && command -v debootstrap >/dev/null 2>&1 &&
        [ -x /bin/busybox ] && return 0
    "$TOP/tests/install-deps" >/dev/null 2>&1
    command -v dockerd >/dev/null 2>&1
}

docker_start() {
    local case=$1
    shift
    if [ "$(id -u)" != 0 ]; then skip "$case" "a private dockerd needs root"; return 1; fi
    if ! _docker_deps; then skip "$case" "docker.io could not be installed"; return 1; fi
    # Short paths: containerd's and the shims' sockets live under the exec root (108-byte limit).
    DOCKER_DIR=$(mktemp -d /tmp/nskd.XXXXXX) || return 1
    mkdir -p "$DOCKER_DIR/bin" "$DOCKER_DIR/cfg"
    case " $* " in *" --userns-remap"*) chmod 711 "$DOCKER_DIR" ;; esac
    # The client that belongs to this engine (docker.io's); another one may come first in PATH.
    local client=/usr/bin/docker
    [ -x "$client" ] || client=$(command -v docker)
    ln -s "$client" "$DOCKER_DIR/bin/docker"
    export PATH="$DOCKER_DIR/bin:$PATH"
    export DOCKER_HOST="unix://$DOCKER_DIR/sock" DOCKER_CONFIG="$DOCKER_DIR/cfg"
    at_exit docker_stop
    local name; name=nskit-$(basename "$DOCKER_DIR")
    setsid dockerd \
        --data-root "$DOCKER_DIR/d" --exec-root "$DOCKER_DIR/x" --pidfile "$DOCKER_DIR/pid" \
        -H "$DOCKER_HOST" --iptables=false --ip-masq=false --bridge=none --userland-proxy=false \
        --containerd-namespace "$name" --containerd-plugins-namespace "$name-plugins" \
        --log-level warn "$@" >"$DOCKER_DIR/dockerd.log" 2>&1 </dev/null &
    echo $! >"$DOCKER_DIR/started"
    local i
    for i in $(seq 1 120); do
        docker version >/dev/null 2>&1 && return 0
        kill -0 "$(cat "$DOCKER_DIR/started")" 2>/dev/null || break
        sleep 0.5
    done
    skip "$case" "the private dockerd did not start: $(tail -3 "$DOCKER_DIR/dockerd.log" | tr '\n' ' ')"
    return 1
}

docker_stop() {
    [ -n "$DOCKER_DIR" ] && [ -d "$DOCKER_DIR" ] || return 0
    local ids
    ids=$(docker ps -aq 2>/dev/null) && [ -n "$ids" ] && docker rm -f $ids >/dev/null 2>&1
    local pid; pid=$(cat "$DOCKER_DIR/started" 2>/dev/null)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        local i
        for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
        kill -KILL "$pid" 2>/dev/null
    fi
    # containerd and the shims dockerd started, found by their pid files and sockets under our exec root
    local f p
    for f in "$DOCKER_DIR"/x/containerd/containerd.pid; do
        p=$(cat "$f" 2>/dev/null) && [ -n "$p" ] && kill -KILL "$p" 2>/dev/null
    done
    for p in $(pgrep -f -- "$DOCKER_DIR"); do
        [ "$p" != $$ ] && kill -KILL "$p" 2>/dev/null
    done
    # Mounts under our directory, deepest first.
    awk -v d="$DOCKER_DIR/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
        while read -r m; do umount -l "$m" 2>/dev/null; done
    rm -rf "$DOCKER_DIR"
}

make_busybox_image() {
    local name=$1 root="$DOCKER_DIR/bb"
    rm -rf "$root"
    mkdir -p "$root/bin" "$root/etc" "$root/root" "$root/tmp" "$root/proc" "$root/sys" "$root/dev"
    cp /bin/busybox "$root/bin/busybox"
    local applet
    for applet in $(/bin/busybox --list); do
        [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
    tar --numeric-owner -C "$root" -c . | docker import --change 'CMD ["/bin/sh"]' - "$name" >/dev/null
    local rc=$?
    rm -rf "$root"
    return $rc
}

make_debian_image() {
    local name=${1:-debian:bookworm-slim}
    docker image inspect "$name" >/dev/null 2>&1 && return 0
    local start=$SECONDS
    local how=cached
    [ -s "$NSKIT_TEST_CACHE/bookworm-minbase.tar" ] || how="debootstrap from nothing"
    "$TOP/scripts/make-base-image" --tag "$name" --cache "$NSKIT_TEST_CACHE" || return 1
    echo "  (made $name in $((SECONDS - start)) s: $how)"
}

# Run as a suite (tests/run runs every tests/e2e/*.sh), this file tests itself:
# the engine starts, runs a container, and leaves nothing behind, even when the
# suite that started it fails half-way.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    . "$(dirname "$0")/../lib.sh"
    _leftovers() {  # processes, mounts or files that still name the directory
        local d=$1
        { pgrep -af -- "$d"
          grep -F -- "$d" /proc/self/mountinfo
          [ -e "$d" ] && echo "$d"; } | head -3
    }
    if docker_start "the private engine"; then
        pass "a private dockerd starts on $DOCKER_HOST"
        if make_busybox_image nskit-test/busybox; then
            expect "a busybox container runs without a network" --rc 0 --out "0 lo" \
                -- docker run --rm --network none nskit-test/busybox sh -c 'echo $(id -u) $(ls /sys/class/net)'
        else
            fail "a busybox container runs without a network" "make_busybox_image failed"
        fi
        dir=$DOCKER_DIR
        docker run -d --network none nskit-test/busybox sleep 1000 >/dev/null
        docker_stop
        same "docker_stop leaves no process, mount or file" "$(_leftovers "$dir")" ""
        # A suite that fails with a container running: its exit still cleans up.
        marker=$(mktemp)
        NSKIT_RESULTS=/dev/null bash -c '
            . "$1/tests/lib.sh"; . "$1/tests/e2e/docker.sh"
            docker_start inner || exit 0
            make_busybox_image inner-busybox && docker run -d --network none inner-busybox sleep 1000 >/dev/null
            echo "$DOCKER_DIR" >"$2"
            exit 3' inner "$TOP" "$marker" >/dev/null 2>&1
        inner=$(cat "$marker"); rm -f "$marker"
        if [ -z "$inner" ]; then
            fail "a failing suite leaves nothing behind" "the inner engine did not start"
        else
            same "a failing suite leaves nothing behind" "$(_leftovers "$inner")" ""
        fi
    fi
fi
