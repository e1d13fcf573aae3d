#!/usr/bin/env bash
# Kubernetes pods on a node, found daemonless as k8s:NAMESPACE/POD[/CONTAINER]
# (src/runtime/sources/kubernetes.cpp). No kubelet, containerd or CRI-O here: the
# pods are laid out as containerd's CRI and as CRI-O lay them out, with real runc containers. Each
# pod has a pause-like sandbox that owns the network, IPC and UTS namespaces,
# and containers that join them, with the CRI's annotations in their OCI
# config.json (io.kubernetes.cri.sandbox-namespace, -name, container-name,
# container-type). docker-enter is compared with `runc exec` of the same
# container, and a task in a sandboxed runtime (Kata's shim) is refused.
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/lib.sh"

need_root "pods run by runc" || exit 0
need_cmd "pods run by runc" runc || exit 0
need_cmd "pods run by runc" busybox || exit 0
work=$(mktemp -d /tmp/nskit-k8s.XXXXXX)
state=$work/state
at_exit "rm -rf $work"

. "$TOP/tests/tools/pods.sh"
pods_rootfs

if ! web=$(run_container pod-web web default sandbox "" 0 0 / pause) ||
   ! run_container app-0123 web default container app "$web" 0 /srv app >/dev/null ||
   ! run_container sidecar-4567 web default container sidecar "$web" 1234 / sidecar >/dev/null ||
   ! solo=$(run_container pod-solo solo default sandbox "" 0 0 / pause) ||
   ! run_container only-89ab solo default container only "$solo" 0 / only >/dev/null ||
   ! run_container pod-other web other sandbox "" 0 0 / pause >/dev/null ||
   ! run_container pod-empty empty default sandbox "" 0 0 / pause >/dev/null ||
   ! plain=$(run_container plain-cdef "" "" none "" 0 0 / plain) ||
   ! run_container evil-0000 solo hostile container $'evil\e]0;pwned\a\e[2J' "$solo" 0 / evil >/dev/null; then
    fail "pods run by runc" "a container did not start (see above)"
    exit 0
fi
pass "two pods in namespace default (web: app and sidecar; solo: one), a web in namespace other, an empty pod, a runc container of no pod, and one whose name holds terminal escapes"

enter=("$NSKIT" docker-enter -T --state-dir "$state")
probe='echo $ROLE $POD $(id -u) $(pwd) $(hostname) $(readlink /proc/self/ns/mnt) $(readlink /proc/self/ns/net)'
app_pid=$(pod_pid app-0123)
expect "k8s:default/web/app: its environment, user, cwd, the pod's hostname and network, its own mount namespace" \
    --out "app default/web 0 /srv web $(readlink /proc/$app_pid/ns/mnt) $(readlink /proc/$web/ns/net)" -- \
    "${enter[@]}" k8s:default/web/app sh -c "$probe"
same "k8s:default/web/app is what runc exec gives the container" \
    "$("${enter[@]}" k8s:default/web/app sh -c "$probe" 2>&1)" "$(runc --root "$state" exec app-0123 sh -c "$probe" 2>&1)"
same "k8s:default/web/sidecar (user 1234) is what runc exec gives it" \
    "$("${enter[@]}" k8s:default/web/sidecar sh -c "$probe" 2>&1)" "$(runc --root "$state" exec sidecar-4567 sh -c "$probe" 2>&1)"
expect "k8s:default/solo: a pod's only container needs no name" --out "only" -- \
    "${enter[@]}" k8s:default/solo sh -c 'echo $ROLE'
expect "k8s:default/web/app: the command's exit status" --rc 5 -- "${enter[@]}" k8s:default/web/app sh -c 'exit 5'
expect "k8s:default/web: two containers, so the error names both" --rc 1 \
    --err "'k8s:default/web' names 2 containers: k8s:default/web/app, k8s:default/web/sidecar: name one of them in full" \
    -- "${enter[@]}" k8s:default/web true
expect "k8s:default/web/db: no running container of that name" --rc 1 \
    --err "cannot find container k8s:default/web/db: no such container" -- "${enter[@]}" k8s:default/web/db true
expect "k8s:kube-system/web/app: the namespace is part of the name" --rc 1 --err "cannot find container k8s:kube-system/web/app" -- \
    "${enter[@]}" k8s:kube-system/web/app true
expect "k8s:default/empty: the sandbox (pause) is never entered" --rc 1 --err "cannot find container k8s:default/empty" -- \
    "${enter[@]}" k8s:default/empty true
for bad in k8s: k8s:default k8s:default/ k8s:/web k8s:default/web/app/x k8s:default/we; do
    expect "'$bad' names no container" --rc 1 --err "cannot find container $bad: no such container" -- "${enter[@]}" "$bad" true
done
expect "k8s: names need no engine: found with DOCKER_HOST dead" --out app -- \
    env DOCKER_HOST=unix://"$work"/no.sock "${enter[@]}" k8s:default/web/app sh -c 'echo $ROLE'

