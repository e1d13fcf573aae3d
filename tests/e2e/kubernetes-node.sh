#!/usr/bin/env bash
# Kubernetes beyond one node, node side (README, "Every node of a cluster"):
# there is no cluster here, so each step of the recipe runs as the cluster
# would run it, with the same image and the same privileges:
#   - deploy/kubernetes/nskit-installer.yaml passes yamllint and has the shape
#     the recipe relies on (checked with python3-yaml: kubectl is not packaged);
#   - its init container's work: the installer image run with the node's
#     directory at /target;
#   - `kubectl debug node/NODE --profile=sysadmin --image=nskit -- /nskit
#     nsenter -t 1 -m -C -- /usr/local/bin/docker-enter k8s:...`: the image run
#     privileged in the host's PID namespace and a cgroup namespace of its own,
#     the node's root at /host, as that debug pod is; from there, into a pod
#     laid out as containerd's CRI lays it out (tests/tools/pods.sh).
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/lib.sh"
. "$(dirname "$0")/docker.sh"

manifest=$TOP/deploy/kubernetes/nskit-installer.yaml
if need_cmd "the DaemonSet manifest" yamllint; then
    expect "deploy/kubernetes/nskit-installer.yaml: yamllint finds nothing" -- yamllint -s "$manifest"
fi
same "the manifest: a privileged namespace, a DaemonSet on every node, the installer as init container into the node's /usr/local/bin" \
    "$(python3 - "$manifest" <<'EOF' 2>&1
import sys, yaml
namespace, daemonset = yaml.safe_load_all(open(sys.argv[1]))
spec = daemonset["spec"]["template"]["spec"]
init = spec["initContainers"][0]
mounts = {m["name"]: m["mountPath"] for m in init["volumeMounts"]}
volumes = {v["name"]: v["hostPath"]["path"] for v in spec["volumes"]}
print(namespace["kind"], namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"],
      daemonset["apiVersion"], daemonset["kind"], daemonset["metadata"]["namespace"] == namespace["metadata"]["name"],
      spec["tolerations"] == [{"operator": "Exists"}], init["args"], volumes[next(iter(mounts))], mounts[next(iter(mounts))],
      len(spec["containers"]), daemonset["spec"]["selector"]["matchLabels"] == daemonset["spec"]["template"]["metadata"]["labels"])
EOF
)" "Namespace privileged apps/v1 DaemonSet True True ['/target'] /usr/local/bin /target 1 True"

need_root "the node side of the recipe" || exit 0
need_cmd "the node side of the recipe" runc || exit 0
docker_start "the node side of the recipe" || exit 0
work=$(mktemp -d /tmp/nskit-node.XXXXXX)
state=$work/state
at_exit "rm -rf $work"
. "$TOP/tests/tools/pods.sh"
pods_rootfs
if ! web=$(run_container pod-web web default sandbox "" 0 0 / pause) ||
   ! run_container app-0123 web default container app "$web" 0 /srv app >/dev/null; then
    fail "a pod run by runc" "a container did not start (see above)"
    exit 0
fi

# The installer image, as make release or the Dockerfile makes it: /nskit alone (nskit:latest).
"$TOP/tests/host-lab/installer-image" "$NSKIT" "$work/image.tar"
docker load -q -i "$work/image.tar" >/dev/null
# The DaemonSet's init container: the image, the node's bin directory at /target.
node_bin=$work/node/usr/local/bin
mkdir -p "$node_bin"
expect "the init container installs nskit into the node's directory" --out-has "install: 4 installed in /target" -- \
    docker run --rm --network none -v "$node_bin:/target" nskit /target

# The debug pod: privileged, the host's PID namespace, a cgroup namespace of
# its own (a pod's), the node's root at /host; the command enters PID 1's
# mount and cgroup namespaces and runs the node's docker-enter. (Every
# capability but CAP_SYS_RESOURCE, which this machine's own bounding set
# lacks, so that --privileged cannot start a container here.)
privileged=(--cap-add ALL --cap-drop SYS_RESOURCE --security-opt seccomp=unconfined --security-opt apparmor=unconfined)
[ "$(($(sed -n 's/^CapBnd:\t//p' /proc/self/status | sed 's/^/0x/') >> 24 & 1))" = 1 ] && privileged=(--privileged)
# The node's PID 1 is what the recipe enters. Where it cannot be inspected,
# not even by root (a sandbox's supervisor is PID 1 on some CI machines, and
# /proc/1/ns is refused), this shell stands in: its mount and cgroup
# namespaces are the host's, where dockerd and runc run.
init=1
if ! readlink /proc/1/ns/mnt >/dev/null 2>&1; then
    init=$$
    echo "  (PID 1 here cannot be inspected, even by root: the node's namespaces are taken from PID $init, this shell)"
fi
debug=(docker run --rm --network none "${privileged[@]}" --pid host --cgroupns private -v /:/host --entrypoint /nskit nskit)
same "the debug pod has a cgroup namespace of its own, hiding the node's cgroups" \
    "$("${debug[@]}" nsenter -t "$init" -m -- readlink /proc/self/ns/cgroup 2>&1 | grep -vx "$(readlink /proc/$init/ns/cgroup)" | cut -c1-7)" "cgroup:"
same "nsenter -t 1 -m -C: the node's own mount and cgroup namespaces" \
    "$("${debug[@]}" nsenter -t "$init" -m -C -- readlink /proc/self/ns/mnt /proc/self/ns/cgroup 2>&1 | tr '\n' ' ')" \
    "$(readlink /proc/$init/ns/mnt /proc/$init/ns/cgroup | tr '\n' ' ')"
expect "kubectl debug node/... -- /nskit nsenter -t 1 -m -C -- docker-enter k8s:default/web/app" \
    --out "app web $(readlink /proc/$(pod_pid app-0123)/ns/mnt)" -- \
    "${debug[@]}" nsenter -t "$init" -m -C -- "$node_bin/docker-enter" -T --state-dir "$state" k8s:default/web/app \
    sh -c 'echo $ROLE $(hostname) $(readlink /proc/self/ns/mnt)'
same "...the command is in the pod container's cgroup, as runc exec puts it" \
    "$("${debug[@]}" nsenter -t "$init" -m -C -- "$node_bin/docker-enter" -T --state-dir "$state" k8s:default/web/app cat /proc/self/cgroup 2>&1 | sort)" \
    "$(runc --root "$state" exec app-0123 cat /proc/self/cgroup | sort)"
expect "without entering PID 1's mount namespace, the node's docker-enter is not there" --rc 127 -- \
    "${debug[@]}" nsenter -t "$init" -C -- "$node_bin/docker-enter" --list
