#!/usr/bin/env bash
# Kubernetes pods run by a real containerd CRI, found by docker-enter as
# k8s:NAMESPACE/POD[/CONTAINER]. No kubelet and no crictl: tests/tools/cri.py
# asks the CRI what the kubelet would (RunPodSandbox, CreateContainer, ...).
# The suite runs a containerd of its own (its root, state, socket, config and
# runc root in a scratch directory; cgroups under a parent named after it),
# beside any other (the host's /run/containerd, dockerd's
# /run/docker/containerd), with two images it makes from a static busybox:
# nothing is pulled. A pod is in the node's network (no CNI). docker-enter is
# compared with the CRI's own ExecSync, which is what `kubectl exec` gives.
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/lib.sh"

setup="pods run by containerd's CRI"
need_root "$setup" || exit 0
for command in containerd ctr runc busybox; do need_cmd "$setup" "$command" || exit 0; done
# Debian's python3-grpcio is for /usr/bin/python3, which need not be the first python3 on PATH.
python=
for candidate in python3 /usr/bin/python3; do
    "$candidate" -c 'import grpc' >/dev/null 2>&1 && { python=$candidate; break; }
done
[ -n "$python" ] || { skip "$setup" "needs python3-grpcio (python3 -c 'import grpc')"; exit 0; }

work=$(mktemp -d /tmp/nskit-cri.XXXXXX)
sock=$work/containerd.sock
tasks=$work/state/io.containerd.runtime.v2.task
runc_root=$work/runc/k8s.io
cgroup_parent=/$(basename "$work")
cri=("$python" "$TOP/tests/tools/cri.py" "$sock")
cri() { "${cri[@]}" "$@"; }

# Cleanup, last first: the pods (each as it starts), containerd, then what a
# containerd that died early would leave: runc containers, our shims and their
# sockets in /run/containerd/s (named by the sha256 of address/namespace/id),
# mounts, cgroups, the directory.
our_shims() {
    local cmdline
    for cmdline in /proc/[0-9]*/cmdline; do
        tr '\0' ' ' <"$cmdline" 2>/dev/null | grep -q "containerd-shim.* -address $sock " &&
            basename "$(dirname "$cmdline")"
    done
}
kill_our_shims() {
    local pid id
    for pid in $(our_shims); do
        id=$(tr '\0' '\n' <"/proc/$pid/cmdline" | sed -n '/^-id$/{n;p}')
        kill -KILL "$pid"
        rm -f "/run/containerd/s/$(printf %s "$sock/k8s.io/$id" | sha256sum | cut -d' ' -f1)"
    done
}
unmount_ours() {
    awk -v dir="$work/" 'index($5, dir) == 1 {print $5}' /proc/self/mountinfo | sort -r |
        while read -r mount; do umount -l "$mount"; done
}
# A process that exists and has not exited (a zombie is waited for by its parent, us).
is_running() { local state; state=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null); [ -n "$state" ] && [ "$state" != Z ]; }
stop_containerd() {
    kill -TERM "$containerd_pid"
    wait_for 200 eval '! is_running $containerd_pid' || kill -KILL "$containerd_pid"
    wait "$containerd_pid"
}
at_exit "rm -rf $work"
at_exit "find /sys/fs/cgroup -maxdepth 3 -depth -type d -path '*$cgroup_parent*' -exec rmdir {} +"
at_exit unmount_ours
at_exit kill_our_shims
at_exit 'for id in $(runc --root '"$runc_root"' list -q); do runc --root '"$runc_root"' delete -f "$id"; done'

# One root for both images: busybox and its applets, two users and a group
# with both in it (the CRI reads the image's /etc/passwd and /etc/group).
rootfs=$work/rootfs
mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/srv" "$rootfs/proc" "$rootfs/dev" "$rootfs/sys" "$rootfs/tmp"
chmod 1777 "$rootfs/tmp"
cp "$(command -v busybox)" "$rootfs/bin/busybox"
for applet in $(busybox --list); do [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"; done
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1234:1234::/srv:/bin/sh\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nwheel:x:10:root,app\napp:x:1234:\n' >"$rootfs/etc/group"

# make_image FILE NAME CMD...: the root as a one-layer image, in `docker save`'s
# format (manifest.json, the config, the layer), which `ctr images import` reads.
make_image() {
    "$python" - "$rootfs" "$@" <<'EOF'
import hashlib, io, json, os, platform, sys, tarfile
rootfs, out, name, *command = sys.argv[1:]

def as_root(info):
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    info.mtime = 0
    return info

layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as tar:
    for entry in sorted(os.listdir(rootfs)):
        tar.add(os.path.join(rootfs, entry), arcname=entry, filter=as_root)
layer = layer.getvalue()
layer_digest = hashlib.sha256(layer).hexdigest()
arch = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "i686": "386"}.get(platform.machine(), platform.machine())
# What the CRI needs of a config: the platform, and rootfs.diff_ids naming the layer.
config = json.dumps({
    "architecture": arch, "os": "linux",
    "config": {"Env": ["PATH=/bin", "IMAGE=" + name], "Cmd": command, "WorkingDir": "/"},
    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + layer_digest]},
}).encode()
config_digest = hashlib.sha256(config).hexdigest()
manifest = json.dumps([{"Config": config_digest + ".json", "RepoTags": [name],
                        "Layers": [layer_digest + "/layer.tar"]}]).encode()
