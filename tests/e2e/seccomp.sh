#!/usr/bin/env bash
# docker-enter's seccomp filter against docker exec's, through a private
# Docker engine (tests/e2e/docker.sh). An image of busybox and the static
# probe (tests/tools/seccomp-probe.c) runs as containers with Docker's own
# default profile (no option), Podman's template (a moby-format file the
# engine understands), and the argument-rules, unknown-names,
# defaultErrnoRet and many-rules (1050 on one argument) profiles of
# tests/tools/seccomp-profiles. For each: the
# probe's table under `docker exec` and under `docker-enter` must be
# identical, and so must /proc/self/status's Seccomp and Seccomp_filters.
# Where nskit's tables (Linux 6.12) name calls the engine's runc's libseccomp
# cannot, the two legitimately differ (src/context/seccomp/compile.h): the
# lines that differ must then be exactly those, each with nskit's answer
# (tests/tools/seccomp-judge.sh), and any other difference fails.
# Profiles runc cannot run: SCMP_ACT_NOTIFY without a listener, and one over
# the kernel's 4096 instructions. The engine refuses to start such a
# container; docker-enter refuses a record (config.json) that holds one, and
# says why.
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/lib.sh"
. "$TOP/tests/e2e/docker.sh"

WORK=$(mktemp -d)
at_exit "rm -rf $WORK"
. "$TOP/tests/tools/seccomp-judge.sh"

if [ "$(uname -m)" != x86_64 ]; then
    skip "seccomp through Docker" "the probe makes x86_64 calls; this machine is $(uname -m)"
    exit 0
