# Kubernetes pods as containerd's CRI or CRI-O lays them out, made with runc alone, for
# tests/integration/kubernetes.sh and tests/e2e/kubernetes-node.sh. Source it
# after tests/lib.sh with $work (a scratch directory) and $state (runc's
# --root) set; everything it starts is deleted at exit.
#
#   pods_rootfs            a read-only root for every container: a static busybox
#   run_container ID POD NAMESPACE TYPE NAME SANDBOX_PID UID CWD ROLE
#                          prints the init's PID (see below)
#   pod_pid ID             the init's PID of a running container
#   layout=crio            (a variable) what run_container lays out next: CRI-O's
#                          annotations and bundle directory instead of containerd's

at_exit 'for id in $(runc --root '"$state"' list -q 2>/dev/null); do runc --root '"$state"' delete -f "$id"; done'

pod_pid() { runc --root "$state" state "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])'; }

pods_rootfs() {
    rootfs=$work/rootfs
    mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/srv" "$rootfs/proc" "$rootfs/dev" "$rootfs/sys" "$rootfs/tmp"
    cp "$(command -v busybox)" "$rootfs/bin/busybox"
    for applet in sh sleep id hostname cat readlink pwd echo env; do ln -s busybox "$rootfs/bin/$applet"; done
    printf 'root:x:0:0::/:/bin/sh\napp:x:1234:1234::/srv:/bin/sh\n' >"$rootfs/etc/passwd"
    printf 'root:x:0:\napp:x:1234:\n' >"$rootfs/etc/group"
}

# run_container ID POD NAMESPACE TYPE NAME SANDBOX_PID UID CWD ROLE: a runc container
# laid out as containerd's CRI would start it, or CRI-O with layout=crio: its
# annotations (the pod's labels as one JSON string, read from CRI-O's
# pkg/annotations) and its bundle in containers/storage's userdata directory. TYPE sandbox owns the pod's
# network, IPC and UTS namespaces; a container joins those of SANDBOX_PID;
# none carries no annotation at all (a container of no pod).
run_container() {
    local id=$1 pod=$2 ns=$3 type=$4 name=$5 sandbox_pid=$6 uid=$7 cwd=$8 role=$9
    local bundle=$work/bundles/$id
    [ "${layout:-containerd}" = crio ] && bundle=$work/containers/storage/overlay-containers/$id/userdata
    mkdir -p "$bundle"
    (cd "$bundle" && runc spec)
    python3 - "$bundle/config.json" "$rootfs" "$pod" "$ns" "$type" "$name" "$sandbox_pid" "$uid" "$cwd" "$role" "${layout:-containerd}" <<'EOF'
import json, sys
path, rootfs, pod, ns, kind, name, sandbox_pid, uid, cwd, role, layout = sys.argv[1:]
c = json.load(open(path))
c["root"] = {"path": rootfs, "readonly": True}
c["hostname"] = pod
p = c["process"]
p["terminal"] = False
p["args"] = ["sleep", "1000"]
p["env"] = ["PATH=/bin", "ROLE=" + role, "POD=" + ns + "/" + pod]
p["user"] = {"uid": int(uid), "gid": int(uid)}
p["cwd"] = cwd
annotations = {} if kind == "none" else {"io.kubernetes.cri.container-type": kind,
               "io.kubernetes.cri.sandbox-namespace": ns,
               "io.kubernetes.cri.sandbox-name": pod,
               "io.kubernetes.cri.sandbox-id": "sandbox-" + pod}
if kind == "container":
    annotations["io.kubernetes.cri.container-name"] = name
    annotations["io.kubernetes.cri.image-name"] = "registry.example/" + role + ":1"
if layout == "crio" and kind != "none":
    labels = {"io.kubernetes.pod.namespace": ns, "io.kubernetes.pod.name": pod,
              "io.kubernetes.container.name": name if kind == "container" else "POD"}
    annotations = {"io.container.manager": "cri-o", "io.kubernetes.cri-o.ContainerType": kind,
                   "io.kubernetes.cri-o.Labels": json.dumps(labels),
                   "io.kubernetes.cri-o.KubeName": pod, "io.kubernetes.cri-o.Namespace": ns,
                   "io.kubernetes.cri-o.SandboxID": "sandbox-" + pod}
    if kind == "container":
        annotations["io.kubernetes.cri-o.ImageName"] = "registry.example/" + role + ":1"
c["annotations"] = annotations
if kind == "container":
    shared = {"network", "ipc", "uts"}
    c["linux"]["namespaces"] = [{"type": t, "path": f"/proc/{sandbox_pid}/ns/{ {'network': 'net'}.get(t, t)}"} if t in shared
                                else {"type": t} for t in ("pid", "network", "ipc", "uts", "mount")]
    del c["hostname"]
json.dump(c, open(path, "w"))
EOF
    runc --root "$state" run -d --bundle "$bundle" "$id" </dev/null >/dev/null 2>"$work/$id.err" ||
        { echo "runc run $id: $(cat "$work/$id.err")" >&2; return 1; }
    pod_pid "$id"
}