with tarfile.open(out, "w") as tar:
    for path, data in ((layer_digest + "/layer.tar", layer), (config_digest + ".json", config),
                       ("manifest.json", manifest)):
        info = tarfile.TarInfo(path)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
EOF
}
make_image "$work/pause.tar" nskit.test/pause:1 sleep 1000000
make_image "$work/app.tar" nskit.test/app:1 sleep 1000000

# containerd's config, version 2 (read by 1.6 and 1.7 alike). Its shim keeps
# runc's state in runc_root (not /run/containerd/runc), the opt plugin
# installs nothing in /opt/containerd, and an empty CNI directory is enough
# for pods in the node's network.
# Without CAP_SYS_RESOURCE (in some sandboxes, root lacks it), runc cannot
# give a pod's sandbox the OOM score (-998) the CRI asks: restricted, the CRI
# asks none below containerd's own.
mkdir -p "$work/cni/conf" "$work/cni/bin" "$work/opt"
restrict_oom_score_adj=false
[ $((0x$(awk '/^CapEff:/ {print $2}' /proc/self/status) >> 24 & 1)) = 1 ] || restrict_oom_score_adj=true
cat >"$work/config.toml" <<EOF
version = 2
root = "$work/root"
state = "$work/state"

[grpc]
  address = "$sock"

[plugins."io.containerd.internal.v1.opt"]
  path = "$work/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "nskit.test/pause:1"
  restrict_oom_score_adj = $restrict_oom_score_adj
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$work/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$work/cni/bin"
    conf_dir = "$work/cni/conf"
EOF

# Its open-file limits and umask are not docker-enter's: the shim passes its
# own on to the containers and to every exec, and docker-enter must give
# those. (Its limits are lowered from the suite's: raising a hard limit takes
# CAP_SYS_RESOURCE; docker-enter runs with umask 077 instead, as containerd
# must keep 022 to make directories others can read, such as the snapshots.)
hard=$(ulimit -H -n)
(ulimit -S -n $((hard / 2)) && ulimit -H -n $((hard - 1)) && umask 022 && exec containerd --config "$work/config.toml") \
    >"$work/containerd.log" 2>&1 </dev/null &
containerd_pid=$!
at_exit stop_containerd
# Minutes, not seconds, under an emulator (the host lab's guests run under TCG).
if ! wait_for 2400 eval '[ -S "$sock" ] || ! is_running $containerd_pid' || ! ctr -a "$sock" version >/dev/null 2>&1; then
    fail "$setup" "containerd did not start: $(tail -5 "$work/containerd.log" | tr '\n' ' ')"
    exit 0
fi
for image in pause app; do
    if ! out=$(ctr -a "$sock" -n k8s.io images import --snapshotter overlayfs "$work/$image.tar" 2>&1) ||
       ! wait_for 600 eval '[ -n "$(cri image nskit.test/'$image':1 2>/dev/null)" ]'; then
        fail "$setup" "the image nskit.test/$image:1 was not imported: $out"
        exit 0
    fi
done

# run_pod NAME UID: sets POD_ID; the pod is stopped and removed at exit.
run_pod() {
    POD_ID=$(cri runp default "$1" "$2" --cgroup-parent "$cgroup_parent/pod-$2") || return 1
    at_exit "cri stopp $POD_ID; cri rmp $POD_ID"
}
# run_in_pod POD_ID POD UID NAME OPTIONS...: creates and starts a container that sleeps; sets CONTAINER_ID.
run_in_pod() {
    local pod_id=$1 pod=$2 uid=$3 name=$4
    shift 4
    CONTAINER_ID=$(cri create "$pod_id" default "$pod" "$uid" "$name" nskit.test/app:1 \
        --cgroup-parent "$cgroup_parent/pod-$uid" "$@" -- sleep 1000000) && cri start "$CONTAINER_ID"
}
if ! { run_pod web uid-web && web=$POD_ID; } ||
   ! { run_in_pod "$web" web uid-web app --user 0 --cwd /srv --env ROLE=app && app=$CONTAINER_ID; } ||
   ! { run_in_pod "$web" web uid-web sidecar --user 1234 --env ROLE=sidecar --seccomp RuntimeDefault && sidecar=$CONTAINER_ID; } ||
   ! { run_pod solo uid-solo && solo=$POD_ID; } ||
   ! { run_in_pod "$solo" solo uid-solo only --env ROLE=only && only=$CONTAINER_ID; }; then
    fail "$setup" "a pod did not start (see above; containerd's log: $(tail -3 "$work/containerd.log" | tr '\n' ' '))"
    exit 0
