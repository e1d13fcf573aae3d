#!/usr/bin/env bash
# Every source at once (src/runtime/sources/): a Docker container, a Podman
# container and an LXC container that share one name, and two pods laid out
# as containerd's CRI and as CRI-O lay them out. --list shows each container
# once; SOURCE:NAME enters each; with no engine answering, the bare name is an
# error that lists all three, in order.
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/lib.sh"
. "$TOP/tests/e2e/docker.sh"

for tool in podman runc lxc-create busybox; do need_cmd "every source at once" $tool || exit 0; done
docker_start "every source at once" || exit 0
make_busybox_image nskit-test/busybox || { fail "busybox image" "docker import failed"; exit 0; }
work=$(mktemp -d /tmp/nskit-sources.XXXXXX)
chmod 755 "$work"
state=$work/runc
at_exit "rm -rf $work"
. "$TOP/tests/tools/podman.sh"
. "$TOP/tests/tools/lxc.sh"
. "$TOP/tests/tools/pods.sh"
pods_rootfs

if ! docker run -d --network none --name twin -e WHO=docker nskit-test/busybox sleep 1000000 >/dev/null ||
   ! podman_setup || ! "${podman_run[@]}" --name twin -e WHO=podman localhost/nskit-busybox sleep 1000 >/dev/null ||
   ! lxc_start twin ||
   ! web=$(run_container pod-web web default sandbox "" 0 0 / pause) ||
   ! run_container web-app web default container app "$web" 0 / containerd-app >/dev/null ||
   ! shop=$(layout=crio run_container pod-shop shop prod sandbox "" 0 0 / pause) ||
   ! layout=crio run_container shop-app shop prod container app "$shop" 0 / crio-app >/dev/null; then
    fail "twin in Docker, Podman and LXC, and two pods" "a container did not start (see above)"
    exit 0
fi
pass "twin in Docker, Podman and LXC; the pods default/web and prod/shop"

from_state=(--state-dir "$DOCKER_DIR/x" --data-root "$DOCKER_DIR/d" --state-dir "$state")
dead=(env DOCKER_HOST=unix://"$work"/no.sock)
listed=$("${dead[@]}" "$NSKIT" docker-enter --list "${from_state[@]}")
same "--list, no engine answering: each container once, by its source's name" \
    "$(awk 'NR > 1 && ($2 == "twin" || $2 ~ /\/app$/) {print $1, $2}' <<<"$listed" | sort)" \
    "$(printf '%s\n' "docker twin" "k8s default/web/app" "k8s prod/shop/app" "lxc twin" "podman twin" | sort)"
same "--list: no ID twice" "$(awk 'NR > 1 && $3 != "-" {print $3}' <<<"$listed" | sort | uniq -d)" ""

expect "twin, with no engine answering: an error that lists the three" --rc 1 \
    --err "'twin' names 3 containers: docker:twin, lxc:twin, podman:twin: name one of them in full, as SOURCE:NAME" \
    -- "${dead[@]}" "$NSKIT" docker-enter "${from_state[@]}" twin true
expect "twin, the engine answering: Docker's (the engine is asked first, as docker exec asks it)" --out docker -- \
    "$NSKIT" docker-enter "${from_state[@]}" twin sh -c 'echo $WHO'
for source in docker podman; do
    expect "$source:twin is $source's" --out $source -- \
        "${dead[@]}" "$NSKIT" docker-enter "${from_state[@]}" $source:twin sh -c 'echo $WHO'
done
expect "lxc:twin is LXC's" --out lxc -- "${dead[@]}" "$NSKIT" docker-enter "${from_state[@]}" lxc:twin sh -c 'echo $container'
for pod in default/web prod/shop; do
    expect "k8s:$pod/app is that pod's" --out "$pod" -- \
        "${dead[@]}" "$NSKIT" docker-enter "${from_state[@]}" k8s:$pod/app sh -c 'echo $POD'
done