fi
need_root "seccomp through Docker" || exit 0
need_cmd "seccomp through Docker" gcc || exit 0
seccomp_build_probe || { skip "seccomp through Docker" "$SECCOMP_WHY"; exit 0; }
[ ${#PROBE_ARGS[@]} -gt 0 ] || skip "x86 (int \$0x80) calls in the probes" "this kernel has no IA-32 emulation"
make -s -C "$TOP" build/tests/seccomp-load >/dev/null || { fail "seccomp-load" "make build/tests/seccomp-load failed"; exit 0; }
LOAD=$TOP/build/tests/seccomp-load
seccomp_runtime_judge || RUNTIME_WHY=$SECCOMP_WHY

docker_start "seccomp through Docker" || exit 0
IMAGE=nskit-test/seccomp-probe
if ! make_busybox_image nskit-test/busybox; then
    fail "busybox image" "docker import failed"
    exit 0
fi
mkdir -p "$WORK/image"
cp "$PROBE" "$WORK/image/probe"
printf 'FROM nskit-test/busybox\nCOPY probe /probe\n' >"$WORK/image/Dockerfile"
if ! docker_build -q -t "$IMAGE" "$WORK/image" >"$WORK/build.out" 2>&1; then
    fail "the probe's image" "docker build failed: $(tail -c 300 "$WORK/build.out")"
    exit 0
fi

"$TOP/tests/tools/seccomp-profiles" "$WORK" "$TOP/tests/unit/fixtures/seccomp-docker-default.json" \
    "$TOP/src/context/seccomp/syscall_tables.cpp"
PODMAN_TEMPLATE=/usr/share/containers/seccomp.json
[ -f "$PODMAN_TEMPLATE" ] || PODMAN_TEMPLATE=$TOP/tests/unit/fixtures/seccomp-podman-default.json

enter() { "$NSKIT" docker-enter "$@"; }
DE=("$NSKIT" docker-enter)
run_container() {  # NAME [docker run options...]
    local name=$1; shift
    docker run -d --network none --name "$name" "$@" "$IMAGE" sleep 1000000 2>&1
}
# The runtime's record of a container: config.json in its bundle, the working directory of its shim.
config_of() {
    local init shim
    init=$(docker inspect -f '{{.State.Pid}}' "$1") && shim=$(awk '/^PPid:/ { print $2 }' "/proc/$init/status") &&
        readlink -f "/proc/$shim/cwd/config.json"
}
# The linux.seccomp of a record, as a file of its own.
profile_of() {
    python3 -c 'import json, sys; json.dump(json.load(open(sys.argv[1]))["linux"].get("seccomp") or {}, sys.stdout)' "$1"
}

# name: docker run options
declare -A options=(
    [docker-default]=""
    [podman-default]="--security-opt seccomp=$PODMAN_TEMPLATE"
    [args]="--security-opt seccomp=$WORK/args.json"
    [unknown]="--security-opt seccomp=$WORK/unknown.json"
    [errnoret]="--security-opt seccomp=$WORK/errnoret.json"
    [many]="--security-opt seccomp=$WORK/many.json"
)
echo "-- the probe under docker exec and under docker-enter"
for name in docker-default podman-default args unknown errnoret many; do
    # shellcheck disable=SC2086  # the options are words
    if ! out=$(run_container "sc-$name" ${options[$name]}); then
        fail "$name: the container starts" "$out"
        continue
    fi
    config=$(config_of "sc-$name") || { fail "$name: the runtime's record" "no config.json found for sc-$name"; continue; }
    profile_of "$config" >"$WORK/$name.record.json"
    docker exec "sc-$name" /probe "${PROBE_ARGS[@]}" >"$WORK/$name.exec" 2>&1
    enter "sc-$name" /probe "${PROBE_ARGS[@]}" >"$WORK/$name.enter" 2>&1 </dev/null
    if ! grep -q '^syscall 1000 = ' "$WORK/$name.exec"; then
        fail "$name: the probe runs under docker exec" "$(head -c 300 "$WORK/$name.exec")"
        continue
    fi

    # What nskit's own program and the runtime's names make of the record's profile, here.
    "$LOAD" "$WORK/$name.record.json" "$PROBE" "${PROBE_ARGS[@]}" >"$WORK/$name.ours" 2>&1
    if [ -n "$RUNTIME_LOAD" ]; then
        "$RUNTIME_LOAD" "$WORK/$name.record.json" "$PROBE" "${PROBE_ARGS[@]}" >"$WORK/$name.modeled" 2>&1
        newer=$(differences_said "$WORK/$name.modeled" "$WORK/$name.ours")
        if [ -z "$newer" ]; then
            same "$name: docker-enter's probe table is docker exec's" "$(cat "$WORK/$name.exec")" "$(cat "$WORK/$name.enter")"
        else
            echo "  $name: calls $RUNC_VERSION cannot name, as runc / as nskit gives them: $newer"
            same "$name: docker-enter's probe table is docker exec's, but for the calls runc's libseccomp cannot name, where it is nskit's ($(changed_lines "$WORK/$name.modeled" "$WORK/$name.ours" | wc -l) lines)" \
                "$(with_lines_of "$WORK/$name.exec" "$WORK/$name.modeled" "$WORK/$name.ours")" "$(cat "$WORK/$name.enter")"
        fi
    elif cmp -s "$WORK/$name.exec" "$WORK/$name.enter"; then
        pass "$name: docker-enter's probe table is docker exec's"
    else
        # Without the runtime's names no difference can be told legitimate.
        fail "$name: docker-enter's probe table is docker exec's" \
            "$(differences_said "$WORK/$name.exec" "$WORK/$name.enter") (and the runtime's names cannot be asked: $RUNTIME_WHY)"
    fi
    same "$name: docker-enter's Seccomp and Seccomp_filters are docker exec's" \
        "$(docker exec "sc-$name" grep '^Seccomp' /proc/self/status 2>&1)" \
        "$(enter "sc-$name" grep '^Seccomp' /proc/self/status 2>&1 </dev/null)"
done

# Profiles runc cannot run. The engine says so when the container starts;
# a record that holds one anyway (config.json rewritten on the host under a
# running container) is refused by docker-enter, with the reason.
echo "-- profiles the runtime refuses"
expect "SCMP_ACT_NOTIFY without a listener: the engine cannot start the container (runc: listenerPath is not set)" \
    --rc 125 --err "listenerPath is not set" -- \
    docker run --rm --network none --security-opt "seccomp=$WORK/notify.json" "$IMAGE" true
expect "over 4096 instructions: the engine cannot start the container (runc: the kernel refuses the filter)" \
    --rc 125 --err "error loading seccomp filter" -- \
    docker run --rm --network none --security-opt "seccomp=$WORK/too-large.json" "$IMAGE" true
if out=$(run_container sc-record); then
    config=$(config_of sc-record)
    cp "$config" "$WORK/record-config.json"
    with_profile() {  # PROFILE: sc-record's config.json with that linux.seccomp, in place
        python3 - "$config" "$1" <<'EOF'
import json, sys
path, profile = sys.argv[1], sys.argv[2]
config = json.load(open(path))
config["linux"]["seccomp"] = json.load(open(profile))
with open(path, "w") as f:
    json.dump(config, f)
EOF
    }
    # The path may be cut in the middle (an Error's text is 200 bytes); its end and the reason stay whole.
    with_profile "$WORK/notify.json"
    expect "docker-enter refuses a record whose profile has SCMP_ACT_NOTIFY, saying why" --rc 1 \
        --err "/config.json: linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY needs a seccomp agent listening, and nskit has none to hand calls to" \
        -- "${DE[@]}" sc-record true
    with_profile "$WORK/too-large.json"
    expect "docker-enter refuses a record whose profile is over 4096 instructions, saying how long" --rc 1 \
        --err "/config.json: the seccomp profile compiles to " -- "${DE[@]}" sc-record true
    expect "... and names the kernel's limit" --rc 1 --err "instructions: over the kernel's limit of 4096 (BPF_MAXINSNS)" \
        -- "${DE[@]}" sc-record true
    cp "$WORK/record-config.json" "$config"
    expect "the record restored, docker-enter enters again" --rc 0 --out ok -- "${DE[@]}" sc-record echo ok
else
    fail "a container for the hand-made records" "$out"
fi
