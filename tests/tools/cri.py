#!/usr/bin/env python3
"""A minimal CRI v1 client: what the kubelet asks of containerd, for
tests/integration/cri.sh, without kubelet or crictl.

  cri.py SOCKET runp NAMESPACE POD UID [--cgroup-parent DIR]  prints the pod sandbox's ID
  cri.py SOCKET create POD_ID NAMESPACE POD UID CONTAINER IMAGE [--cgroup-parent DIR]
         [--user UID] [--cwd DIR] [--env K=V]... [--seccomp RuntimeDefault|Unconfined]
         -- CMD...                                           prints the container's ID
  cri.py SOCKET start CONTAINER_ID
  cri.py SOCKET exec CONTAINER_ID -- CMD...                  ExecSync, what `kubectl exec` gives:
                                                             its stdout, stderr and exit status
  cri.py SOCKET stopp POD_ID
  cri.py SOCKET rmp POD_ID
  cri.py SOCKET image IMAGE                                  prints the image's ID, nothing when
                                                             the CRI does not know it

A pod is in the node's network namespace (NamespaceMode NODE: no CNI
needed), its containers share the sandbox's PID and IPC namespaces (POD).
create repeats the pod's config (NAMESPACE POD UID and the cgroup parent) as
the kubelet does: the CRI takes the container's annotations and its cgroup's
path from that copy, not from the sandbox it runs.

Only python3-grpcio is needed: the messages are encoded and decoded here, by
hand, for the few fields used. Every field number below was checked against
kubernetes/cri-api's pkg/apis/runtime/v1/api.proto as containerd vendors it
(vendor/k8s.io/cri-api/...: v0.25.0 in containerd v1.6.20, v0.27.1 in
v1.7.24) and at cri-api's master: the numbers used here are the same in all.
"""
import sys

import grpc

RUNTIME = "/runtime.v1.RuntimeService/"
IMAGES = "/runtime.v1.ImageService/"

# NamespaceMode
POD, CONTAINER, NODE = 0, 1, 2
# SecurityProfile.ProfileType
PROFILE_TYPES = {"RuntimeDefault": 0, "Unconfined": 1}

VARINT, LENGTH = 0, 2  # the two wire types used


# --- encoding: a message is a list of (field number, value) pairs ---

def varint(n):
    if n < 0:
        n += 1 << 64  # int64: two's complement, ten bytes
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def message(*fields):
    """fields: (number, value) with value an int (varint), str or bytes
    (length-delimited; an encoded sub-message is bytes) or None (left out)."""
    out = bytearray()
    for number, value in fields:
        if value is None:
            continue
        if isinstance(value, bool) or isinstance(value, int):
            out += varint(number << 3 | VARINT) + varint(int(value))
        else:
            data = value.encode() if isinstance(value, str) else value
            out += varint(number << 3 | LENGTH) + varint(len(data)) + data
    return bytes(out)


def repeated(number, values):
    return [(number, v) for v in values]


# --- decoding: {field number: [values]}, ints for varints, bytes otherwise ---

def read_varint(data, at):
    n = shift = 0
    while True:
        byte = data[at]
        at += 1
        n |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return n, at


def decode(data):
    fields = {}
    at = 0
    while at < len(data):
        key, at = read_varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == VARINT:
            value, at = read_varint(data, at)
        elif wire == LENGTH:
            size, at = read_varint(data, at)
            value, at = data[at:at + size], at + size
        elif wire == 1:  # 64-bit
            value, at = data[at:at + 8], at + 8
        elif wire == 5:  # 32-bit
            value, at = data[at:at + 4], at + 4
        else:
            raise ValueError(f"wire type {wire} of field {number}")
        fields.setdefault(number, []).append(value)
    return fields


def first(fields, number, default):
    return fields.get(number, [default])[0]


def int32(n):
    return n - (1 << 64) if n >= 1 << 63 else n  # a negative int32 is sent as ten bytes


# --- the CRI's messages ---

def namespace_option():
    # NamespaceOption {network = 1; pid = 2; ipc = 3;}
    return message((1, NODE), (2, POD), (3, POD))


def pod_config(namespace, name, uid, cgroup_parent=None):
    # PodSandboxMetadata {name = 1; uid = 2; namespace = 3; attempt = 4;}
    metadata = message((1, name), (2, uid), (3, namespace))
    # LinuxSandboxSecurityContext {namespace_options = 1;}
    security = message((1, namespace_option()))
    # LinuxPodSandboxConfig {cgroup_parent = 1; security_context = 2;}
    linux = message((1, cgroup_parent), (2, security))
    # PodSandboxConfig {metadata = 1; linux = 8;}
    return message((1, metadata), (8, linux))