fi
pass "two pods in namespace default: web (app as uid 0 in /srv, sidecar as uid 1234 with the runtime's seccomp profile) and solo (one container)"

# docker-enter looks for containerd's tasks in /run/containerd and dockerd's
# exec root by default (src/runtime/state.cpp); this containerd's are in its --state.
enter=("$NSKIT" docker-enter -T --state-dir "$tasks")
# Everything an exec'd process carries that the two could disagree on. ExecSync
# returns stdout and stderr apart: one stream keeps the order of the lines.
probe='exec 2>&1; id -u; id -g; id -G; pwd; env | sort
grep -E "^(Cap|NoNewPrivs|Seccomp)" /proc/self/status; cat /proc/self/cgroup; hostname
for ns in mnt net pid uts ipc cgroup; do echo "$ns $(readlink /proc/self/ns/$ns)"; done
echo "label $(cat /proc/self/attr/current 2>/dev/null)"; cat /proc/self/limits
echo "oom_score_adj $(cat /proc/self/oom_score_adj) umask $(umask)"'
for name in app sidecar; do
    id=${!name}
    same "k8s:default/web/$name is what the CRI's ExecSync (kubectl exec) gives it" \
        "$(umask 077 && "${enter[@]}" "k8s:default/web/$name" sh -c "$probe")" "$(cri exec "$id" -- sh -c "$probe")"
done
expect "k8s:default/web/app: its environment, user and cwd, as the CRI set them" --out "app nskit.test/app:1 0 /srv" -- \
    "${enter[@]}" k8s:default/web/app sh -c 'echo $ROLE $IMAGE $(id -u) $(pwd)'
expect "k8s:default/web/sidecar: uid 1234, in the pod's PID namespace (the sandbox's, app's and its own sleep)" \
    --out "1234 3" -- "${enter[@]}" k8s:default/web/sidecar sh -c 'echo $(id -u) $(grep -lx sleep /proc/[0-9]*/comm | wc -l)'
expect "k8s:default/solo: a pod's only container needs no name" --out only -- \
    "${enter[@]}" k8s:default/solo sh -c 'echo $ROLE'
expect "k8s:default/web/app: the command's exit status" --rc 7 -- "${enter[@]}" k8s:default/web/app sh -c 'exit 7'
expect "...as ExecSync passes it" --rc 7 -- "${cri[@]}" exec "$app" -- sh -c 'exit 7'
# The IDs are random, so the task directories are read in any order: the
# two are named in order all the same.
expect "k8s:default/web: two containers, so the error names both, in order" --rc 1 \
    --err "'k8s:default/web' names 2 containers: k8s:default/web/app, k8s:default/web/sidecar: name one of them in full" \
    -- "${enter[@]}" k8s:default/web true

# --list: each container by NAMESPACE/POD/CONTAINER, its init's PID as runc
# records it and the image the CRI annotates; the sandboxes not at all.
init_pid() { runc --root "$runc_root" state "$1" | "$python" -c 'import json, sys; print(json.load(sys.stdin)["pid"])'; }
listed=$("$NSKIT" docker-enter --list --state-dir "$tasks" --data-root "$work/no-docker")
same "--list: the pods' containers with their PID and image, the sandboxes not listed" \
    "$(awk -v ids=" ${app::12} ${sidecar::12} ${only::12} ${web::12} ${solo::12} " 'NR > 1 && index(ids, " " $3 " ") {print $1, $2, $3, $4, $5, $6}' <<<"$listed" | sort)" \
    "$(printf '%s\n' "k8s default/web/app ${app::12} $(init_pid "$app") running nskit.test/app:1" \
        "k8s default/web/sidecar ${sidecar::12} $(init_pid "$sidecar") running nskit.test/app:1" \
        "k8s default/solo/only ${only::12} $(init_pid "$only") running nskit.test/app:1" | sort)"