# A task of containerd's, as its shim records it: run by Kata's shim, its
# namespaces are a VM's. Refused by the record, whatever the process.
task=$work/tasks/k8s.io/kata-cdef
mkdir -p "$task"
echo "$app_pid" >"$task/init.pid"
python3 - "$work/bundles/app-0123/config.json" "$task/config.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["annotations"]["io.kubernetes.cri.sandbox-name"] = "vm"
c["annotations"]["io.kubernetes.cri.container-name"] = "guest"
json.dump(c, open(sys.argv[2], "w"))
EOF
echo /usr/bin/containerd-shim-kata-v2 >"$task/shim-binary-path"
expect "a pod in Kata Containers (shim-binary-path) is refused" --rc 1 \
    --err "a sandboxed runtime (Kata, gVisor) runs it" -- "${enter[@]}" --state-dir "$work/tasks" k8s:default/vm/guest true
echo /usr/bin/containerd-shim-runc-v2 >"$task/shim-binary-path"
expect "...the same task under runc's shim is entered" --out guest-ok -- \
    "${enter[@]}" --state-dir "$work/tasks" k8s:default/vm/guest sh -c 'echo guest-ok'

# --list: every container once, named as its source names it; the sandboxes not at all.
listed=$("$NSKIT" docker-enter --list --state-dir "$state" --data-root "$work/no-docker")
same "--list: the pods' containers by NAMESPACE/POD/CONTAINER with PID and image, a plain runc container by its runtime" \
    "$(awk 'NR > 1 && $3 ~ /^(only-89ab|app-0123|sidecar-4567|plain-cdef|pod-[a-z]*)$/ {print $1, $2, $3, $4, $5, $6}' <<<"$listed" | sort)" \
    "$(printf '%s\n' "k8s default/solo/only only-89ab $(pod_pid only-89ab) running registry.example/only:1" \
        "k8s default/web/app app-0123 $(pod_pid app-0123) running registry.example/app:1" \
        "k8s default/web/sidecar sidecar-4567 $(pod_pid sidecar-4567) running registry.example/sidecar:1" \
        "runc - plain-cdef $plain running -" | sort)"
same "--list: a name holding terminal escapes is shown visibly, each control byte as \\xHH" \
    "$(awk '$3 == "evil-0000" {print $2}' <<<"$listed")" 'hostile/solo/evil\x1b]0;pwned\x07\x1b[2J'
same "--list --format json: valid JSON, the escapes escaped, not written" \
    "$("$NSKIT" docker-enter --list --format json --state-dir "$state" --data-root "$work/no-docker" | python3 -c '
import json, sys
for c in json.load(sys.stdin):
    if c["id"] == "evil-0000": print(repr(c["name"]), c["source"], c["state"])')" \
    "'hostile/solo/evil\\x1b]0;pwned\\x07\\x1b[2J' k8s running"
runc --root "$state" pause app-0123
same "--list: a paused container is paused" \
    "$("$NSKIT" docker-enter --list --state-dir "$state" | awk '$3 == "app-0123" {print $5}')" paused
runc --root "$state" resume app-0123
expect "--list takes no container" --rc 1 --err "--list takes no container" -- "$NSKIT" docker-enter --list web

# CRI-O: a pod of the same shape as CRI-O lays it out (its annotations, the
# pod's labels as one JSON string, the bundles in containers/storage's userdata).
layout=crio
if ! shop=$(run_container crio-shop shop prod sandbox "" 0 0 / pause) ||
   ! run_container crio-app shop prod container app "$shop" 0 /srv crio-app >/dev/null ||
   ! run_container crio-log shop prod container log "$shop" 1234 / crio-log >/dev/null; then
    fail "a CRI-O pod run by runc" "a container did not start (see above)"
else
    pass "a CRI-O pod in namespace prod: shop, with its sandbox, app and log"
    same "k8s:prod/shop/app (CRI-O) is what runc exec gives the container" \
        "$("${enter[@]}" k8s:prod/shop/app sh -c "$probe" 2>&1)" "$(runc --root "$state" exec crio-app sh -c "$probe" 2>&1)"
    same "k8s:prod/shop/log (CRI-O, user 1234) is what runc exec gives it" \
        "$("${enter[@]}" k8s:prod/shop/log sh -c "$probe" 2>&1)" "$(runc --root "$state" exec crio-log sh -c "$probe" 2>&1)"
    expect "k8s:prod/shop (CRI-O): two containers, so the error names both" --rc 1 \
        --err "'k8s:prod/shop' names 2 containers: k8s:prod/shop/app, k8s:prod/shop/log" -- "${enter[@]}" k8s:prod/shop true
    same "--list: CRI-O's containers by NAMESPACE/POD/CONTAINER and image, its sandbox not at all" \
        "$("$NSKIT" docker-enter --list --state-dir "$state" --data-root "$work/no-docker" |
            awk '$3 ~ /^crio-/ {print $1, $2, $3, $6}' | sort)" \
        "$(printf '%s\n' "k8s prod/shop/app crio-app registry.example/crio-app:1" "k8s prod/shop/log crio-log registry.example/crio-log:1")"
fi
layout=