def container_config(name, image, command, user, cwd, env, seccomp):
    # ContainerMetadata {name = 1; attempt = 2;}
    metadata = message((1, name))
    # ImageSpec {image = 1;}
    image_spec = message((1, image))
    # KeyValue {key = 1; value = 2;}
    envs = [(6, message((1, k), (2, v))) for k, v in (e.split("=", 1) for e in env)]
    # Int64Value {value = 1;}: present even for 0, which is then not on the wire
    run_as_user = None if user is None else message((1, user or None))
    # SecurityProfile {profile_type = 1;}; none: the CRI's choice (containerd: unconfined)
    seccomp_profile = None if seccomp is None else message((1, PROFILE_TYPES[seccomp]))
    # LinuxContainerSecurityContext {namespace_options = 3; run_as_user = 5; seccomp = 15;}
    security = message((3, namespace_option()), (5, run_as_user), (15, seccomp_profile))
    # LinuxContainerConfig {security_context = 2;}
    linux = message((2, security))
    # ContainerConfig {metadata = 1; image = 2; command = 3; working_dir = 5; envs = 6; linux = 15;}
    return message((1, metadata), (2, image_spec), *repeated(3, command), (5, cwd), *envs, (15, linux))


class Client:
    def __init__(self, socket):
        self.channel = grpc.insecure_channel("unix://" + socket)

    def call(self, method, request, timeout=120):
        # No serializers: grpc sends and returns the bytes as they are.
        return decode(self.channel.unary_unary(method)(request, timeout=timeout))

    def run_pod(self, pod):
        # RunPodSandboxRequest {config = 1; runtime_handler = 2;} -> {pod_sandbox_id = 1;}
        reply = self.call(RUNTIME + "RunPodSandbox", message((1, pod_config(*pod))))
        return first(reply, 1, b"").decode()

    def create(self, pod_id, pod, config):
        # CreateContainerRequest {pod_sandbox_id = 1; config = 2; sandbox_config = 3;} -> {container_id = 1;}
        reply = self.call(RUNTIME + "CreateContainer", message((1, pod_id), (2, config), (3, pod_config(*pod))))
        return first(reply, 1, b"").decode()

    def start(self, container_id):
        # StartContainerRequest {container_id = 1;}
        self.call(RUNTIME + "StartContainer", message((1, container_id)))

    def exec_sync(self, container_id, command, timeout=30):
        # ExecSyncRequest {container_id = 1; cmd = 2; timeout = 3;}
        # -> ExecSyncResponse {stdout = 1; stderr = 2; exit_code = 3;}
        reply = self.call(RUNTIME + "ExecSync", message((1, container_id), *repeated(2, command), (3, timeout)),
                          timeout=timeout + 10)
        return first(reply, 1, b""), first(reply, 2, b""), int32(first(reply, 3, 0))

    def stop_pod(self, pod_id):
        # StopPodSandboxRequest {pod_sandbox_id = 1;}
        self.call(RUNTIME + "StopPodSandbox", message((1, pod_id)))

    def remove_pod(self, pod_id):
        # RemovePodSandboxRequest {pod_sandbox_id = 1;}
        self.call(RUNTIME + "RemovePodSandbox", message((1, pod_id)))

    def image_id(self, image):
        # ImageStatusRequest {image = 1 (ImageSpec {image = 1;});} -> {image = 1 (Image {id = 1;});}
        reply = self.call(IMAGES + "ImageStatus", message((1, message((1, image)))))
        found = first(reply, 1, None)
        return "" if found is None else first(decode(found), 1, b"").decode()


def parse(args, positional, options):
    """POSITIONAL... [--OPTION VALUE]... [-- CMD...] -> (positional, {option: [values]}, command)"""
    command = []
    if "--" in args:
        at = args.index("--")
        args, command = args[:at], args[at + 1:]
    if len(args) < positional or (len(args) - positional) % 2:
        sys.exit(__doc__)
    given = {option: [] for option in options}
    for option, value in zip(args[positional::2], args[positional + 1::2]):
        if option not in given:
            sys.exit(f"cri.py: unknown option {option}")
        given[option].append(value)
    return args[:positional], given, command


def last(values, default=None):
    return values[-1] if values else default


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    client, verb, args = Client(argv[1]), argv[2], argv[3:]
    try:
        if verb == "runp":
            (namespace, pod, uid), options, _ = parse(args, 3, ["--cgroup-parent"])
            print(client.run_pod((namespace, pod, uid, last(options["--cgroup-parent"]))))
        elif verb == "create":
            (pod_id, namespace, pod, uid, name, image), options, command = parse(
                args, 6, ["--cgroup-parent", "--user", "--cwd", "--env", "--seccomp"])
            user = last(options["--user"])
            config = container_config(name, image, command, None if user is None else int(user),
                                      last(options["--cwd"]), options["--env"], last(options["--seccomp"]))
            print(client.create(pod_id, (namespace, pod, uid, last(options["--cgroup-parent"])), config))
        elif verb == "start" and len(args) == 1:
            client.start(args[0])
        elif verb == "exec" and len(args) >= 3 and args[1] == "--":
            stdout, stderr, status = client.exec_sync(args[0], args[2:])
            sys.stdout.buffer.write(stdout)
            sys.stderr.buffer.write(stderr)
            return status
        elif verb == "stopp" and len(args) == 1:
            client.stop_pod(args[0])
        elif verb == "rmp" and len(args) == 1:
            client.remove_pod(args[0])
        elif verb == "image" and len(args) == 1:
            print(client.image_id(args[0]))
        else:
            sys.exit(__doc__)
    except grpc.RpcError as e:
        sys.exit(f"cri.py {verb}: {e.code().name}: {e.details()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
